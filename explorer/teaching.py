"""The lesson "a plain autoencoder's latent space has gaps; a VAE's is continuous", measured: numpy in, numpy out.

Over the decode-quality maps of :mod:`explorer.quality`: class centres and the emptiest point between two
classes, how the classes of prior samples compare with the data's, linear and spherical interpolation paths
(White 2016, https://arxiv.org/abs/1609.04468), the VAE posterior's 1- and 2-sigma ellipses, the training replay
read from ``snapshots.npz``, and CSV export of the arrays.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import torch

from . import checkpoints
from .data import to_float
from .latent import encode
from .quality import DecodeQuality, QualityMap, decode_and_score, plane_points

def class_centre(encodings: np.ndarray, labels: np.ndarray, cls: int) -> np.ndarray:
    """The coordinate-wise median encoding of one class."""
    return np.median(np.asarray(encodings)[np.asarray(labels) == cls, :2], axis=0)


def _between(qmap: QualityMap, encodings: np.ndarray, labels: np.ndarray, a: int, b: int):
    """The grid's points [N, 2], which of them lie between classes a and b (within the middle 80% of the segment
    joining their centres and at most 40% of its length from it), each one's distance from that segment, and the
    segment's midpoint."""
    ca, cb = class_centre(encodings, labels, a), class_centre(encodings, labels, b)
    points = plane_points(qmap.x, qmap.y).astype(np.float64)
    seg = cb - ca
    length = float(np.hypot(*seg)) or 1.0
    t = (points - ca) @ seg / length ** 2
    off = np.abs((points - ca) @ np.array([-seg[1], seg[0]]) / length)
    return points, (t > 0.1) & (t < 0.9) & (off < 0.4 * length), off, (ca + cb) / 2


def gap_between(qmap: QualityMap, encodings: np.ndarray, labels: np.ndarray, a: int, b: int) -> np.ndarray:
    """The emptiest grid point between classes a and b (:func:`_between`), preferring points far from every
    encoding (see :attr:`QualityMap.far`): the one furthest from the encodings less half its distance from the
    segment (so that the middle wins over the rim)."""
    points, inside, off, middle = _between(qmap, encodings, labels, a, b)
    if not inside.any():
        return middle.astype(np.float32)
    far = inside & qmap.far.ravel()
    empty = np.where(far if far.any() else inside, qmap.nearest_encoding.ravel() - 0.5 * off, -np.inf)
    return points[int(np.argmax(empty))].astype(np.float32)


def gap_band(qmap: QualityMap, encodings: np.ndarray, labels: np.ndarray, a: int, b: int) -> np.ndarray:
    """The grid points between classes a and b (:func:`_between`) away from every encoding: at least half the
    distance that counts as far (:attr:`QualityMap.far`) [N, 2]."""
    points, inside, _, _ = _between(qmap, encodings, labels, a, b)
    away = qmap.nearest_encoding.ravel() > qmap.far_threshold / 2
    return points[inside & away].astype(np.float32)


def ink_contrast(images: np.ndarray) -> np.ndarray:
    """How visible each image's drawing is: its 99th minus its 1st pixel percentile (a faint smudge scores low)."""
    flat = np.asarray(images, np.float64).reshape(len(images), -1)
    return np.percentile(flat, 99, axis=1) - np.percentile(flat, 1, axis=1)


def visible_contrast(data_like_a: np.ndarray, data_like_b: np.ndarray, confidence_b: np.ndarray,
                     images_b: np.ndarray) -> np.ndarray:
    """The Lesson's rule for a pin that shows the autoencoder-versus-VAE contrast: where model A's decode is not
    data-like and model B's is, B's confidence times its :func:`ink_contrast`; elsewhere -1."""
    score = np.asarray(confidence_b, np.float64) * ink_contrast(images_b)
    return np.where(~np.asarray(data_like_a, bool) & np.asarray(data_like_b, bool), score, -1.0)


@dataclass(frozen=True)
class LinkGrid:
    """Positions on one model's plane (grid nodes ``x`` by ``y``) carried to another model's plane: ``z``
    [ny, nx, 2]."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def link_grid(encodings_from: np.ndarray, encodings_to: np.ndarray, x: np.ndarray, y: np.ndarray,
              k: int = 8) -> LinkGrid:
    """Where each node of a plane lies on another model's plane, found through the test images around it: inside
    the Delaunay triangle of encodings around a node, its barycentric weights applied to the same three images'
    encodings in the other model; outside their hull, inverse-distance weights of the ``k`` nearest. A position
    between the 1s and the 7s of one map so lands between the same 1s and 7s of the other, whatever the two
    models' scales: how the lesson compares an autoencoder with a VAE at "the same place"."""
    from scipy.interpolate import LinearNDInterpolator
    from scipy.spatial import cKDTree

    src = np.asarray(encodings_from, np.float64)[:, :2]
    dst = np.asarray(encodings_to, np.float64)[:, :2]
    nodes = plane_points(np.asarray(x), np.asarray(y)).astype(np.float64)
    z = LinearNDInterpolator(src, dst)(nodes)
    outside = np.isnan(z).any(axis=1)
    if outside.any():
        dist, idx = cKDTree(src).query(nodes[outside], k=k)
        w = 1.0 / np.maximum(dist, 1e-9) ** 2
        z[outside] = np.einsum("nk,nkd->nd", w / w.sum(axis=1, keepdims=True), dst[idx])
    return LinkGrid(np.asarray(x, np.float64), np.asarray(y, np.float64), z.reshape(len(y), len(x), 2))


def linked(grid: LinkGrid, point) -> np.ndarray:
    """``point`` on the source plane carried to the other plane: bilinear in ``grid``, clamped at its edges (the
    browser's hover card does the same, in ``explorer/ui/widgets/live/core.js``: ``gridLookup``)."""
    px, py = (float(v) for v in np.asarray(point, np.float64).reshape(2))

    def cell(v: float, axis: np.ndarray) -> tuple[int, float]:
        n = len(axis)
        f = min(n - 1.0, max(0.0, (v - axis[0]) / (axis[-1] - axis[0]) * (n - 1)))
        i = min(n - 2, int(np.floor(f)))
        return i, f - i

    (i, u), (j, v) = cell(px, grid.x), cell(py, grid.y)
    z = grid.z
    out = (1 - v) * ((1 - u) * z[j, i] + u * z[j, i + 1]) + v * ((1 - u) * z[j + 1, i] + u * z[j + 1, i + 1])
    return out.astype(np.float32)


# --- the prior, paths and the posterior -----------------------------------------------------------------------------

def lerp(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` points on the straight line from a to b: [steps, d]."""
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return ((1 - t) * np.asarray(a, np.float64) + t * np.asarray(b, np.float64)).astype(np.float32)


def slerp(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` points on the great-circle arc from a to b about the origin (White 2016): under a N(0, I) prior
    it stays at typical radii where the straight line cuts through the low-norm centre. Linear when a and b are
    (anti)parallel."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    cos = np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if np.sin(omega) < 1e-6:
        return lerp(a, b, steps)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return ((np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)).astype(np.float32)


def interpolation(model, scorer, image_a: np.ndarray, image_b: np.ndarray, steps: int,
                  spherical: bool = False) -> tuple[np.ndarray, np.ndarray, DecodeQuality]:
    """Latent path [steps, d] between the encodings of two images, its decoded images and their scores."""
    ends = encode(model, np.stack([image_a, image_b]))
    z = (slerp if spherical else lerp)(ends[0], ends[1], steps)
    images, quality = decode_and_score(model, scorer, z)
    return z, images, quality


def posterior(model, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A VAE's posterior mean and standard deviation of each image: (mu [N, d], sigma [N, d])."""
    mu, logvar = model.posterior(torch.from_numpy(to_float(images)))
    return mu.numpy(), np.exp(0.5 * logvar.numpy())


def ellipses(centres: np.ndarray, radii: np.ndarray, k: float = 1.0, n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Outlines of axis-aligned ellipses (centre, k * radii) as one x and one y array, NaN between ellipses
    (one Plotly trace draws them all)."""
    centres, radii = np.atleast_2d(centres)[:, :2], np.atleast_2d(radii)[:, :2]
    angle = np.linspace(0, 2 * np.pi, n)
    xs = centres[:, :1] + k * radii[:, :1] * np.cos(angle)[None]
    ys = centres[:, 1:2] + k * radii[:, 1:2] * np.sin(angle)[None]
    gap = np.full((len(centres), 1), np.nan)
    return np.hstack([xs, gap]).ravel(), np.hstack([ys, gap]).ravel()


def prior_contours(radii=(1.0, 2.0, 3.0), n: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """The N(0, I) density's contours in 2-D: circles of the given radii (39%, 86%, 99% of the mass inside)."""
    return ellipses(np.zeros((len(radii), 2)), np.repeat(np.asarray(radii, float)[:, None], 2, 1), 1.0, n)


def prior_mass_inside(radius: float) -> float:
    """Probability that a 2-D standard normal falls within ``radius`` of the origin."""
    return float(1 - np.exp(-radius ** 2 / 2))


# --- training replay ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Replay:
    """The test split's encodings at saved training epochs: epochs [S], encodings float32 [S, N, d], labels [N]."""

    epochs: np.ndarray
    encodings: np.ndarray
    labels: np.ndarray

    def at(self, epoch: int) -> np.ndarray:
        matches = np.flatnonzero(self.epochs == epoch)
        if not len(matches):
            raise KeyError(f"no snapshot at epoch {epoch}; saved: {self.epochs.tolist()}")
        return self.encodings[matches[0]]


def load_replay(name_or_path) -> Replay:
    """A checkpoint's training snapshots (raises CheckpointError when they are missing or malformed)."""
    saved = checkpoints.CheckpointFolder.find(name_or_path).snapshots()
    return Replay(saved["epochs"], saved["encodings"], saved["labels"])


def common_epochs(*replays: Replay) -> np.ndarray:
    """Epochs saved in every replay, ascending."""
    epochs = replays[0].epochs
    for r in replays[1:]:
        epochs = np.intersect1d(epochs, r.epochs)
    return np.sort(epochs)


# --- export ---------------------------------------------------------------------------------------------------------

def to_csv(columns: dict[str, np.ndarray]) -> bytes:
    """Equal-length columns as CSV bytes (floats with 6 significant digits)."""
    arrays = {k: np.asarray(v).ravel() for k, v in columns.items()}
    lengths = {len(v) for v in arrays.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns differ in length: { {k: len(v) for k, v in arrays.items()} }")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(arrays)
    fmt = [(lambda v: f"{v:.6g}") if np.issubdtype(a.dtype, np.floating) else str for a in arrays.values()]
    for row in zip(*arrays.values()):
        writer.writerow([f(v) for f, v in zip(fmt, row)])
    return buf.getvalue().encode()


def quality_map_columns(qmap: QualityMap, model: str) -> dict[str, np.ndarray]:
    """A quality map in long form, one row per grid point."""
    z = plane_points(qmap.x, qmap.y)
    n = len(z)
    return {"model": np.array([model] * n), "z1": z[:, 0], "z2": z[:, 1],
            "confidence": qmap.confidence.ravel(), "predicted_class": qmap.predicted.ravel(),
            "distance_ratio": qmap.distance_ratio.ravel(), "data_like": qmap.data_like.ravel().astype(int),
            "nearest_encoding": qmap.nearest_encoding.ravel(), "far_from_encodings": qmap.far.ravel().astype(int),
            "density": qmap.density.ravel()}
