"""Decode quality, the one measure behind every gap number: how data-like the image decoded at a latent position
is, how much of a 2-D model's plane decodes to something data-like, and how often samples from the N(0, I) prior
do. The app's views, ``python -m explorer.evaluate``, the README and the docs all take their numbers from here.

- **Score** of an image (:class:`QualityScorer`): the dataset classifier's confidence (largest softmax
  probability) and the pixel distance to the nearest of :data:`REFERENCE_SIZE` real test images, divided by the
  reference set's typical real-to-real nearest distance (1 = as close as real images are to each other).
- **Data-like** (:func:`is_data_like`): confidence >= :data:`CONFIDENT` and distance ratio <= :data:`CLOSE`.
- **The plane** of a 2-D model (:func:`plane_axes`): the 1-99 percentile box of its test encodings, as a
  :data:`GRID` x :data:`GRID` grid, rows running up in y (as Plotly draws a heatmap).
- **Far from every encoding**: further than :data:`FAR` of the plane's width from every test encoding.
- **Prior samples**: :data:`PRIOR_SAMPLES` z ~ N(0, I), seed :data:`PRIOR_SEED` (the same z for every model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.ndimage import gaussian_filter
from scipy.spatial import cKDTree

from .data import to_float
from .latent import decode, grid_axis, percentile_box
from .metrics import nearest_distances
from .names import model_name

GRID = 50
CONFIDENT = 0.9
CLOSE = 1.5
FAR = 0.04
REFERENCE_SIZE = 2000
PRIOR_SAMPLES = 1000
PRIOR_SEED = 0


def is_data_like(confidence, distance_ratio) -> np.ndarray:
    """The rule: the classifier is sure of the image and it is about as close to a real image as real ones are."""
    return (np.asarray(confidence) >= CONFIDENT) & (np.asarray(distance_ratio) <= CLOSE)


@dataclass(frozen=True)
class DecodeQuality:
    """Scores of decoded images [N]: classifier confidence, predicted class, and the distance ratio."""

    confidence: np.ndarray
    predicted: np.ndarray
    distance_ratio: np.ndarray

    @property
    def data_like(self) -> np.ndarray:
        return is_data_like(self.confidence, self.distance_ratio)


class QualityScorer:
    """Scores images against ``reference_size`` real images (chosen with ``seed``; all when there are fewer); the
    reference set's own median nearest-neighbour distance is the unit of the distance ratio."""

    def __init__(self, classifier, reference_images: np.ndarray, reference_size: int = REFERENCE_SIZE,
                 seed: int = 0):
        ref = np.asarray(reference_images)
        if len(ref) > reference_size:
            ref = ref[np.random.default_rng(seed).choice(len(ref), reference_size, replace=False)]
        self.classifier = classifier
        self.reference = to_float(ref).reshape(len(ref), -1)
        self.typical_distance = float(np.median(nearest_distances(self.reference, self.reference, exclude_self=True)))
        self._nearest = NearestReference(self.reference)
        self._proba = fast_classifier_proba(classifier)

    def score(self, images: np.ndarray) -> DecodeQuality:
        images = np.asarray(images, dtype=np.float32).reshape(len(images), 1, 28, 28)
        probs = self._proba(images)
        dist = self._nearest.distances(images) / self.typical_distance
        return DecodeQuality(confidence=probs.max(1), predicted=probs.argmax(1), distance_ratio=dist)


def decode_and_score(model, scorer: QualityScorer, z: np.ndarray) -> tuple[np.ndarray, DecodeQuality]:
    """Decoded images float32 [N, 28, 28] of latent vectors [N, d] and their scores."""
    images = decode(model, np.asarray(z, np.float32))
    return images, scorer.score(images)


# --- the plane of a 2-D model ---------------------------------------------------------------------------------------

def plane_axes(encodings: np.ndarray, n: int = GRID, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The x and y axes (ascending, ``n`` values each) of a 2-D model's plane: the 1-99 percentile box of its test
    encodings (where 98% of them lie on each axis), widened by ``margin`` of its size per side."""
    lo, hi = percentile_box(np.asarray(encodings)[:, :2], 1.0, 99.0)
    pad = margin * np.maximum(hi - lo, 1e-6)
    return grid_axis(lo[0] - pad[0], hi[0] + pad[0], n), grid_axis(lo[1] - pad[1], hi[1] + pad[1], n)


def plane_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Grid points [len(y) * len(x), 2], row-major with y ascending (row r of a map is y[r])."""
    xs, ys = np.meshgrid(x, y)
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def nearest_encoding(points: np.ndarray, encodings: np.ndarray) -> np.ndarray:
    """Latent distance from each point to the nearest test encoding [N]."""
    return cKDTree(np.asarray(encodings, np.float64)[:, :2]).query(np.asarray(points, np.float64))[0]


def density(encodings: np.ndarray, x: np.ndarray, y: np.ndarray, smooth: float = 2.0) -> np.ndarray:
    """Fraction of the encodings per grid cell [len(y), len(x)], Gaussian-smoothed by ``smooth`` cells."""
    def edges(axis):
        mid = (axis[1:] + axis[:-1]) / 2
        return np.concatenate([[2 * axis[0] - mid[0]], mid, [2 * axis[-1] - mid[-1]]])

    counts, _, _ = np.histogram2d(encodings[:, 1], encodings[:, 0], bins=[edges(y), edges(x)])
    return gaussian_filter(counts / max(len(encodings), 1), smooth)


@dataclass(frozen=True)
class QualityMap:
    """Decode quality over a model's plane; every map is [len(y), len(x)], row r at y[r]."""

    x: np.ndarray
    y: np.ndarray
    confidence: np.ndarray
    predicted: np.ndarray
    distance_ratio: np.ndarray
    nearest_encoding: np.ndarray     # latent distance to the nearest test encoding
    density: np.ndarray

    @property
    def data_like(self) -> np.ndarray:
        return is_data_like(self.confidence, self.distance_ratio)

    @property
    def far_threshold(self) -> float:
        return FAR * float(max(np.ptp(self.x), np.ptp(self.y)))

    @property
    def far(self) -> np.ndarray:
        return self.nearest_encoding > self.far_threshold

    def headline(self) -> dict[str, float]:
        """The numbers beside the map: how much of the plane decodes to something data-like, how much is far from
        every encoding and how data-like the far part is, the mean confidence, the median distance ratio, and
        how evenly the classes share the plane."""
        far = self.far
        return {"fraction_data_like": float(self.data_like.mean()), "fraction_far": float(far.mean()),
                "data_like_where_far": float(self.data_like[far].mean()) if far.any() else float("nan"),
                "mean_confidence": float(self.confidence.mean()),
                "median_distance_ratio": float(np.median(self.distance_ratio)),
                "class_balance": class_balance(self.predicted.ravel())}


def quality_map(model, scorer: QualityScorer, encodings: np.ndarray, n: int = GRID) -> QualityMap:
    """Decode and score an n x n grid over a 2-D model's plane (see :func:`plane_axes`)."""
    x, y = plane_axes(encodings, n)
    z = plane_points(x, y)
    _, q = decode_and_score(model, scorer, z)
    shape = (len(y), len(x))
    return QualityMap(x=x, y=y, confidence=q.confidence.reshape(shape), predicted=q.predicted.reshape(shape),
                      distance_ratio=q.distance_ratio.reshape(shape),
                      nearest_encoding=nearest_encoding(z, encodings).reshape(shape),
                      density=density(encodings, x, y))


def value_at(qmap: QualityMap, field: np.ndarray, z) -> float:
    """A map's value at the grid point nearest to z (NaN outside the plane)."""
    half_x, half_y = (qmap.x[1] - qmap.x[0]) / 2, (qmap.y[1] - qmap.y[0]) / 2
    if not (qmap.x[0] - half_x <= z[0] <= qmap.x[-1] + half_x and qmap.y[0] - half_y <= z[1] <= qmap.y[-1] + half_y):
        return float("nan")
    return float(field[np.abs(qmap.y - z[1]).argmin(), np.abs(qmap.x - z[0]).argmin()])


def class_balance(predicted: np.ndarray, n_classes: int = 10) -> float:
    """Normalised entropy of the predicted classes: 1 = every class equally often, 0 = one class."""
    p = np.bincount(np.asarray(predicted), minlength=n_classes) / max(len(predicted), 1)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum() / np.log(n_classes))


# --- the prior ------------------------------------------------------------------------------------------------------

def prior_samples(latent_dim: int, n: int = PRIOR_SAMPLES, seed: int = PRIOR_SEED) -> np.ndarray:
    """z ~ N(0, I): [n, latent_dim], reproducible from ``seed`` (the same z for every model)."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def prior_quality(model, scorer: QualityScorer, n: int = PRIOR_SAMPLES, seed: int = PRIOR_SEED) -> DecodeQuality:
    """Scores of ``n`` prior samples decoded by ``model``."""
    return decode_and_score(model, scorer, prior_samples(model.latent_dim, n, seed))[1]


def class_mix(predicted: np.ndarray, labels: np.ndarray, n_classes: int = 10) -> tuple[np.ndarray, np.ndarray, float]:
    """How the classes of decoded samples (the classifier's prediction) compare with the test set's classes:
    (sample class fractions, data class fractions, total variation distance between them: 0 = the same mix,
    1 = no class in common)."""
    samples = np.bincount(np.asarray(predicted), minlength=n_classes) / max(len(predicted), 1)
    data = np.bincount(np.asarray(labels), minlength=n_classes) / max(len(labels), 1)
    return samples, data, float(0.5 * np.abs(samples - data).sum())


# --- the published numbers ------------------------------------------------------------------------------------------

def gap_numbers(model, scorer: QualityScorer, encodings: np.ndarray, labels: np.ndarray,
                qmap: QualityMap | None = None) -> dict[str, float]:
    """Every gap number of an AE or VAE: for a 2-D model its plane's :meth:`QualityMap.headline` (``qmap``: the
    map :func:`quality_map` already made), and for any latent size the fraction of prior samples that decode to
    something data-like (``prior_data_like``) and the distance of their classes from the test ``labels``' class
    mix (``prior_class_mix``)."""
    if model.latent_dim == 2:
        out = (qmap or quality_map(model, scorer, encodings)).headline()
    else:
        out = {}
    prior = prior_quality(model, scorer)
    out["prior_data_like"] = float(prior.data_like.mean())
    out["prior_class_mix"] = class_mix(prior.predicted, labels)[2]
    return out


KINDS = {"ae": "autoencoder", "vae": "VAE"}


def gaps_table(numbers: dict[str, dict], datasets: dict[str, str]) -> str:
    """The lesson's headline table (README, docs/teaching.md) from :func:`gap_numbers` by model name; one row
    per dataset (title in ``datasets``) and kind; the larger of each AE/VAE pair in bold."""
    lines = ["| | plane decoding data-like | plane far from every encoding | N(0, I) samples data-like "
             "(2-D / 16-D) |", "|---|---:|---:|---:|"]

    def cell(ds: str, kind: str, key: str, dim: int = 2, bold_larger: bool = True) -> str:
        pair = {k: numbers.get(model_name(ds, k, dim), {}).get(key) for k in KINDS}
        value = pair[kind]
        if value is None:
            return "not shipped"
        other = pair["vae" if kind == "ae" else "ae"]
        best = other is None or (value >= other if bold_larger else value <= other)
        return f"**{value:.0%}**".replace("%", " %") if best else f"{value:.0%}".replace("%", " %")

    for ds, title in datasets.items():
        for kind, name in KINDS.items():
            lines.append(f"| {title} {name} | {cell(ds, kind, 'fraction_data_like')} | "
                         f"{cell(ds, kind, 'fraction_far', bold_larger=False)} | "
                         f"{cell(ds, kind, 'prior_data_like')} / {cell(ds, kind, 'prior_data_like', 16)} |")
    return "\n".join(lines)


def gaps_detail_table(numbers: dict[str, dict], datasets: dict[str, str]) -> str:
    """Every headline number of :func:`gap_numbers` per dataset and kind (docs/teaching.md)."""
    lines = ["| dataset | model | plane decoding data-like | plane far from every encoding | data-like where far "
             "| classes over the plane (balance) | 2-D prior samples data-like | their class-mix distance "
             "| 16-D prior samples data-like |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for ds, title in datasets.items():
        for kind, name in KINDS.items():
            small, big = numbers.get(model_name(ds, kind, 2)), numbers.get(model_name(ds, kind, 16))
            if small is None:
                continue
            lines.append(f"| {title} | {name} | {small['fraction_data_like']:.0%} | {small['fraction_far']:.0%} | "
                         f"{small['data_like_where_far']:.0%} | {small['class_balance']:.2f} | "
                         f"{small['prior_data_like']:.0%} | {small['prior_class_mix']:.2f} | "
                         + ("not shipped" if big is None else f"{big['prior_data_like']:.0%}") + " |")
    return "\n".join(lines)


# --- fast scoring (the same numbers as predict_proba + nearest_distances, ~4x less CPU) -----------------------------

class NearestReference:
    """Exact Euclidean pixel distance to the nearest image of a fixed reference set, as
    :func:`explorer.metrics.nearest_distances`, with the reference's squared norms computed once and one float32
    BLAS product (torch, all threads) per block of queries."""

    def __init__(self, reference: np.ndarray):
        ref = np.asarray(reference, dtype=np.float32).reshape(len(reference), -1)
        self.reference = torch.from_numpy(np.ascontiguousarray(ref))
        self.reference_sq = (self.reference * self.reference).sum(1)

    def distances(self, queries: np.ndarray, chunk: int = 4096) -> np.ndarray:
        q = torch.from_numpy(np.ascontiguousarray(np.asarray(queries, dtype=np.float32).reshape(len(queries), -1)))
        out = torch.empty(len(q))
        with torch.inference_mode():
            for start in range(0, len(q), chunk):
                block = q[start:start + chunk]
                d2 = torch.addmm(self.reference_sq[None], block, self.reference.T, alpha=-2.0)
                out[start:start + chunk] = (d2.min(1).values + (block * block).sum(1)).clamp_(min=0).sqrt_()
        return out.numpy()


def _fold_batchnorm(network: torch.nn.Sequential) -> torch.nn.Sequential:
    """A copy of an eval-mode Sequential computing the same function with fewer passes over memory: each
    Conv2d + BatchNorm2d pair folded into one Conv2d, dropout left out (both are identities at inference), and
    ReLU moved after a following MaxPool2d (max-pooling commutes with any increasing function; ReLU then touches
    a quarter of the values, in place)."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    layers, out, i = list(network), [], 0
    while i < len(layers):
        layer, following = layers[i], layers[i + 1] if i + 1 < len(layers) else None
        if isinstance(layer, torch.nn.Sequential):
            out.append(_fold_batchnorm(layer))
        elif isinstance(layer, torch.nn.Conv2d) and isinstance(following, torch.nn.BatchNorm2d):
            out.append(fuse_conv_bn_eval(layer, following))
            i += 1
        elif isinstance(layer, torch.nn.ReLU) and isinstance(following, torch.nn.MaxPool2d):
            out += [following, torch.nn.ReLU(inplace=True)]
            i += 1
        elif not isinstance(layer, torch.nn.Dropout):
            out.append(layer)
        i += 1
    return torch.nn.Sequential(*out).eval()


def fast_classifier_proba(classifier, batch: int = 256):
    """A function images float32 [N, 1, 28, 28] -> class probabilities [N, C] (numpy) equal to
    ``classifier.predict_proba`` (to ~1e-6). On the CPU a classifier whose network is a ``net`` Sequential runs
    with BatchNorm folded, channels-last memory and cache-sized batches (~4x faster for a 50x50 grid); anything
    else goes through ``predict_proba``."""
    network = getattr(classifier, "net", None)
    on_cpu = getattr(getattr(classifier, "device", None), "type", "cpu") == "cpu"
    if not (isinstance(network, torch.nn.Sequential) and on_cpu):
        return lambda images: classifier.predict_proba(torch.from_numpy(np.asarray(images, np.float32))).numpy()
    import copy

    fast = _fold_batchnorm(copy.deepcopy(network)).to(memory_format=torch.channels_last)

    def proba(images: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(np.asarray(images, np.float32).reshape(-1, 1, 28, 28)))
        with torch.inference_mode():
            parts = [torch.softmax(fast(x[i:i + batch].contiguous(memory_format=torch.channels_last)), 1)
                     for i in range(0, len(x), batch)]
        return torch.cat(parts).numpy() if parts else np.zeros((0, 10), np.float32)

    return proba
