"""The public API contract of the foundation issue, on the shipped checkpoints."""

import pytest
import torch

import explorer
from explorer import names
from explorer.names import beta_name
from explorer.recipes import BETAS

DATASETS = ("mnist", "fashion")
EXPECTED = {f"{ds}-{m}" for ds in DATASETS
            for m in ("ae-2d", "vae-2d", "ae-16d", "vae-16d", "infogan", "classifier", "dae",
                      *(names.suffix(beta_name("mnist", b)) for b in BETAS))}


def test_list_models_names_every_shipped_checkpoint():
    assert set(explorer.list_models()) == EXPECTED


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "ae-" in n and "beta" not in n))
def test_autoencoder_contract(name):
    model = explorer.load_model(name)
    ds, kind, dim = name.split("-")
    assert (model.kind, model.dataset, model.latent_dim) == (kind, ds, int(dim[:-1]))
    images, labels = explorer.load_dataset(ds, "test")
    x = torch.from_numpy(images[:8]).float()[:, None] / 255
    z = model.encode(x)
    assert z.shape == (8, model.latent_dim) and z.device.type == "cpu" and z.dtype == torch.float32
    recon = model.decode(z)
    assert recon.shape == (8, 1, 28, 28) and recon.device.type == "cpu"
    assert 0 <= recon.min() and recon.max() <= 1
    assert (recon - x).abs().mean() < 0.2                      # a trained model reconstructs
    if kind == "vae":
        mu, logvar = model.posterior(x)
        assert torch.allclose(mu, z) and logvar.shape == mu.shape


@pytest.mark.parametrize("ds", DATASETS)
def test_infogan_contract(ds):
    model = explorer.load_model(f"{ds}-infogan")
    assert (model.kind, model.dataset, model.noise_dim) == ("infogan", ds, 62)
    n = 10
    z = torch.randn(n, model.noise_dim, generator=torch.Generator().manual_seed(0))
    x = model.generate(torch.arange(n), torch.linspace(-1, 1, n), torch.zeros(n), z)
    assert x.shape == (n, 1, 28, 28) and x.device.type == "cpu" and 0 <= x.min() and x.max() <= 1
    logits, cont = model.infer_codes(x)
    assert logits.shape == (n, 10) and cont.shape == (n, 2)
    assert (logits.argmax(1) == torch.arange(n)).float().mean() >= 0.8   # Q reads back c1 from G's images


@pytest.mark.parametrize("ds", DATASETS)
def test_classifier_contract(ds):
    model = explorer.load_model(f"{ds}-classifier")
    images, labels = explorer.load_dataset(ds, "test")
    p = model.predict_proba(torch.from_numpy(images[:200]).float()[:, None] / 255)
    assert p.shape == (200, 10) and (p.argmax(1).numpy() == labels[:200]).mean() > 0.85


@pytest.mark.parametrize("ds", DATASETS)
def test_denoising_autoencoder_contract(ds):
    model = explorer.load_model(f"{ds}-dae")
    assert (model.kind, model.dataset) == ("dae", ds)
    images, _ = explorer.load_dataset(ds, "test")
    x = torch.from_numpy(images[:8]).float()[:, None] / 255
    out = model.denoise(x)
    assert out.shape == x.shape and out.dtype == torch.float32 and 0 <= out.min() and out.max() <= 1
    with pytest.raises(NotImplementedError):
        model.decode(torch.zeros(1, 2))


@pytest.mark.parametrize("ds", DATASETS)
@pytest.mark.parametrize("beta", BETAS)
def test_beta_vaes_load_as_2d_vaes_with_their_beta(ds, beta):
    model = explorer.load_model(beta_name(ds, beta))
    assert (model.kind, model.dataset, model.latent_dim, model.config.beta) == ("vae", ds, 2, beta)
