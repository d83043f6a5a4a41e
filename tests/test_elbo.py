"""explorer.elbo: a VAE's loss of one image term by term, computed independently here from the model's layers, and
the published NELBO as the split's mean of the very same per-image terms."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import explorer
from explorer import elbo
from explorer.data import to_float
from explorer.latent import infogan_noise

from .test_app import need


def _independent_terms(model, image: np.ndarray, eps: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The reconstruction (nats), the per-dimension KL and x_hat from the model's networks, written out here."""
    x = torch.from_numpy(to_float(image[None]))
    with torch.no_grad():
        out = model.encoder(x.flatten(1))[0].double()
        mu, logvar = out[:2], out[2:]
        z = mu + torch.from_numpy(eps) * torch.exp(0.5 * logvar)
        p = torch.sigmoid(model.decoder(z.float()[None]).double()[0])
    target = x.flatten().double()
    recon = float(-(target * torch.log(p) + (1 - target) * torch.log1p(-p)).sum())
    kl = 0.5 * (mu ** 2 + logvar.exp() - logvar - 1)
    return recon, kl.numpy(), p.numpy().reshape(28, 28)


@pytest.mark.parametrize("name", ["mnist-vae-2d", "fashion-vae-2d"])
def test_one_images_terms_equal_the_models_computation_to_1e4_nats(name):
    need(name)
    model = explorer.load_model(name)
    images, _ = explorer.load_dataset(model.dataset, "test")
    for index, eps in ((0, np.array([0.0, 0.0])), (7, np.array([1.3, -0.4])), (123, np.array([-2.0, 2.5]))):
        t = elbo.image_terms(model, images[index:index + 1], eps[None])
        recon, kl_dims, x_hat = _independent_terms(model, images[index], eps)
        assert abs(t.recon[0] - recon) < 1e-4
        assert np.abs(t.kl_dims[0] - kl_dims).max() < 1e-4
        assert abs(t.nelbo[0] - (recon + kl_dims.sum())) < 1e-4
        assert np.abs(t.x_hat[0] - x_hat).max() < 1e-5
        # the closed form of the KL is the KL of two Gaussians, each dimension apart
        sigma = t.sigma[0]
        assert np.allclose(t.kl_dims[0], np.log(1 / sigma) + (sigma ** 2 + t.mu[0] ** 2) / 2 - 0.5, atol=1e-6)
        assert np.allclose(t.z[0], t.mu[0] + sigma * eps)


def test_the_split_mean_of_the_per_image_terms_is_the_published_nelbo():
    """explorer.evaluate publishes split_nelbo; its mean over the split, draw by draw, is image_terms'."""
    need("mnist-vae-2d")
    model = explorer.load_model("mnist-vae-2d")
    images, _ = explorer.load_dataset("mnist", "test")
    published = explorer.read_metrics("mnist-vae-2d")["eval"]
    gen = torch.Generator().manual_seed(elbo.NELBO_SEED)
    per_image = np.mean([elbo.image_terms(model, images, torch.randn((len(images), 2), generator=gen)).nelbo
                         for _ in range(elbo.NELBO_SAMPLES)], axis=0)
    assert per_image.shape == (len(images),)
    assert abs(per_image.mean() - published["test_nelbo"]) < 1e-3
    from explorer.evaluate import evaluate_vae
    assert evaluate_vae(model, images)["test_nelbo"] == pytest.approx(per_image.mean(), abs=1e-4)
    # the KL does not depend on eps: its split mean is the published KL exactly
    kl = elbo.image_terms(model, images, np.zeros((len(images), 2))).kl
    assert abs(kl.mean() - published["test_kl"]) < 1e-4


def test_autoencoder_terms_are_the_published_reconstruction_error():
    need("mnist-ae-2d")
    model = explorer.load_model("mnist-ae-2d")
    images, _ = explorer.load_dataset("mnist", "test")
    z, x_hat, pixels = elbo.autoencoder_terms(model, images)
    assert z.shape == (len(images), 2) and x_hat.shape == (len(images), 28, 28) and pixels.shape == (len(images), 784)
    assert abs(pixels.sum(1).mean() - explorer.read_metrics("mnist-ae-2d")["eval"]["test_recon"]) < 1e-3


def test_posterior_cloud_scales_sigma_and_zero_is_mu():
    mu, sigma = np.array([0.5, -1.0]), np.array([0.2, 0.1])
    draws = elbo.standard_draws(64, 2, seed=3)
    assert np.allclose(elbo.posterior_cloud(mu, sigma, 0.0, draws), mu)
    one, two = elbo.posterior_cloud(mu, sigma, 1.0, draws), elbo.posterior_cloud(mu, sigma, 2.0, draws)
    assert np.allclose(two - mu, 2 * (one - mu)) and np.allclose((one - mu) / sigma, draws)
    assert np.array_equal(draws, elbo.standard_draws(64, 2, seed=3))


def test_aggregate_posterior_is_a_density_with_the_exact_moments():
    need("mnist-vae-2d")
    model = explorer.load_model("mnist-vae-2d")
    images, _ = explorer.load_dataset("mnist", "test")
    agg = elbo.aggregate_posterior(model, images[:300], reach=6.0, n=121)
    cell = (agg.x[1] - agg.x[0]) * (agg.y[1] - agg.y[0])
    assert agg.prior.sum() * cell == pytest.approx(1.0, abs=1e-3)
    assert agg.aggregate.sum() * cell == pytest.approx(1.0, abs=0.02)
    # the moments against samples of the mixture
    t = elbo.image_terms(model, images[:300], np.zeros((300, 2)))
    rng = np.random.default_rng(0)
    samples = (t.mu[:, None] + t.sigma[:, None] * rng.standard_normal((300, 200, 2))).reshape(-1, 2)
    assert np.allclose(agg.mean, samples.mean(0), atol=0.02) and np.allclose(agg.std, samples.std(0), rtol=0.02)
    assert agg.mean_kl == pytest.approx(t.kl.mean())


def test_infogan_reading_is_qs_cross_entropy_of_the_codes():
    need("mnist-infogan")
    model = explorer.load_model("mnist-infogan")
    z = infogan_noise(model, 4)
    r = elbo.infogan_reading(model, 3, 0.5, -0.25, z)
    logits, cont = model.infer_codes(torch.from_numpy(r.image[None, None]))
    probs = torch.softmax(logits.double(), 1)[0].numpy()
    assert np.allclose(r.c1_probs, probs, atol=1e-6) and r.c1_probs.sum() == pytest.approx(1.0)
    assert r.info_cat == pytest.approx(-math.log(probs[3]), abs=1e-5)
    assert np.allclose(r.c_cont, cont[0].numpy(), atol=1e-6)
    assert r.info_cont == pytest.approx(0.5 * ((np.array([0.5, -0.25]) - cont[0].numpy()) ** 2).sum(), abs=1e-5)


def test_bad_eps_shapes_are_refused():
    need("mnist-vae-2d")
    model = explorer.load_model("mnist-vae-2d")
    images, _ = explorer.load_dataset("mnist", "test")
    with pytest.raises(ValueError, match="eps must have shape"):
        elbo.image_terms(model, images[:2], np.zeros((1, 2)))
