"""UMAP maps through umap-learn (McInnes et al. 2018, https://arxiv.org/abs/1802.03426) on the exact k-nearest-
neighbour graph: imported lazily (its numba compilation costs ~30 s on a cold cache), with numba's on-disk cache
on, and its progress read from its verbose output."""

from __future__ import annotations

import contextlib
import functools
import io
import re
import sys
import time
import warnings
from typing import Callable

import numpy as np

from .maps import Projection

UMAP_DEFAULTS = {"n_neighbors": 15, "min_dist": 0.1}
UMAP_INIT = "pca"     # half the time of the default spectral initialisation on 10,000 points here (7 s vs 15 s)


@functools.cache
def _umap_learn():
    """umap-learn, imported on first use, with numba's on-disk cache switched on for its own jitted functions
    (pynndescent caches its own). umap-learn compiles those afresh in every process, which made the first fit in
    a new server ~35 s here; cached, a new process loads the machine code a previous one compiled (the setup
    script warms the cache once: ``python -m explorer.projection --warm-up``)."""
    import umap as umap_learn  # lazy: ~15-30 s of numba compilation on a cold cache
    from numba.core.dispatcher import Dispatcher

    from umap import layouts, umap_ as umap_core

    for module in (umap_core, layouts):
        for function in vars(module).values():
            if isinstance(function, Dispatcher) and type(function._cache).__name__ == "NullCache":
                with contextlib.suppress(Exception):   # a function numba cannot cache just compiles as before
                    function.enable_caching()
    return umap_learn


def nearest_neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours of every point among ``vectors`` (itself first): (indices [N, k] int64,
    distances [N, k] float32). Exact search (scikit-learn) on a few thousand points takes about a second and no
    compilation, where umap-learn's own approximate search (NN-descent) costs ~30 s of numba compilation per
    process."""
    from sklearn.neighbors import NearestNeighbors

    x = np.asarray(vectors, np.float32)
    distances, indices = NearestNeighbors(n_neighbors=min(int(k), len(x))).fit(x).kneighbors(x)
    return indices.astype(np.int64), distances.astype(np.float32)


def umap(vectors: np.ndarray, n_neighbors: int = UMAP_DEFAULTS["n_neighbors"],
         min_dist: float = UMAP_DEFAULTS["min_dist"], seed: int = 0,
         progress: Callable[[str, float], None] | None = None) -> Projection:
    """A UMAP map of ``vectors`` on the exact neighbour graph. ``progress(stage, fraction)`` is called as the fit
    advances (fractions are rough)."""
    report = progress or (lambda stage, fraction: None)
    report("Importing UMAP", 0.0)
    umap_learn = _umap_learn()
    vectors = np.asarray(vectors, np.float32)
    report("Finding nearest neighbours (exact)", 0.05)
    indices, distances = nearest_neighbours(vectors, n_neighbors)

    n_epochs = 200
    stages = {"Construct fuzzy simplicial set": ("Weighting the neighbour graph", 0.15),
              "Construct embedding": ("Laying out the map", 0.25)}

    class _Progress(io.TextIOBase):
        """Reads umap-learn's verbose chatter (stage lines on stdout, a tqdm bar over the layout epochs) into
        ``report`` calls; umap-learn's text itself is dropped."""

        reporting = False   # what a ``report`` prints goes to the real stdout, not back into ``report``

        def __init__(self, out):
            self.out = out

        def write(self, text: str) -> int:
            if self.reporting:
                return self.out.write(text)
            self.reporting = True
            try:
                if m := re.search(r"(\d+)/(\d+)", text):
                    done, total = int(m[1]), int(m[2])
                    report(f"Laying out the map (epoch {done}/{total})", 0.25 + 0.75 * done / max(total, 1))
                for marker, (stage, fraction) in stages.items():
                    if marker in text:
                        report(stage, fraction)
            finally:
                self.reporting = False
            return len(text)

    sink = _Progress(sys.stdout)
    verbose = progress is not None   # stdout is process-wide: only redirected when someone wants the progress
    reducer = umap_learn.UMAP(n_neighbors=int(n_neighbors), min_dist=float(min_dist), n_epochs=n_epochs,
                              random_state=seed, n_jobs=1, init=UMAP_INIT, verbose=verbose,
                              tqdm_kwds={"file": sink, "mininterval": 0.25, "ascii": True},
                              precomputed_knn=(indices, distances, None))
    with contextlib.redirect_stdout(sink) if verbose else contextlib.nullcontext(), warnings.catch_warnings():
        # Without a search index a fitted UMAP cannot ``transform`` new points; the app never asks it to.
        warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)
        coords = reducer.fit_transform(vectors)
    report("Done", 1.0)
    return Projection("umap", np.asarray(coords, np.float32),
                      params={"n_neighbors": int(n_neighbors), "min_dist": float(min_dist), "seed": seed})


def warm_up() -> float:
    """Import umap-learn and fit a small random map, so that numba compiles (or loads from its cache) what a real
    fit needs. Seconds taken. The app runs it in the background when a user opens the UMAP view, so that their
    custom fit does not wait for compilation; the setup script runs it once to fill numba's on-disk cache."""
    started = time.perf_counter()
    umap(np.random.default_rng(0).standard_normal((300, 8)).astype(np.float32))
    return time.perf_counter() - started
