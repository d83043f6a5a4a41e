"""Inside the models: the VAE's loss of each image term by term, its posterior q(z|x) and the aggregate of all
posteriors, the autoencoder's reconstruction loss, and what InfoGAN's Q reads back. Numpy in, numpy out, no
Streamlit.

One function computes a VAE's per-image terms (:func:`image_terms`, through :meth:`explorer.models.vae.VAE.elbo_terms`),
and the NELBO that ``explorer.evaluate`` publishes is their mean (:func:`split_nelbo`), so the app's numbers for
one image and the published number for the split cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .data import to_float
from .latent import decode, encode, infogan_generate

NELBO_SAMPLES = 10      # posterior samples per image in the published NELBO
NELBO_SEED = 0


def _x(images: np.ndarray) -> torch.Tensor:
    """uint8 or float images [N, 28, 28] (or [N, 1, 28, 28]) as float [N, 1, 28, 28] in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(to_float(images)))


@dataclass(frozen=True)
class ImageTerms:
    """A VAE's negative ELBO of N images for one draw of eps, in nats: arrays [N, ...] (float64)."""

    mu: np.ndarray              # [N, d] posterior mean
    sigma: np.ndarray           # [N, d] posterior standard deviation
    eps: np.ndarray             # [N, d] the standard-normal draw
    z: np.ndarray               # [N, d] = mu + sigma * eps
    x_hat: np.ndarray           # [N, 28, 28] the decoder's pixel probabilities at z
    recon_pixels: np.ndarray    # [N, 784] -log p(x_i | z): the Bernoulli NLL of each pixel
    kl_dims: np.ndarray         # [N, d] KL(q(z|x) || N(0, I)) of each latent dimension

    @property
    def recon(self) -> np.ndarray:
        return self.recon_pixels.sum(1)

    @property
    def kl(self) -> np.ndarray:
        return self.kl_dims.sum(1)

    @property
    def nelbo(self) -> np.ndarray:
        return self.recon + self.kl


def image_terms(model, images: np.ndarray, eps: np.ndarray | torch.Tensor) -> ImageTerms:
    """The VAE's loss of each image term by term (:meth:`~explorer.models.vae.VAE.elbo_terms`) for the draw ``eps``
    [N, latent_dim] (zeros: z = mu, the decode an autoencoder would make)."""
    x = _x(images).to(model.device)
    eps = torch.as_tensor(np.asarray(eps, np.float32) if not torch.is_tensor(eps) else eps, dtype=torch.float32)
    if tuple(eps.shape) != (len(x), model.latent_dim):
        raise ValueError(f"eps must have shape [{len(x)}, {model.latent_dim}]; got {list(eps.shape)}")
    with torch.inference_mode():
        t = model.elbo_terms(x, eps)
    out = {k: v.double().cpu().numpy() for k, v in t.items()}
    return ImageTerms(mu=out["mu"], sigma=np.exp(0.5 * out["logvar"]), eps=eps.double().numpy(), z=out["z"],
                      x_hat=(1 / (1 + np.exp(-out["logits"]))).reshape(-1, 28, 28),
                      recon_pixels=out["recon_pixels"], kl_dims=out["kl_dims"])


def split_nelbo(model, images: np.ndarray, samples: int = NELBO_SAMPLES, seed: int = NELBO_SEED) -> dict:
    """The published numbers of a VAE: the mean over ``images`` and ``samples`` draws of eps (a seeded generator)
    of :func:`image_terms`' NELBO, reconstruction and KL."""
    gen = torch.Generator().manual_seed(seed)
    totals = {"nelbo": 0.0, "recon": 0.0, "kl": 0.0}
    for _ in range(samples):
        t = image_terms(model, images, torch.randn((len(images), model.latent_dim), generator=gen))
        for k in totals:
            totals[k] += float(getattr(t, k).mean()) / samples
    return {"test_nelbo": totals["nelbo"], "test_recon": totals["recon"], "test_kl": totals["kl"]}


def posterior_cloud(mu: np.ndarray, sigma: np.ndarray, scale: float, draws: np.ndarray) -> np.ndarray:
    """Samples z = mu + scale * sigma * eps of q(z|x) with sigma scaled by ``scale`` (0: only mu), one per row of
    ``draws`` [n, d] (standard-normal): [n, d]. The browser computes the same (posteriorSamples in core.js)."""
    return np.asarray(mu, np.float64) + float(scale) * np.asarray(sigma, np.float64) * np.asarray(draws, np.float64)


def standard_draws(n: int, dim: int, seed: int) -> np.ndarray:
    """``n`` reproducible draws of eps ~ N(0, I) [n, dim] (float64)."""
    return np.random.default_rng(seed).standard_normal((n, dim))


def autoencoder_terms(model, images: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An autoencoder's code z [N, d], reconstruction x_hat [N, 28, 28] and the Bernoulli NLL of each pixel
    [N, 784] (x_hat clipped to [1e-6, 1 - 1e-6]), as ``explorer.evaluate`` publishes its reconstruction error."""
    x = _x(images)
    z = encode(model, x.numpy())
    x_hat = decode(model, z).astype(np.float64)
    p = np.clip(x_hat.reshape(len(x), -1), 1e-6, 1 - 1e-6)
    target = x.numpy().reshape(len(x), -1).astype(np.float64)
    return z, x_hat.reshape(-1, 28, 28), -(target * np.log(p) + (1 - target) * np.log(1 - p))


@dataclass(frozen=True)
class Aggregate:
    """Every test image's posterior at once: q(z) = (1/N) sum_i N(mu_i, sigma_i²) beside the prior N(0, I)."""

    x: np.ndarray               # grid axes
    y: np.ndarray
    prior: np.ndarray           # density [ny, nx]
    aggregate: np.ndarray       # density [ny, nx]
    kl: np.ndarray              # [N] each image's KL (nats)
    mean: np.ndarray            # [d] the aggregate's mean
    std: np.ndarray             # [d] the aggregate's standard deviation per dimension
    mean_sigma: np.ndarray      # [d] the average posterior standard deviation

    @property
    def mean_kl(self) -> float:
        return float(self.kl.mean())


def aggregate_posterior(model, images: np.ndarray, reach: float = 4.0, n: int = 81) -> Aggregate:
    """The aggregate posterior of a 2-D VAE over ``images`` on an n x n grid over [-reach, reach]², the prior on
    the same grid, each image's KL (:func:`image_terms` at eps = 0: the KL does not depend on eps) and the
    aggregate's moments (exact: mean = avg mu, variance = avg(sigma² + mu²) - mean²)."""
    if model.latent_dim != 2:
        raise ValueError(f"the aggregate posterior is drawn for 2-D VAEs; got {model.latent_dim}-D")
    t = image_terms(model, images, np.zeros((len(images), 2), np.float32))
    axis = np.linspace(-reach, reach, n)
    gx, gy = np.meshgrid(axis, axis)
    points = np.stack([gx.ravel(), gy.ravel()], 1)
    prior = np.exp(-0.5 * (points ** 2).sum(1)) / (2 * math.pi)
    density = np.zeros(len(points))
    for i in range(0, len(t.mu), 500):
        mu, s = t.mu[i:i + 500], t.sigma[i:i + 500]
        d = (points[:, None, :] - mu[None]) / s[None]
        density += (np.exp(-0.5 * (d ** 2).sum(2)) / (2 * math.pi * s.prod(1))[None]).sum(1)
    mean = t.mu.mean(0)
    std = np.sqrt((t.sigma ** 2 + t.mu ** 2).mean(0) - mean ** 2)
    return Aggregate(x=axis, y=axis, prior=prior.reshape(n, n), aggregate=(density / len(t.mu)).reshape(n, n),
                     kl=t.kl, mean=mean, std=std, mean_sigma=t.sigma.mean(0))


@dataclass(frozen=True)
class QReading:
    """One InfoGAN image and what Q reads back from it, with the information term of its codes."""

    image: np.ndarray           # [28, 28]
    c1_probs: np.ndarray        # [10] Q's probabilities of each category
    c_cont: np.ndarray          # [2] Q's means of c2, c3
    info_cat: float             # -log Q(c1 | x), nats
    info_cont: float            # the Gaussian NLL of (c2, c3) under Q (fixed sigma = 1, constant dropped), nats


def infogan_reading(model, c1: int, c2: float, c3: float, z: np.ndarray) -> QReading:
    """Generate G(z, c1, c2, c3) and read it back with Q: the terms of the information loss -log Q(c | G(z, c))
    that training minimises (as :meth:`explorer.models.infogan.InfoGAN.information_loss`, fixed sigma)."""
    image = infogan_generate(model, [int(c1)], [float(c2)], [float(c3)], z)[0]
    with torch.inference_mode():
        logits, mu, logvar = model.q_head(model.trunk(torch.from_numpy(image[None, None]).to(model.device)))
    logits, mu = logits[0].double().cpu().numpy(), mu[0].double().cpu().numpy()
    logvar = logvar[0].double().cpu().numpy() if model.config.learn_sigma else np.zeros(2)
    log_probs = logits - (logits.max() + np.log(np.exp(logits - logits.max()).sum()))
    cont = np.array([c2, c3], np.float64)
    return QReading(image=image, c1_probs=np.exp(log_probs), c_cont=mu, info_cat=float(-log_probs[int(c1)]),
                    info_cont=float((0.5 * (logvar + (cont - mu) ** 2 / np.exp(logvar))).sum()))
