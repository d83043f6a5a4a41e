"""Latent maps and the way back: a :class:`Projection` of N vectors to 2-D (raw, PCA), and :class:`InverseMap` from
a map position to a vector (exact for raw and PCA maps; barycentric over a Delaunay triangulation of the embedded
points for UMAP, inverse-distance weighting of the nearest points outside their convex hull)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import Delaunay, cKDTree

METHODS = ("raw", "pca", "umap")


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
