"""Latent maps: 2-D views of latent vectors (raw, PCA or UMAP) and the way back from a map position to a vector.

* ``raw``: a 2-D latent is its own map; the way back is exact.
* ``pca``: the two principal axes (numpy SVD); the way back ``mean + x·PC1 + y·PC2`` is exact on that plane.
* ``umap``: UMAP (McInnes et al. 2018, https://arxiv.org/abs/1802.03426) on the exact k-nearest-neighbour graph.
  umap-learn is imported lazily (its numba compilation costs ~30 s on a cold cache) and only for custom
  parameters: the shipped models' maps are precomputed by ``python -m explorer.projection`` into
  ``checkpoints/<name>/projection-{pca,umap}.npz``. The way back is approximate: barycentric interpolation over
  a Delaunay triangulation of the embedded points (k-nearest-neighbour weighting outside their convex hull),
  about a thousand times faster than ``UMAP.inverse_transform``.

What a map projects and what the way back returns (``map_vectors``):
AE/VAE: the encodings (VAE: the posterior mean), and the way back gives a latent vector for the decoder.
InfoGAN: the D/Q trunk features of real images; the way back gives the codes Q reads (10 c1 logits, c2, c3),
which the generator draws with a chosen noise vector.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from scipy.spatial import Delaunay, cKDTree

METHODS = ("raw", "pca", "umap")
UMAP_DEFAULTS = {"n_neighbors": 15, "min_dist": 0.1}
UMAP_INIT = "pca"     # half the time of the default spectral initialisation on 10,000 points here (7 s vs 15 s)


@dataclass(frozen=True)
class Projection:
    """A 2-D map of N points. ``mean``/``components`` are PCA's (source space); ``params`` UMAP's."""

    method: str
    coords: np.ndarray                                   # [N, 2] float32
    mean: np.ndarray | None = None                       # [D]
    components: np.ndarray | None = None                 # [2, D]
    params: dict = field(default_factory=dict)

    def pca_inverse(self, points: np.ndarray) -> np.ndarray:
        """Source-space vectors on the PCA plane at map ``points`` [M, 2] (exact inverse of the projection)."""
        return (self.mean[None] + np.asarray(points, np.float64) @ self.components).astype(np.float32)


@dataclass(frozen=True)
class Inversion:
    """A map position taken back to a vector, and how exact that is."""

    vector: np.ndarray          # [D] what the decoder side takes
    exact: bool
    how: str                    # "raw", "pca", "delaunay" or "knn"
    nearest_distance: float     # map distance to the nearest data point
    typical_spacing: float      # median map distance between neighbouring data points
    nearest_index: int


def pca(vectors: np.ndarray) -> Projection:
    """The first two principal components of ``vectors`` [N, D] (signs fixed so each axis' largest loading is
    positive, so a map does not flip between runs)."""
    x = np.asarray(vectors, np.float64)
    mean = x.mean(0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    comps = vt[:2]
    comps *= np.sign(comps[np.arange(2), np.abs(comps).argmax(1)])[:, None]
    coords = (x - mean) @ comps.T
    return Projection("pca", coords.astype(np.float32), mean.astype(np.float32), comps.astype(np.float32))


def raw(vectors: np.ndarray) -> Projection:
    vectors = np.asarray(vectors, np.float32)
    if vectors.shape[1] != 2:
        raise ValueError(f"a raw map needs 2-D vectors; got {vectors.shape[1]}-D (use PCA or UMAP)")
    return Projection("raw", vectors.copy())


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


def umap(vectors: np.ndarray, n_neighbors: int = 15, min_dist: float = 0.1, seed: int = 0,
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


class InverseMap:
    """Map position -> vector, fast: barycentric interpolation inside the Delaunay triangle around the position,
    inverse-distance weighting of the ``k`` nearest points outside the data's convex hull."""

    def __init__(self, projection: Projection, vectors: np.ndarray | None = None, k: int = 8):
        """``vectors`` [N, D]: what each map point goes back to (needed for UMAP; raw and PCA go back exactly)."""
        self.projection = projection
        self.coords = np.asarray(projection.coords, np.float64)
        if projection.method == "umap" and vectors is None:
            raise ValueError("a UMAP map needs the vectors of its points to go back")
        self.vectors = None if vectors is None else np.asarray(vectors, np.float32)
        if self.vectors is not None and len(self.coords) != len(self.vectors):
            raise ValueError(f"{len(self.coords)} map points but {len(self.vectors)} vectors")
        self.k = k
        self.tree = cKDTree(self.coords)
        self.triangulation = Delaunay(self.coords) if projection.method == "umap" else None
        spacing = self.tree.query(self.coords, k=2)[0][:, 1]
        self.typical_spacing = float(np.median(spacing))

    def __call__(self, point) -> Inversion:
        p = np.asarray(point, np.float64).reshape(2)
        nearest_distance, nearest = self.tree.query(p)
        method = self.projection.method
        if method == "raw":
            return Inversion(p.astype(np.float32), True, "raw", float(nearest_distance), self.typical_spacing,
                             int(nearest))
        if method == "pca":
            return Inversion(self.projection.pca_inverse(p[None])[0], True, "pca", float(nearest_distance),
                             self.typical_spacing, int(nearest))
        simplex = int(self.triangulation.find_simplex(p))
        if simplex >= 0:
            t = self.triangulation.transform[simplex]
            b = t[:2] @ (p - t[2])
            weights = np.append(b, 1 - b.sum())
            vertices = self.triangulation.simplices[simplex]
            vector, how = weights @ self.vectors[vertices], "delaunay"
        else:
            dist, idx = self.tree.query(p, k=self.k)
            weights = 1.0 / np.maximum(dist, 1e-9) ** 2
            vector, how = (weights / weights.sum()) @ self.vectors[idx], "knn"
        return Inversion(vector.astype(np.float32), False, how, float(nearest_distance), self.typical_spacing,
                         int(nearest))


# --- what a model's map projects ------------------------------------------------------------------------------

def map_vectors(model, images: np.ndarray, batch: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(what the map projects, what the way back returns) for test ``images`` uint8 [N, 28, 28].

    AE/VAE: (encodings, encodings). InfoGAN: (trunk features, Q's codes = [10 c1 logits, c2, c3])."""
    from .latent import encode, infogan_read_codes, infogan_features

    if model.kind == "infogan":
        return infogan_features(model, images, batch), infogan_read_codes(model, images, batch)
    enc = encode(model, images, batch)
    return enc, enc


# --- precomputed maps -------------------------------------------------------------------------------------------

def projection_file(method: str) -> str:
    """The file name of a precomputed map in a checkpoint folder."""
    return f"projection-{method}.npz"


def to_arrays(projection: Projection, vectors: np.ndarray | None, weights: str = "") -> dict[str, np.ndarray]:
    """A map as the arrays of its file (no pickle) and, for UMAP, the vectors its way back interpolates (float16:
    ample for interpolation, half the size in the repository). Raw and PCA maps need no vectors to go back.
    ``weights``: the SHA-256 of the checkpoint's weights the map was made from."""
    meta = {"method": projection.method, "params": projection.params, "weights_sha256": weights}
    arrays = {"coords": projection.coords, "meta": np.array(json.dumps(meta))}
    if vectors is not None:
        arrays["vectors"] = np.asarray(vectors, np.float16)
    if projection.mean is not None:
        arrays.update(mean=projection.mean, components=projection.components)
    return arrays


def from_arrays(arrays: dict[str, np.ndarray]) -> tuple[Projection, np.ndarray | None]:
    """(projection, vectors or None) from the arrays of :func:`to_arrays`."""
    meta = json.loads(str(arrays["meta"]))
    proj = Projection(meta["method"], arrays["coords"], arrays.get("mean"), arrays.get("components"),
                      meta.get("params", {}))
    vectors = arrays.get("vectors")
    return proj, None if vectors is None else vectors.astype(np.float32)


def save_shipped(folder, projection: Projection, vectors: np.ndarray | None) -> None:
    """Write a map beside its checkpoint (a :class:`~explorer.checkpoints.CheckpointFolder`), stamped with the
    checkpoint's weights."""
    folder.write_arrays(projection_file(projection.method), to_arrays(projection, vectors, folder.weights_sha256()))


def load_shipped(folder, method: str) -> tuple[Projection, np.ndarray | None] | None:
    """The precomputed map beside a checkpoint, or None when there is none or it was made from other weights
    (a retrained checkpoint: rerun ``python -m explorer.projection``)."""
    if not folder.has(projection_file(method)):
        return None
    arrays = folder.arrays(projection_file(method))
    if json.loads(str(arrays["meta"])).get("weights_sha256") != folder.weights_sha256():
        return None
    return from_arrays(arrays)


def precompute(name: str, root: Path | None = None, log=print) -> list[Path]:
    """Write the PCA and default-parameter UMAP maps of a 16-D or InfoGAN model beside its checkpoint."""
    from .checkpoints import CheckpointFolder
    from .data import load_dataset

    folder = CheckpointFolder.find(name, root)
    model = folder.load(device="cpu")
    images, _ = load_dataset(model.dataset, "test")
    source, targets = map_vectors(model, images)
    written = []
    for method in ("pca", "umap"):
        proj = pca(source) if method == "pca" else umap(
            source, **UMAP_DEFAULTS, progress=lambda stage, f: log(f"  {name}: {stage}") if f in (0.0, 1.0) else None)
        save_shipped(folder, proj, targets if method == "umap" else None)
        written.append(folder.file(projection_file(method)))
        log(f"{name}: wrote {written[-1]}")
    return written


def needs_projection(kind: str, latent_dim: int | None) -> bool:
    """Models whose map is not their raw latent: AE/VAE beyond 2-D, and InfoGAN."""
    return kind == "infogan" or (kind in ("ae", "vae") and latent_dim != 2)


def main(argv: list[str] | None = None) -> None:
    from .checkpoints import CheckpointFolder, list_models

    parser = argparse.ArgumentParser(prog="python -m explorer.projection",
                                     description="Precompute the latent maps of the shipped models.")
    parser.add_argument("names", nargs="*", help="model names (default: every final 16-D or InfoGAN checkpoint)")
    parser.add_argument("--root", type=Path, help="checkpoint folder root (default: checkpoints/)")
    parser.add_argument("--force", action="store_true", help="also for checkpoints that have not finished training")
    parser.add_argument("--redo", action="store_true", help="also maps that are up to date")
    parser.add_argument("--warm-up", action="store_true",
                        help="only fill numba's on-disk cache for umap-learn (what the setup script runs)")
    args = parser.parse_args(argv)
    if args.warm_up:
        print(f"umap-learn ready in {warm_up():.1f} s (numba cache filled)")
        return
    configs = {n: CheckpointFolder.find(n, args.root).document() for n in list_models(args.root)}
    names = args.names or [n for n, doc in configs.items()
                           if needs_projection(doc["kind"], doc["config"].get("latent_dim"))]
    for name in names:
        folder = CheckpointFolder.find(name, args.root)
        if not args.force and not folder.is_final():
            print(f"{name}: skipped (training not finished; --force to map it anyway)")
            continue
        if not args.redo and all(load_shipped(folder, m) is not None for m in ("pca", "umap")):
            print(f"{name}: up to date")
            continue
        precompute(name, args.root)


if __name__ == "__main__":
    main()
