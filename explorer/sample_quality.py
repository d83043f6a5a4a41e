"""How good a generator's samples are, measured against real images: sharpness, a Fréchet distance and
precision / recall, in the feature space of the dataset's classifier (its last hidden layer).

- Sharpness: the mean gradient magnitude of the samples over that of real images (1 = as sharp as the data; a
  blurry decoder scores below 1).
- Fréchet distance (Heusel et al. 2017, https://arxiv.org/abs/1706.08500): between Gaussians fitted to the two
  feature sets. Computed in this classifier's 128-D features, not Inception's, so its values are comparable only
  with each other.
- Precision and recall (Kynkäänniemi et al. 2019, https://arxiv.org/abs/1904.06991): each set's manifold is the
  union of balls around its points reaching their k-th nearest neighbour; precision is the share of samples inside
  the real manifold (realism), recall the share of real images inside the samples' manifold (coverage).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

SAMPLES = 1000          # images per set: samples, real reference, real comparison
NEIGHBOURS = 3          # k of the k-NN manifolds (the paper's default)
SEED = 0


@dataclass(frozen=True)
class SampleScores:
    sharpness: float
    frechet: float
    precision: float
    recall: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def gradient_magnitude(images: np.ndarray) -> float:
    """Mean magnitude of the images' finite-difference gradient (intensities in [0, 1])."""
    x = np.asarray(images, np.float64).reshape(len(images), 28, 28)
    gx, gy = np.diff(x, axis=2)[:, :-1, :], np.diff(x, axis=1)[:, :, :-1]
    return float(np.sqrt(gx ** 2 + gy ** 2).mean())


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^1/2) between Gaussians fitted to two feature sets. The trace
    of the root is taken as that of (S_a^1/2 S_b S_a^1/2)^1/2, a symmetric matrix with the same eigenvalues, so
    features that never fire (a singular covariance) need no regularisation."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = np.linalg.eigvalsh(root_a @ s_b @ root_a)
    trace_root = float(np.sqrt(np.clip(middle, 0, None)).sum())
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * trace_root)


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2 * a @ b.T
    return np.sqrt(np.maximum(sq, 0))


def _radii(points: np.ndarray, k: int) -> np.ndarray:
    d = _pairwise(points, points)
    return np.sort(d, axis=1)[:, k]           # column 0 is the point itself


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = NEIGHBOURS) -> tuple[float, float]:
    """(precision, recall) of ``fake`` against ``real`` features with k-NN manifolds."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    d = _pairwise(fake, real)                                   # [fake, real]
    precision = float((d <= _radii(real, k)[None]).any(1).mean())
    recall = float((d <= _radii(fake, k)[:, None]).any(0).mean())
    return precision, recall


class SampleJudge:
    """Scores sets of images against a fixed set of real ones (the reference): built once per dataset."""

    def __init__(self, classifier, reference: np.ndarray):
        self.classifier = classifier
        self.reference = np.asarray(reference, np.float32)
        self.reference_features = self.features(self.reference)
        self.reference_sharpness = gradient_magnitude(self.reference)

    def features(self, images: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.asarray(images, np.float32).reshape(-1, 1, 28, 28))
        return np.concatenate([self.classifier.features(b).numpy() for b in x.split(500)]).astype(np.float64)

    def score(self, images: np.ndarray) -> SampleScores:
        feats = self.features(images)
        precision, recall = precision_recall(self.reference_features, feats)
        return SampleScores(sharpness=gradient_magnitude(images) / self.reference_sharpness,
                            frechet=frechet_distance(self.reference_features, feats),
                            precision=precision, recall=recall)


def real_split(images: np.ndarray, n: int = SAMPLES, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint sets of ``n`` test images drawn by a seeded permutation (whatever the file's order, e.g.
    MNIST-10k's by class): (reference, comparison). The comparison set is what "real images" score against the
    reference: the floor every generator is measured from."""
    x = np.asarray(images)
    order = np.random.default_rng(seed).permutation(len(x))
    return x[order[:n]], x[order[n:2 * n]]


def vae_samples(model, n: int = SAMPLES, temperature: float = 1.0, seed: int = SEED,
                keep: int | None = None) -> np.ndarray:
    """The decoder's mean images of z ~ N(0, temperature^2 I): [n, 28, 28] (only the first ``keep`` of them, the
    same images as in the full set, when given)."""
    z = np.random.default_rng(seed).standard_normal((n, model.latent_dim)).astype(np.float32)[:keep]
    return model.decode(torch.from_numpy(z) * float(temperature)).numpy().reshape(-1, 28, 28)


def gan_samples(model, n: int = SAMPLES, noise_scale: float = 1.0, seed: int = SEED,
                keep: int | None = None) -> np.ndarray:
    """InfoGAN images with every code drawn from its prior (uniform category, continuous codes U(-1, 1)) and the
    noise z scaled by ``noise_scale`` (the truncation-style control): [n, 28, 28] (or the first ``keep``)."""
    generator = torch.Generator().manual_seed(seed)
    c1, cont, z = (t[:keep] for t in model.sample_codes(n, generator=generator))
    return model.decode(model.latent(c1, cont, z * float(noise_scale))).numpy().reshape(-1, 28, 28)
