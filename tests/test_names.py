"""The checkpoint naming scheme (explorer/names.py): built and parsed in one place."""

import pytest

import explorer
from explorer import names
from explorer.recipes import BETAS, RECIPES


def test_every_recipe_and_shipped_model_name_parses_back_to_itself():
    for name in {*RECIPES, *explorer.list_models()}:
        parsed = names.parse(name)
        assert parsed is not None, name
        assert str(parsed) == name
        assert names.join(parsed.dataset, parsed.suffix) == name


@pytest.mark.parametrize("name, parts", [
    ("mnist-vae-2d", ("mnist", "vae", 2, None)),
    ("fashion-ae-16d", ("fashion", "ae", 16, None)),
    ("fashion-vae-2d-beta0p01", ("fashion", "vae", 2, 0.01)),
    ("mnist-vae-2d-beta2", ("mnist", "vae", 2, 2.0)),
    ("mnist-infogan", ("mnist", "infogan", None, None)),
])
def test_parse_gives_the_parts(name, parts):
    p = names.parse(name)
    assert (p.dataset, p.kind, p.latent_dim, p.beta) == parts
    assert names.model_name(*parts) == name


@pytest.mark.parametrize("name", ["", "Mnist-vae-2d", "cifar-vae-2d", "mnist-vae-2d\n", "mnist--vae",
                                  "x-\udcff\udcfe-name", "mnist-vae-2.5d", "mnist-vae-2d-beta0.3", 42, None])
def test_names_outside_the_scheme_do_not_parse(name):
    assert names.parse(name) is None


def test_beta_names_and_labels():
    assert names.beta_name("mnist", 0.03) == "mnist-vae-2d-beta0p03"
    assert {names.parse(names.beta_name("fashion", b)).beta for b in BETAS} == set(BETAS)
    assert names.label("fashion-vae-2d-beta0p3") == "β-VAE · 2-D latent, β = 0.3"
    assert names.label("vae-16d") == names.label("mnist-vae-16d") == "VAE · 16-D latent"
    assert names.suffix("fashion-infogan") == "infogan"
