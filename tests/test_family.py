"""The rest of the autoencoder family: the noise the DAE trains on, the denoising and sample-quality measures, the
DAE and beta-VAE models and recipes, and the flipbook the three pages show (AppTest: tests/test_family_app.py)."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest
import torch

from explorer import denoising, noise, sample_quality
from explorer.checkpoints import CheckpointError, CheckpointFolder, check_config
from explorer.metrics import psnr, ssim
from explorer.models import DAE, VAE, DAEConfig, VAEConfig
from explorer.recipes import BETAS, RECIPES
from explorer.names import beta_name
from explorer.ui.widgets import flipbook


def blank(n: int = 4, value: float = 0.5) -> torch.Tensor:
    return torch.full((n, 1, 28, 28), value)


# --- noise ---------------------------------------------------------------------------------------------------------

def test_salt_and_pepper_replaces_the_asked_fraction_half_black_half_white():
    out = noise.salt_and_pepper(blank(50), 0.3, torch.Generator().manual_seed(0))
    replaced = out != 0.5
    assert abs(replaced.float().mean().item() - 0.3) < 0.01
    assert set(out[replaced].unique().tolist()) == {0.0, 1.0}
    assert abs((out == 1).float().mean().item() - 0.15) < 0.01


def test_salt_and_pepper_takes_one_amount_per_image():
    out = noise.salt_and_pepper(blank(2), torch.tensor([0.0, 1.0]), torch.Generator().manual_seed(0))
    assert (out[0] == 0.5).all() and (out[1] != 0.5).all()


def test_more_noise_keeps_the_pixels_less_noise_replaced():
    low = noise.salt_and_pepper(blank(1), 0.1, torch.Generator().manual_seed(3))
    high = noise.salt_and_pepper(blank(1), 0.4, torch.Generator().manual_seed(3))
    hit = low != 0.5
    assert hit.any() and torch.equal(high[hit], low[hit])


def test_gaussian_noise_is_clipped_to_the_pixel_range():
    out = noise.gaussian(blank(4, 0.9), 0.5, torch.Generator().manual_seed(0))
    assert out.min() >= 0 and out.max() <= 1 and (out == 1).any()


@pytest.mark.parametrize("amount", [-0.1, 1.5, float("nan"), [0.1, 0.2, 0.3]])
def test_a_bad_noise_amount_is_refused(amount):
    with pytest.raises(ValueError):
        noise.salt_and_pepper(blank(2), torch.tensor(amount))


def test_an_unknown_noise_kind_is_refused():
    with pytest.raises(ValueError, match="unknown noise kind"):
        noise.corrupt(blank(1), "speckle", 0.1)


# --- measures ------------------------------------------------------------------------------------------------------

def test_psnr_of_a_known_error():
    clean = np.zeros((1, 28, 28))
    assert psnr(clean + 0.1, clean)[0] == pytest.approx(20.0)
    assert psnr(clean, clean)[0] == 100.0


def test_ssim_is_one_for_identical_images_and_falls_with_noise():
    rng = np.random.default_rng(0)
    img = rng.random((2, 28, 28))
    assert ssim(img, img) == pytest.approx(1.0)
    noisy = np.clip(img + rng.normal(0, 0.3, img.shape), 0, 1)
    assert (ssim(noisy, img) < 0.9).all()
    assert ssim(noisy, img) == pytest.approx(ssim(img, noisy))


def test_median_filter_removes_an_isolated_speck_and_keeps_a_thick_stroke():
    img = np.zeros((1, 28, 28), np.float32)
    img[0, 5, 5] = 1.0
    img[0, 10:20, 10:14] = 1.0
    out = denoising.median_filter(img)
    assert out[0, 5, 5] == 0.0 and (out[0, 11:19, 11:13] == 1.0).all()


def test_frechet_distance_matches_the_textbook_formula():
    from scipy import linalg

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 6)), rng.normal(size=(400, 6)) * 1.5 + 0.3
    sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(sa + sb - 2 * linalg.sqrtm(sa @ sb).real)
    assert sample_quality.frechet_distance(a, b) == pytest.approx(expected, rel=1e-6)
    assert sample_quality.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_copes_with_features_that_never_fire():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(200, 5)), rng.normal(size=(200, 5))
    a[:, 2] = b[:, 2] = 0.0
    assert np.isfinite(sample_quality.frechet_distance(a, b))


def test_precision_and_recall_of_same_disjoint_and_collapsed_sets():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(300, 4))
    assert sample_quality.precision_recall(real, real) == (1.0, 1.0)
    assert sample_quality.precision_recall(real, real + 100) == (0.0, 0.0)
    collapsed = np.repeat(real[:1], 300, 0) + rng.normal(scale=1e-3, size=(300, 4))
    precision, recall = sample_quality.precision_recall(real, collapsed)
    assert precision == 1.0 and recall < 0.05     # realistic but no variety


def test_sharpness_of_blurred_images_is_lower():
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(0)
    img = (rng.random((10, 28, 28)) > 0.7).astype(float)
    assert sample_quality.gradient_magnitude(gaussian_filter(img, (0, 1, 1))) < sample_quality.gradient_magnitude(img)
    assert sample_quality.gradient_magnitude(np.full((2, 28, 28), 0.4)) == 0.0


# --- models and recipes ---------------------------------------------------------------------------------------------

def test_dae_denoises_to_the_input_shape_in_the_pixel_range():
    torch.manual_seed(0)
    out = DAE(DAEConfig("mnist")).eval().denoise(torch.rand(3, 1, 28, 28))
    assert out.shape == (3, 1, 28, 28) and out.min() >= 0 and out.max() <= 1


def test_dae_refuses_images_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\[N, 1, 28, 28\]"):
        DAE(DAEConfig("mnist")).denoise(torch.rand(2, 3, 32, 32))


def test_dae_config_is_validated_before_a_model_is_built(tmp_path):
    with pytest.raises(CheckpointError, match="channels"):
        check_config("dae", {"dataset": "mnist", "channels": [32, 99999]}, tmp_path / "config.json")


def test_dae_checkpoint_round_trip(tmp_path):
    torch.manual_seed(0)
    model = DAE(DAEConfig("fashion", channels=(8, 8))).eval()
    folder = CheckpointFolder(tmp_path / "fashion-dae")
    folder.save_model(model, training={})
    loaded = folder.load()
    x = torch.rand(2, 1, 28, 28)
    assert loaded.kind == "dae" and torch.allclose(loaded.denoise(x), model.denoise(x))


def test_beta_weighs_the_kl_term_of_the_training_loss_only():
    torch.manual_seed(0)
    x = torch.rand(8, 1, 28, 28)
    terms = {}
    for beta in (0.1, 2.0):
        model = VAE(VAEConfig("mnist", beta=beta))
        torch.manual_seed(1)
        model.load_state_dict(VAE(VAEConfig("mnist")).state_dict())
        torch.manual_seed(2)
        terms[beta] = model.loss(x)
    for beta, t in terms.items():
        assert t["loss"].item() == pytest.approx((t["recon"] + beta * t["kl"]).item(), rel=1e-5)
        assert t["nelbo"].item() == pytest.approx((t["recon"] + t["kl"]).item(), rel=1e-5)


def test_the_beta_recipes_differ_from_the_vae_only_in_beta():
    for ds in ("mnist", "fashion"):
        vae = RECIPES[f"{ds}-vae-2d"]
        for beta in BETAS:
            name = beta_name(ds, beta)
            assert re.fullmatch(r"[a-z0-9-]+", name), name
            recipe = RECIPES[name]
            assert recipe.model == VAEConfig(ds, 2, beta=beta)
            assert (recipe.epochs, recipe.lr, recipe.batch_size, recipe.lr_drop_epochs, recipe.seed) == \
                (vae.epochs, vae.lr, vae.batch_size, vae.lr_drop_epochs, vae.seed)
    assert beta_name("mnist", 0.03) == "mnist-vae-2d-beta0p03"


# --- flipbook ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [(2, 2), (2.0, 2), (0, 0), (5, None), (-1, None), (1.5, None),
                                             (True, None), ("2", None), (float("nan"), None), (None, None)])
def test_a_reported_stop_is_taken_only_when_a_whole_number_in_range(value, expected):
    assert flipbook.stop_index(value, 5) == expected


def test_a_book_refuses_a_panel_with_the_wrong_number_of_stops():
    with pytest.raises(ValueError, match="has 2 stops"):
        flipbook.Book("x", ("a", "b", "c"), (flipbook.ImagePanel("p", np.zeros((2, 4, 4), np.uint8), 40),))


def test_a_books_payload_is_lossless_pngs_and_its_signature_follows_the_content():
    frames = np.stack([np.full((4, 4), v, np.uint8) for v in (0, 7, 255)])
    book = flipbook.Book("x", ("a", "b", "c"), (flipbook.ImagePanel("p", frames, 40),))
    sent = book.payload["panels"][0]
    assert sent["native"] == [4, 4] and all(u.startswith("data:image/png;base64,") for u in sent["frames"])
    other = flipbook.Book("x", ("a", "b", "c"), (flipbook.ImagePanel("p", frames[::-1].copy(), 40),))
    assert other.payload["signature"] != book.payload["signature"]


# --- fixes the classroom walk-through found ------------------------------------------------------------------------

def test_gaussian_grid_spacing_is_the_prior_over_its_own_range_and_finite_over_an_autoencoders():
    from scipy.stats import norm

    from explorer.latent import grid_axis

    prior = grid_axis(-3, 3, 9, "gaussian")
    assert np.allclose(prior, norm.ppf(np.linspace(norm.cdf(-3), norm.cdf(3), 9)))
    wide = grid_axis(-11.2, 22.2, 12, "gaussian")
    assert np.isfinite(wide).all() and wide[0] == pytest.approx(-11.2) and wide[-1] == pytest.approx(22.2)
    steps = np.diff(wide)
    assert (steps > 0).all() and steps[0] > steps[len(steps) // 2]    # denser in the middle, spanning the range


def test_new_noise_sets_the_seed_without_a_session_state_warning(caplog):
    from .test_app import need, run

    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py", "mnist")
    with caplog.at_level(logging.WARNING, logger="streamlit"):
        at.button(key="gan_new_noise").click()
        at.run()
    assert at.session_state["gan_seed"] == 1
    assert not [r for r in caplog.records if "Session State" in r.getMessage()], caplog.text
