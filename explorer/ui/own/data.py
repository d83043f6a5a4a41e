"""Cached readings of a student's own image (``st.cache_data`` keyed by the prepared image's bytes: the same drawing
is read once, whoever draws it)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer import readings
from explorer.names import model_name
from explorer.data import SAMPLES_DIR

from explorer.ui.shell import cache, categories, guards, projections

AUTOENCODERS = (("ae", 2), ("vae", 2), ("ae", 16), ("vae", 16))
MAP_MODEL = ("vae", 16)             # the 16-D model whose PCA / UMAP map shows the image
EXAMPLES = SAMPLES_DIR / "own"


def examples(ds: str) -> dict[str, bytes]:
    """The shipped example inputs by file name, this dataset's (``<ds>-*``) first."""
    files = sorted((p for p in EXAMPLES.glob("*") if p.suffix in (".png", ".jpg", ".webp")),
                   key=lambda p: (not p.name.startswith(ds + "-"), p.name))
    return {p.name: p.read_bytes() for p in files}


def _image(key: bytes) -> np.ndarray:
    return np.frombuffer(key, np.float32).reshape(28, 28).copy()


@st.cache_data(show_spinner=False, max_entries=256)
def read(ds: str, key: bytes, map_method: str) -> dict:
    """Everything the page shows about the prepared image ``key`` (float32 [28, 28] as bytes)."""
    image = _image(key)
    shipped = set(explorer.list_models())
    out: dict = {"reconstructions": {}, "codes": {}}
    for kind, dim in AUTOENCODERS:
        name = model_name(ds, kind, dim)
        if name in shipped:
            model = cache.model(name)
            out["reconstructions"][name] = readings.reconstruction(model, image)
            out["codes"][name] = readings.code(model, image)
    vae2 = model_name(ds, "vae", 2)
    if vae2 in shipped:
        out["posterior"] = readings.posterior(cache.model(vae2), image)
    classifier = model_name(ds, "classifier")
    if classifier in shipped:
        out["top"] = readings.top_classes(cache.model(classifier), image)
    infogan = model_name(ds, "infogan")
    if infogan in shipped:
        out["gan"] = readings.gan_reading(cache.model(infogan), image, categories.c1_matching(infogan)["mapping"])
    images, _ = cache.dataset(ds, "test")
    out["nearest"] = readings.nearest_images(image, images)
    big = model_name(ds, *MAP_MODEL)
    if big in out["codes"]:
        out["map_xy"] = map_position(big, map_method, out["codes"][big])
    return out


@guards.guarded
def warm_up(ds: str) -> None:
    """Read a blank image once, so that the models a drawing needs are loaded (InfoGAN's ~0.2 s) while the page
    waits for the first stroke, not after it (a cache hit afterwards); a broken checkpoint stops the page with its
    error box."""
    read(ds, np.zeros((28, 28), np.float32).tobytes(), "pca")


def map_position(name: str, method: str, vector: np.ndarray) -> tuple[float, float]:
    """Where a new code lands on a model's map: PCA exactly, UMAP from its nearest test codes
    (:func:`explorer.readings.place_on_map`)."""
    projection, _ = projections.projection(name, method)
    if method == "pca":
        xy = (np.asarray(vector, np.float64) - projection.mean) @ projection.components.T
    else:
        source, _ = cache.test_vectors(name)
        xy = readings.place_on_map(vector, source, projection.coords)
    return float(xy[0]), float(xy[1])
