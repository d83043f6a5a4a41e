"""Measures shared by training (progress) and evaluation (the quality bars): numpy in, numbers out."""

from __future__ import annotations

import numpy as np

# SciPy is imported inside the functions that use it: it costs ~1 s of the app's first page otherwise.


def confusion(pred: np.ndarray, labels: np.ndarray, n: int = 10) -> np.ndarray:
    """counts[category, label]."""
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (np.asarray(pred), np.asarray(labels)), 1)
    return counts


def match_categories(pred: np.ndarray, labels: np.ndarray, n: int = 10) -> tuple[np.ndarray, float]:
    """Best one-to-one category -> label mapping (Hungarian) and the accuracy it gives."""
    from scipy.optimize import linear_sum_assignment

    counts = confusion(pred, labels, n)
    rows, cols = linear_sum_assignment(-counts)
    mapping = np.empty(n, dtype=np.int64)
    mapping[rows] = cols
    return mapping, float(counts[rows, cols].sum() / max(len(labels), 1))


def categorical_information(probs: np.ndarray) -> float:
    """Mutual information (nats) between images and a categorical code read from them, I = H(mean p) - mean H(p),
    from per-image probabilities [N, K]: high when the code sorts images into confident, evenly used categories
    (at most log K). Needs no labels: a way to choose among unsupervised runs."""
    p = np.clip(np.asarray(probs, np.float64), 1e-12, 1.0)
    p = p / p.sum(1, keepdims=True)
    mean = p.mean(0)
    return float(-(mean * np.log(mean)).sum() + (p * np.log(p)).sum(1).mean())


def image_moments(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slant (mu11 / mu02, the shear used to deskew MNIST) and width (sqrt(mu20)) of each image's ink.

    ``images``: [N, 28, 28] (or [N, 1, 28, 28]) intensities in [0, 1]. x runs along columns, y along rows."""
    img = np.asarray(images, dtype=np.float64).reshape(len(images), 28, 28)
    ys, xs = np.mgrid[0:28, 0:28].astype(np.float64)
    mass = img.sum((1, 2)) + 1e-9
    cx = (img * xs).sum((1, 2)) / mass
    cy = (img * ys).sum((1, 2)) / mass
    dx = xs[None] - cx[:, None, None]
    dy = ys[None] - cy[:, None, None]
    mu20 = (img * dx * dx).sum((1, 2)) / mass
    mu02 = (img * dy * dy).sum((1, 2)) / mass
    mu11 = (img * dx * dy).sum((1, 2)) / mass
    return mu11 / (mu02 + 1e-9), np.sqrt(mu20)


def sweep_correlation(values: np.ndarray, measure: np.ndarray) -> float:
    """Spearman rho between a code's swept values and a measure, each [n_noise, n_values]: the mean over noise
    vectors of the per-vector rank correlation."""
    from scipy.stats import spearmanr

    rhos = []
    for row in measure:
        if np.ptp(row) == 0:
            rhos.append(0.0)
            continue
        rhos.append(spearmanr(values, row).statistic)
    return float(np.mean(rhos))


def nearest_distances(queries: np.ndarray, reference: np.ndarray, exclude_self: bool = False,
                      chunk: int = 512) -> np.ndarray:
    """Euclidean pixel distance of each query image to its nearest reference image (flattened, in [0, 1])."""
    q = np.asarray(queries, dtype=np.float32).reshape(len(queries), -1)
    r = np.asarray(reference, dtype=np.float32).reshape(len(reference), -1)
    r_sq = (r * r).sum(1)
    out = np.empty(len(q), dtype=np.float32)
    for start in range(0, len(q), chunk):
        block = q[start:start + chunk]
        d2 = (block * block).sum(1)[:, None] + r_sq[None] - 2 * block @ r.T
        if exclude_self:
            idx = np.arange(start, start + len(block))
            d2[np.arange(len(block)), idx] = np.inf
        out[start:start + chunk] = np.sqrt(np.maximum(d2.min(1), 0))
    return out


IDENTICAL_PSNR = 100.0     # what psnr() gives identical images (infinity in theory; 1e-10 MSE is 100 dB)


def psnr(images: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio (dB, peak 1) of each image against its reference: [N]. Identical images get
    :data:`IDENTICAL_PSNR` rather than infinity, so means stay finite (and a record written as JSON stays JSON): show
    it as "identical", never as a number (:func:`is_identical`)."""
    a = np.asarray(images, np.float64).reshape(len(images), -1)
    b = np.asarray(reference, np.float64).reshape(len(reference), -1)
    mse = ((a - b) ** 2).mean(1)
    return np.where(mse > 0, -10 * np.log10(np.maximum(mse, 1e-10)), IDENTICAL_PSNR)


def is_identical(value) -> np.ndarray | bool:
    """Whether a (mean) PSNR stands for identical images: the stand-in for infinity, not a measurement."""
    return np.asarray(value) >= IDENTICAL_PSNR


def ssim(images: np.ndarray, reference: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """Structural similarity (Wang et al. 2004) of each image against its reference, data range 1, Gaussian
    window of ``sigma`` px (truncated at 3.5 sigma, as scikit-image's ``gaussian_weights``): [N] in [-1, 1]."""
    from scipy.ndimage import gaussian_filter

    a = np.asarray(images, np.float64).reshape(len(images), 28, 28)
    b = np.asarray(reference, np.float64).reshape(len(reference), 28, 28)
    blur = lambda v: gaussian_filter(v, sigma=(0, sigma, sigma), truncate=3.5, mode="reflect")  # noqa: E731
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a ** 2
    var_b = blur(b * b) - mu_b ** 2
    cov = blur(a * b) - mu_a * mu_b
    score = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return score.mean((1, 2))


def knn_accuracy(encodings: np.ndarray, labels: np.ndarray, k: int = 5, chunk: int = 1024) -> float:
    """Leave-one-out k-nearest-neighbour accuracy of a set of encodings: the share of points whose k nearest other
    points (Euclidean; a tie in the vote goes to the smallest class) mostly share their label. How well a map keeps
    the classes apart; 1 / (number of classes) for a map that mixes them."""
    z = np.asarray(encodings, dtype=np.float64).reshape(len(encodings), -1)
    labels = np.asarray(labels)
    if len(z) <= k:
        raise ValueError(f"k-NN accuracy needs more than k = {k} points; got {len(z)}")
    sq = (z * z).sum(1)
    hits = 0
    for start in range(0, len(z), chunk):
        block = z[start:start + chunk]
        d2 = sq[start:start + chunk, None] + sq[None] - 2 * block @ z.T
        d2[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
        nearest = np.argpartition(d2, k, axis=1)[:, :k]
        votes = np.apply_along_axis(np.bincount, 1, labels[nearest], minlength=int(labels.max()) + 1)
        hits += int((votes.argmax(1) == labels[start:start + chunk]).sum())
    return hits / len(z)
