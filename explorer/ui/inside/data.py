"""What the Inside the models views compute, cached: one image's loss terms (:mod:`explorer.elbo`), the planes'
backgrounds, the aggregate posterior, the decodes of the posterior's samples, InfoGAN's reading, the DAE's
output."""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

import explorer
from explorer import denoising, elbo, names
from explorer.latent import decode, infogan_noise

from explorer.ui.inside import diagram
from explorer.ui.shell import cache

SAMPLE_SEED = 0               # the draws of the samples of q(z|x) shown on the planes
REACH = 4.0                   # the VAE's whole plane: z1, z2 in ±4 (the prior's 3σ circle and the codes' 99 %)


def vae_name(ds: str) -> str:
    return names.model_name(ds, "vae", 2)


def ae_name(ds: str) -> str:
    return names.model_name(ds, "ae", 2)


def class_names(ds: str) -> tuple[str, ...]:
    return explorer.DATASETS[ds].classes


def class_indices(ds: str, cls: int) -> np.ndarray:
    _, labels = cache.dataset(ds, "test")
    return np.flatnonzero(labels == cls)


def pick(ds: str, cls: int, example: int) -> int:
    """The ``example``-th test image of class ``cls`` (wrapping around), as a test-split index."""
    idx = class_indices(ds, cls)
    return int(idx[example % len(idx)])


@st.cache_data(show_spinner=False, max_entries=256)
def vae_terms(name: str, pixels: bytes, eps: tuple[float, float]) -> elbo.ImageTerms:
    """:func:`explorer.elbo.image_terms` of one image (uint8 [28, 28] bytes) for one ε."""
    image = np.frombuffer(pixels, np.uint8).reshape(1, 28, 28)
    return elbo.image_terms(cache.model(name), image, np.array([eps], np.float32))


@st.cache_data(show_spinner=False, max_entries=256)
def ae_terms(name: str, pixels: bytes) -> tuple[np.ndarray, np.ndarray, float]:
    """The autoencoder's z, x̂ and reconstruction (nats) of one image."""
    z, x_hat, recon = elbo.autoencoder_terms(cache.model(name), np.frombuffer(pixels, np.uint8).reshape(1, 28, 28))
    return z[0], x_hat[0], float(recon.sum())


def draws() -> np.ndarray:
    return elbo.standard_draws(diagram.SAMPLE_DOTS, 2, SAMPLE_SEED)


@st.cache_data(show_spinner=False, max_entries=512)
def decodes(name: str, mu: tuple, sigma: tuple, eps: tuple, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The decode of z = μ + s·σ·ε and of the first samples of q(z|x) at σ-scale s (the server's side of what the
    live widget paints)."""
    mu, sigma = np.array(mu), np.array(sigma)
    z = elbo.posterior_cloud(mu, sigma, scale, np.array([eps]))
    cloud = elbo.posterior_cloud(mu, sigma, scale, draws()[:diagram.SAMPLE_DECODES])
    out = decode(cache.model(name), np.concatenate([z, cloud]).astype(np.float32))
    return out[0], out[1:]


@st.cache_data(show_spinner=False, max_entries=16)
def background(name: str, reach: float, size: int) -> str:
    """The model's test codes as faint dots on its plane (a PNG data URI)."""
    return diagram.background(cache.encodings(name), reach, size)


@st.cache_data(show_spinner="Adding up every test image's posterior…", max_entries=8)
def aggregate(name: str) -> elbo.Aggregate:
    images, _ = cache.dataset(cache.model(name).dataset, "test")
    return elbo.aggregate_posterior(cache.model(name), images, reach=REACH, n=121)


def published(name: str) -> dict:
    """The NELBO, reconstruction and KL that ``explorer.evaluate`` published for the model (empty if none)."""
    return cache.metrics(name).get("eval", {})


def ae_reach(name: str) -> float:
    """Half the side of the square that holds 99 % of the autoencoder's codes."""
    return float(np.ceil(np.percentile(np.abs(cache.encodings(name)), 99)))


@st.cache_data(show_spinner=False, max_entries=256)
def infogan_reading(name: str, c1: int, c2: float, c3: float, seed: int) -> elbo.QReading:
    model = cache.model(name)
    return elbo.infogan_reading(model, c1, c2, c3, infogan_noise(model, seed))


@st.cache_data(show_spinner=False, max_entries=256)
def dae_output(name: str, pixels: bytes, amount: float, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """(noisy x, the DAE's clean x̂, PSNR / SSIM of both against the clean image) for salt-and-pepper noise at
    ``amount``."""
    clean = np.frombuffer(pixels, np.uint8).reshape(1, 28, 28).astype(np.float32) / 255
    noisy = denoising.noisy(clean, "salt and pepper", amount, seed)
    out = cache.model(name).denoise(torch.from_numpy(noisy.reshape(1, 1, 28, 28))).numpy().reshape(1, 28, 28)
    return noisy[0], out[0], denoising.scores({"noisy": noisy, "clean": out}, clean)
