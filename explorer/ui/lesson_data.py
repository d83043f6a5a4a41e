"""Cached computations of the AE-versus-VAE lesson (``st.cache_data`` for arrays, ``st.cache_resource`` for
figures, which callers copy before changing). Every function takes names and numbers, so caches are shared by
all sessions."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer import quality, teaching
from explorer.checkpoints import checkpoint_name

from . import cache, lesson_figures

KINDS = ("ae", "vae")
TITLES = {"ae": "Autoencoder (AE)", "vae": "Variational autoencoder (VAE)"}


LATENT_SIZES = (2, 16)


def model_name(ds: str, kind: str, dim: int = 2) -> str:
    """The model of a kind the lesson uses: ``<ds>-ae-2d``, ``<ds>-vae-2d`` (the maps), or the 16-D ones."""
    return checkpoint_name(ds, kind, dim)


def class_names(ds: str) -> tuple[str, ...]:
    return explorer.DATASETS[ds].classes


def _scored(scores: quality.DecodeQuality) -> dict[str, np.ndarray]:
    return {"confidence": scores.confidence, "predicted": scores.predicted,
            "distance_ratio": scores.distance_ratio, "data_like": scores.data_like}


@st.cache_data(show_spinner="Decoding and scoring a 50 × 50 grid…", max_entries=16)
def quality_map(name: str) -> quality.QualityMap:
    model = cache.model(name)
    return quality.quality_map(model, cache.quality_scorer(model.dataset), cache.encodings(name))


@st.cache_data(show_spinner="Measuring the gaps…", max_entries=16)
def gap_numbers(name: str) -> dict[str, float]:
    """One AE's or VAE's published gap numbers (:func:`explorer.quality.gap_numbers`, what
    ``python -m explorer.evaluate`` records and the README and docs show)."""
    model = cache.model(name)
    _, labels = cache.dataset(model.dataset, "test")
    qmap = quality_map(name) if model.latent_dim == 2 else None
    return quality.gap_numbers(model, cache.quality_scorer(model.dataset), cache.encodings(name), labels, qmap)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=48)
def quality_figure(name: str, metric: str, show_density: bool):
    _, labels = cache.dataset(cache.model(name).dataset, "test")
    return lesson_figures.quality_figure(quality_map(name), cache.encodings(name), labels,
                                         class_names(cache.model(name).dataset), metric, show_density)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def encodings_figure(name: str, height: int = 480):
    _, labels = cache.dataset(cache.model(name).dataset, "test")
    return lesson_figures.encodings_map(cache.encodings(name), labels, class_names(cache.model(name).dataset),
                                        height=height)


@st.cache_data(show_spinner=False, max_entries=512)
def decode_point(name: str, z1: float, z2: float) -> dict:
    """One position decoded and scored: image, confidence, predicted, distance_ratio, data_like, and the latent
    distance to the nearest test encoding (and whether that counts as far)."""
    model = cache.model(name)
    images, scores = quality.decode_and_score(model, cache.quality_scorer(model.dataset), np.array([[z1, z2]]))
    nearest = float(quality.nearest_encoding(np.array([[z1, z2]]), cache.encodings(name))[0])
    qmap = quality_map(name)
    return {"image": images[0], **{k: v[0].item() for k, v in _scored(scores).items()},
            "nearest_encoding": nearest, "far": nearest > qmap.far_threshold,
            "outside": bool(np.isnan(quality.value_at(qmap, qmap.confidence, (z1, z2))))}


@st.cache_data(show_spinner="Sampling from the prior…", max_entries=64)
def prior_samples(name: str, n: int, seed: int) -> dict[str, np.ndarray]:
    """z ~ N(0, I) (the same z for every model with this seed), decoded and scored."""
    model = cache.model(name)
    z = quality.prior_samples(model.latent_dim, n, seed)
    images, scores = quality.decode_and_score(model, cache.quality_scorer(model.dataset), z)
    return {"z": z, "images": images, **_scored(scores)}


def prior_fraction(name: str, seed: int = quality.PRIOR_SEED) -> float:
    """Fraction of :data:`explorer.quality.PRIOR_SAMPLES` prior samples that decode to something data-like (with
    the default seed: the published number)."""
    return float(prior_samples(name, quality.PRIOR_SAMPLES, seed)["data_like"].mean())


@st.cache_data(show_spinner="Decoding the paths…", max_entries=64)
def paths(ds: str, index_a: int, index_b: int, steps: int) -> dict[str, dict[str, np.ndarray]]:
    """Between two test images: the AE's linear path, the VAE's linear and spherical paths, decoded and scored."""
    images, _ = cache.dataset(ds, "test")
    scorer = cache.quality_scorer(ds)
    out = {}
    for label, kind, spherical in (("AE · linear", "ae", False), ("VAE · linear", "vae", False),
                                   ("VAE · spherical", "vae", True)):
        z, decoded, scores = teaching.interpolation(cache.model(model_name(ds, kind)), scorer, images[index_a],
                                                     images[index_b], steps, spherical)
        out[label] = {"z": z, "images": decoded, **_scored(scores)}
    return out


@st.cache_data(show_spinner=False, max_entries=64)
def posterior(ds: str, indices: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D VAE's posterior mean and sigma of some test images."""
    images, _ = cache.dataset(ds, "test")
    return teaching.posterior(cache.model(model_name(ds, "vae")), images[list(indices)])


@st.cache_data(show_spinner="Reading the training snapshots…", max_entries=8)
def replay(name: str) -> teaching.Replay:
    return teaching.load_replay(name)


def class_indices(ds: str, cls: int) -> np.ndarray:
    """Test image indices of one class, in file order."""
    _, labels = cache.dataset(ds, "test")
    return np.flatnonzero(labels == cls)


def example_index(ds: str, cls: int, pick: int) -> int:
    """The ``pick``-th test image of class ``cls`` (wrapping around)."""
    idx = class_indices(ds, cls)
    return int(idx[pick % len(idx)])
