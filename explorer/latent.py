"""Latent-space computations shared by the app and the evaluation: numpy in, numpy out.

Grids over a 2-D latent plane (evenly spaced, or through the inverse Gaussian CDF as in Kingma & Welling 2014,
Fig. 4), encoding and decoding in batches, image mosaics, and the InfoGAN's codes in and out. How data-like a
decoded image is: :mod:`explorer.quality`.
"""

from __future__ import annotations

import numpy as np
import torch

from .data import to_float



def percentile_box(encodings: np.ndarray, low: float = 1.0, high: float = 99.0) -> tuple[np.ndarray, np.ndarray]:
    """The per-dimension ``low``-``high`` percentile box of a set of encodings: (lo [d], hi [d])."""
    enc = np.asarray(encodings, dtype=np.float64)
    return np.percentile(enc, low, axis=0), np.percentile(enc, high, axis=0)


def grid_axis(lo: float, hi: float, n: int, spacing: str = "even") -> np.ndarray:
    """``n`` values from lo to hi. ``spacing="gaussian"``: equal steps of probability under the Gaussian whose
    ±3 sigma span the range (centre (lo + hi) / 2, sigma (hi - lo) / 6), so that each cell holds the same mass
    (Kingma & Welling, Fig. 4). Over -3 ... 3 that Gaussian is the prior N(0, 1); over an autoencoder's wide,
    off-centre plane it stays finite, where the prior's own quantiles of, say, 22 are infinite."""
    if n < 1:
        raise ValueError(f"a grid needs at least one point per axis; got {n}")
    if spacing == "even":
        return np.linspace(lo, hi, n)
    if spacing == "gaussian":
        from scipy.stats import norm   # lazily: SciPy's import is ~1 s of the first page

        centre, sigma = (lo + hi) / 2, max((hi - lo) / 6, 1e-12)
        u = np.linspace(norm.cdf(-3.0), norm.cdf(3.0), n)
        return centre + sigma * norm.ppf(u)
    raise ValueError(f"unknown spacing {spacing!r}; choose 'even' or 'gaussian'")


def grid_points(x_axis: np.ndarray, y_axis: np.ndarray) -> np.ndarray:
    """All (x, y) grid points, row-major with y from top (largest) to bottom: [len(y) * len(x), 2]."""
    xs, ys = np.meshgrid(x_axis, y_axis[::-1])
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def decode(model, z: np.ndarray, batch: int = 4096) -> np.ndarray:
    """Decode latent vectors [N, d] to images float32 [N, 28, 28] in [0, 1]."""
    z = np.asarray(z, dtype=np.float32)
    parts = [model.decode(torch.from_numpy(z[i:i + batch])) for i in range(0, len(z), batch)]
    return torch.cat(parts).numpy()[:, 0] if parts else np.zeros((0, 28, 28), np.float32)


def encode(model, images: np.ndarray, batch: int = 4096) -> np.ndarray:
    """Encode uint8 [N, 28, 28] (or float [N, 1, 28, 28] in [0, 1]) images to latent vectors [N, d]."""
    x = to_float(images)
    parts = [model.encode(torch.from_numpy(x[i:i + batch])) for i in range(0, len(x), batch)]
    return torch.cat(parts).numpy()


def tile(images: np.ndarray, rows: int, cols: int, pad: int = 1) -> np.ndarray:
    """Images [rows*cols, 28, 28] as one mosaic [rows*(28+pad)-pad, cols*(28+pad)-pad]."""
    images = np.asarray(images).reshape(rows, cols, 28, 28)
    size = 28 + pad
    background = 255 if images.dtype == np.uint8 else 1.0
    out = np.full((rows * size - pad, cols * size - pad), background, dtype=images.dtype)
    for r in range(rows):
        for c in range(cols):
            out[r * size:r * size + 28, c * size:c * size + 28] = images[r, c]
    return out


# --- InfoGAN: codes in, images out; images in, codes out -------------------------------------------------------

def infogan_noise(model, seed: int, n: int = 1) -> np.ndarray:
    """``n`` noise vectors z ~ N(0, I) [n, noise_dim], reproducible from ``seed``."""
    return np.random.default_rng(seed).standard_normal((n, model.noise_dim)).astype(np.float32)


def infogan_generate(model, c1, c2, c3, z: np.ndarray) -> np.ndarray:
    """Images float32 [N, 28, 28] from categories c1 [N], continuous codes c2, c3 [N] and noise z [N, noise_dim]
    (arrays of length 1 are repeated to N)."""
    z = np.asarray(z, np.float32).reshape(-1, model.noise_dim)
    n = max(len(z), *(np.size(c) for c in (c1, c2, c3)))
    c1, c2, c3 = (np.broadcast_to(np.asarray(c).reshape(-1), (n,)) for c in (c1, c2, c3))
    z = np.array(np.broadcast_to(z, (n, model.noise_dim)))
    out = model.generate(torch.from_numpy(c1.astype(np.int64)), torch.from_numpy(c2.astype(np.float32)),
                         torch.from_numpy(c3.astype(np.float32)), torch.from_numpy(np.ascontiguousarray(z)))
    return out.numpy()[:, 0]


def infogan_traversal(model, rows, code: str, values, z: np.ndarray) -> np.ndarray:
    """Images float32 [len(rows) * len(values), 28, 28], row by row: each category of ``rows`` with ``code`` ("c2"
    or "c3") swept through ``values``, the other continuous code at 0, and the noise ``z`` [1, noise_dim]."""
    n = len(values)
    c1 = np.repeat(np.asarray(rows), n)
    swept = np.tile(np.asarray(values, np.float32), len(rows))
    other = np.zeros_like(swept)
    c2, c3 = (swept, other) if code == "c2" else (other, swept)
    return infogan_generate(model, c1, c2, c3, z)


def infogan_read_codes(model, images: np.ndarray, batch: int = 2048) -> np.ndarray:
    """What Q reads from images: [N, 12] = 10 c1 logits, then the means of c2 and c3."""
    x = to_float(images)
    parts = []
    for i in range(0, len(x), batch):
        logits, cont = model.infer_codes(torch.from_numpy(x[i:i + batch]))
        parts.append(torch.cat([logits, cont], 1))
    return torch.cat(parts).numpy() if parts else np.zeros((0, 12), np.float32)


def infogan_features(model, images: np.ndarray, batch: int = 2048) -> np.ndarray:
    """The D/Q trunk's features of images [N, d_hidden] (what the InfoGAN latent map projects)."""
    x = to_float(images)
    parts = [model.features(torch.from_numpy(x[i:i + batch])) for i in range(0, len(x), batch)]
    return torch.cat(parts).numpy()


def infogan_codes_from_features(model, features: np.ndarray) -> np.ndarray:
    """Q's codes [N, 12] (as :func:`infogan_read_codes`) read from trunk features [N, d_hidden] directly."""
    with torch.inference_mode():
        h = torch.as_tensor(np.asarray(features, np.float32)).to(model.device)
        logits, mu, _ = model.q_head(h)
        return torch.cat([logits, mu], 1).cpu().numpy()


def infogan_decode_codes(model, codes: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Images from Q-style codes [N, 12] (c1 = the argmax of the logits) with noise z [N or 1, noise_dim]."""
    codes = np.asarray(codes, np.float32).reshape(-1, 12)
    return infogan_generate(model, codes[:, :10].argmax(1), codes[:, 10], codes[:, 11], z)
