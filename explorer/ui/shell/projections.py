"""A model's 2-D maps, cached for every session: the raw latent, PCA or UMAP of its test encodings (or the
InfoGAN's trunk features), the way back from a map position, and the map figure. The Latent map page and the Your own
page both show them."""

from __future__ import annotations

import threading
import time

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import explorer
from explorer import projection as proj
from explorer.checkpoints import CheckpointFolder
from explorer.projection.fits import FitLimit, FitQueue

from explorer.ui.kit import figures
from explorer.ui.shell import cache, heavy

METHOD_LABELS = {"raw": "raw 2-D latent", "pca": "PCA", "umap": "UMAP"}
AXIS_TITLES = {"raw": ("z1", "z2"), "pca": ("PC 1", "PC 2"), "umap": ("UMAP 1", "UMAP 2")}
THUMBNAILS = 300
NEIGHBORS, MIN_DIST = proj.UMAP_DEFAULTS["n_neighbors"], proj.UMAP_DEFAULTS["min_dist"]


def methods_for(name: str) -> tuple[str, ...]:
    model = cache.model(name)
    return ("pca", "umap") if proj.needs_projection(model.kind, model.latent_dim) else ("raw",)


def is_default(n_neighbors: int, min_dist: float) -> bool:
    return (n_neighbors, min_dist) == tuple(proj.UMAP_DEFAULTS.values())


# --- maps ---------------------------------------------------------------------------------------------------------

@st.cache_data(show_spinner="Computing the map…", max_entries=32)
def _precomputed_or_fast(name: str, method: str) -> tuple[proj.Projection, np.ndarray]:
    """Raw and PCA maps, and the shipped default UMAP map (read from the checkpoint folder when present)."""
    shipped = proj.load_shipped(CheckpointFolder.find(name), method) if method != "raw" else None
    if shipped is not None:
        return shipped
    if method == "umap":
        raise LookupError(f"no precomputed UMAP map for {name}")
    source, _ = cache.test_vectors(name)
    return (proj.raw(source) if method == "raw" else proj.pca(source)), None


@st.cache_resource(show_spinner=False)
def _umap_fits() -> FitQueue:
    """Custom UMAP maps of this server process, shared by all sessions (see :mod:`explorer.projection.fits`)."""
    def wait_for_warm_up(job) -> None:     # a fit while numba compiles would compile the same code twice
        warm_up = umap_warm_up()
        while warm_up.is_alive():
            job.report("Preparing umap-learn (numba code, once per server process)", 0.0)
            warm_up.join(1.0)

    def fit(source, targets, n_neighbors, min_dist, progress):
        return proj.umap(source, n_neighbors, min_dist, progress=progress), targets

    def in_the_pool(job):                   # the process's heavy-work pool, shared with photo decodes
        return heavy.POOL.slot(on_wait=lambda ahead: job.report(heavy.waiting_note(ahead), 0.0))

    return FitQueue(fit, before=wait_for_warm_up, gate=in_the_pool)


@st.cache_resource(show_spinner=False)
def umap_warm_up() -> threading.Thread:
    """Import umap-learn and load (or, on a cold numba cache, compile) its jitted code in the background, once per
    server process (started when someone opens a UMAP map; the start path never imports umap)."""
    thread = threading.Thread(target=proj.warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


def projection(name: str, method: str, n_neighbors: int = NEIGHBORS, min_dist: float = MIN_DIST
               ) -> tuple[proj.Projection, np.ndarray | None]:
    """(map, vectors its way back interpolates: UMAP only). A UMAP that is neither shipped nor cached is fitted
    here, with a progress bar, and kept for every later session."""
    if method != "umap":
        return _precomputed_or_fast(name, method)
    fits = _umap_fits()
    key = (name, n_neighbors, min_dist)
    if (done := fits.get(key)) is not None:
        return done
    if is_default(n_neighbors, min_dist):
        try:
            return _precomputed_or_fast(name, "umap")
        except LookupError:
            pass
    source, targets = cache.test_vectors(name)
    ctx = get_script_run_ctx()
    try:
        job = fits.submit(key, ctx.session_id if ctx else None, source, targets, n_neighbors, min_dist)
    except FitLimit as e:
        st.warning(f"**This UMAP map is not computed now:** {e}. The shipped map (default parameters) is shown.")
        return _shipped_umap(name)
    bar = st.progress(0.0, text="Starting UMAP…")
    while not job.done.wait(0.25):   # a closed tab stops this loop; the fit goes on in its worker and is kept
        bar.progress(job.fraction, text=f"UMAP of {len(source):,} points: {job.stage} · "
                                        f"{time.perf_counter() - job.started:.0f} s")
    bar.empty()
    if job.error is not None:
        st.error(f"**The UMAP map could not be computed:** {job.error}. The shipped map is shown.")
        return _shipped_umap(name)
    return job.result


def _shipped_umap(name: str) -> tuple[proj.Projection, np.ndarray | None]:
    try:
        return _precomputed_or_fast(name, "umap")
    except LookupError:
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=16)
def inverse_map(name: str, method: str, n_neighbors: int = NEIGHBORS,
                min_dist: float = MIN_DIST) -> proj.InverseMap:
    projection_, vectors = projection(name, method, n_neighbors, min_dist)
    return proj.InverseMap(projection_, vectors)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def base_figure(name: str, method: str, n_neighbors: int = NEIGHBORS, min_dist: float = MIN_DIST,
                thumbnails: bool = False):
    """The map figure without a marker (shared; never mutate it: :func:`figures.with_marker` copies)."""
    projection_, _ = projection(name, method, n_neighbors, min_dist)
    ds = cache.model(name).dataset
    images, labels = cache.dataset(ds, "test")
    coords = projection_.coords
    sprites = None
    if thumbnails:
        idx = figures.spread_subset(coords, THUMBNAILS)
        sprites = (idx, images[idx])
    fig = figures.latent_map(coords, labels, explorer.DATASETS[ds].classes,
                             AXIS_TITLES[method], grid_nodes=figures.click_grid(coords), thumbnails=sprites,
                             marker_size=4 if len(coords) > 5000 else 6)
    return figures.frozen(fig)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def encodings_figure(name: str, height: int = 480, min_width: int = 320):
    """A 2-D model's map of its test encodings, class names placed for a plot ``min_width`` pixels wide or wider."""
    _, labels = cache.dataset(cache.model(name).dataset, "test")
    return figures.encodings_map(cache.encodings(name), labels, explorer.DATASETS[cache.model(name).dataset].classes,
                                 height=height, min_width=min_width)
