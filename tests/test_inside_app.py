"""Inside the models in AppTest: every part runs on both datasets in both modes; the numbers the page states (μ, σ,
the loss terms, the narration's facts, Q's reading) are the model's, computed here through other routes; the live
widget gets what its browser side needs, and a crafted report from it is ignored."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import explorer
from explorer import elbo
from explorer.latent import infogan_noise

from .test_app import need, run, texts
from .test_live_app import components, data

PAGE = "pages/14_Inside_the_models.py"
PARTS = {"vae": "VAE & autoencoder", "loss": "Loss of this image", "prior": "Prior vs all posteriors",
         "infogan": "InfoGAN", "dae": "Denoising AE"}


def numbers(text: str) -> list[float]:
    return [float(v.replace("−", "-")) for v in re.findall(r"[−-]?\d+(?:,\d{3})*\.\d+", text.replace(",", ""))]


def loss_numbers(at) -> tuple[float, float, float, float, float]:
    """(reconstruction, KL, KL z1, KL z2, negative ELBO) from the page's loss line."""
    line = next(m.value for m in at.markdown if m.value.startswith("**This image's loss**"))
    r, kl, k1, k2, total = numbers(line)[:5]
    return r, kl, k1, k2, total


@pytest.mark.parametrize("dataset", ["mnist", "fashion"])
@pytest.mark.parametrize("live", [False, True], ids=["fallback", "live"])
@pytest.mark.parametrize("part", list(PARTS))
def test_every_part_runs(part, live, dataset):
    need(f"{dataset}-vae-2d", f"{dataset}-ae-2d", f"{dataset}-infogan", f"{dataset}-dae")
    at = run(PAGE, dataset, state={"inside_part": part}, live=live)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Inside the models"
    if part in ("loss", "infogan"):
        assert at.get("latex"), "the formulas are rendered"


@pytest.mark.parametrize("live", [False, True], ids=["fallback", "live"])
def test_the_loss_line_is_the_models_loss_for_the_picked_image_and_eps(live):
    need("mnist-vae-2d", "mnist-ae-2d")
    state = {"inside_class": 7, "inside_example": 3, "inside_eps1": 0.5, "inside_eps2": -1.25}
    at = run(PAGE, "mnist", state=state, live=live)
    images, labels = explorer.load_dataset("mnist", "test")
    index = int(np.flatnonzero(labels == 7)[3])
    if not live:
        assert any(f"test image #{index}: 7" in h.proto.body for h in at.get("html"))
    t = elbo.image_terms(explorer.load_model("mnist-vae-2d"), images[index:index + 1], np.array([[0.5, -1.25]]))
    r, kl, k1, k2, total = loss_numbers(at)
    assert abs(r - t.recon[0]) < 0.006 and abs(kl - t.kl[0]) < 0.006 and abs(total - t.nelbo[0]) < 0.006
    assert abs(k1 - t.kl_dims[0, 0]) < 0.006 and abs(k2 - t.kl_dims[0, 1]) < 0.006
    if live:
        (widget,) = components(at, "lse_posterior")
        sent = data(widget)
        assert np.allclose(sent["mu"], t.mu[0], atol=1e-6) and np.allclose(sent["sigma"], t.sigma[0], atol=1e-6)
        assert sent["eps"] == [0.5, -1.25] and sent["scale"] == 1.0 and sent["decoder"] == "mnist-vae-2d"
        assert f"μ = ({t.mu[0, 0]:.2f}, {t.mu[0, 1]:.2f})".replace("-", "−") in sent["html"]
        assert components(at, "lse_decoder"), "the decoder goes to the browser"


def test_fallback_controls_move_eps_and_the_sigma_scale():
    need("mnist-vae-2d", "mnist-ae-2d")
    at = run(PAGE, "mnist")
    before = loss_numbers(at)
    at.slider(key="inside_eps1").set_value(2.0).run()
    after = loss_numbers(at)
    assert after[1] == before[1], "the KL does not depend on ε"
    assert after[0] != before[0], "the reconstruction does"
    vae = lambda: next(h.proto.body for h in at.get("html") if "lsi-vae" in h.proto.body)  # noqa: E731
    html = vae()
    assert "ε = (2.00, 0.00)" in html
    at.slider(key="inside_scale").set_value(0.0).run()
    html = vae()
    assert "σ-scale 0.0" in html and "z = (" in html
    at.button[0].click().run()                                          # Resample ε
    assert at.session_state["inside_eps1"] != 2.0 or at.session_state["inside_eps2"] != 0.0


def test_a_live_report_is_checked_and_a_crafted_one_is_ignored():
    for crafted in ({"eps": [1e9, 0], "scale": 1}, {"eps": "x", "scale": 1}, {"eps": [0, 0], "scale": -1},
                    {"eps": [float("nan"), 0], "scale": 1}):
        assert posterior_view(crafted) is None
    assert posterior_view({"eps": [1.5, -0.5], "scale": 2.0}) == ((1.5, -0.5), 2.0)


def posterior_view(view):
    """The widget's check of a report (explorer.ui.widgets.live.posterior_view), outside a Streamlit run."""
    from unittest import mock

    from explorer.ui.widgets import live, posterior
    with mock.patch.object(live.values, "reported", lambda key, *path: view), \
            mock.patch.object(live.values, "ignored", lambda what: None):
        return live.posterior_view("k", posterior.RANGES)


def test_the_prior_part_states_measured_facts():
    need("mnist-vae-2d", "mnist-ae-2d")
    at = run(PAGE, "mnist", state={"inside_part": "prior"})
    text = texts(at)
    model = explorer.load_model("mnist-vae-2d")
    images, _ = explorer.load_dataset("mnist", "test")
    # computed here another way: posterior() and the closed-form KL, the aggregate's moments from samples
    with torch.no_grad():
        mu, logvar = (v.double().numpy() for v in model.posterior(torch.from_numpy(images[:, None] / 255.0).float()))
    sigma = np.exp(0.5 * logvar)
    kl = (0.5 * (mu ** 2 + sigma ** 2 - logvar - 1)).sum(1)
    assert f"the KL term is **{kl.mean():.2f} nats**" in text
    assert f"{explorer.read_metrics('mnist-vae-2d')['eval']['test_kl']:.2f}" in text
    assert f"the average σ is **({sigma[:, 0].mean():.3f}, {sigma[:, 1].mean():.3f})**" in text
    samples = (mu[:, None] + sigma[:, None] * np.random.default_rng(0).standard_normal((len(mu), 50, 2))).reshape(-1, 2)
    shown = re.search(r"standard deviation \*\*\(([\d.]+), ([\d.]+)\)\*\*", text)
    assert np.allclose([float(shown[1]), float(shown[2])], samples.std(0), atol=0.02)
    assert f"This image's KL is **{kl[0]:.2f} nats**" in text
    assert ("more than the average" in text) == (kl[0] > kl.mean())


def test_the_infogan_part_shows_qs_reading():
    need("mnist-infogan")
    at = run(PAGE, "mnist", state={"inside_part": "infogan", "inside_c1": 3, "inside_c2": 0.5, "inside_seed": 2})
    model = explorer.load_model("mnist-infogan")
    r = elbo.infogan_reading(model, 3, 0.5, 0.0, infogan_noise(model, 2))
    body = next(h.proto.body for h in at.get("html") if "Q reads back" in h.proto.body)
    assert f"ĉ2 = {r.c_cont[0]:.2f}".replace("-", "−") in body
    assert f"{r.info_cat:.3f}" in at.get("latex")[0].value and f"{r.info_cont:.3f}" in at.get("latex")[0].value


def test_the_dae_part_follows_the_noise_amount():
    need("mnist-dae")
    at = run(PAGE, "mnist", state={"inside_part": "dae"})
    diagram = lambda: next(h.proto.body for h in at.get("html") if "noisy x" in h.proto.body)  # noqa: E731
    first = diagram()
    assert "30% of pixels hit" in first
    at.slider(key="inside_noise").set_value(0.5).run()
    assert "50% of pixels hit" in diagram() and diagram() != first
