"""What every model makes of one image (a student's own, prepared by :mod:`explorer.own_image`): numpy in, numbers
and images out, no Streamlit."""

from __future__ import annotations

import numpy as np
import torch

from .latent import decode, encode, infogan_generate, infogan_read_codes


def _batch(image: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(image, np.float32).reshape(1, 1, 28, 28))


def reconstruction(model, image: np.ndarray) -> tuple[np.ndarray, float]:
    """An AE/VAE's reconstruction of ``image`` (through its code: the VAE's posterior mean) and the mean squared
    pixel error."""
    x = np.asarray(image, np.float32).reshape(1, 1, 28, 28)
    out = decode(model, encode(model, x))[0]
    return out, float(((out - x[0, 0]) ** 2).mean())


def code(model, image: np.ndarray) -> np.ndarray:
    """An AE/VAE's code of ``image`` [latent_dim]."""
    return encode(model, np.asarray(image, np.float32).reshape(1, 1, 28, 28))[0]


def posterior(model, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A VAE's posterior mean and standard deviation for ``image``."""
    mu, logvar = model.posterior(_batch(image))
    return mu[0].numpy(), np.exp(0.5 * logvar[0].numpy())


def top_classes(classifier, image: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The classifier's ``k`` most probable classes with their probabilities."""
    p = classifier.predict_proba(_batch(image))[0].numpy()
    order = np.argsort(-p)[:k]
    return [(int(c), float(p[c])) for c in order]


def gan_reading(gan, image: np.ndarray, mapping: np.ndarray) -> dict:
    """InfoGAN's Q reading of ``image``: its category, the class that category is matched to (``mapping``:
    category -> class), its confidence, c2 and c3, and the image G draws from those codes with zero noise."""
    codes = infogan_read_codes(gan, np.asarray(image, np.float32).reshape(1, 1, 28, 28))[0]
    logits = codes[:10]
    p = np.exp(logits - logits.max())
    p /= p.sum()
    category = int(p.argmax())
    regenerated = infogan_generate(gan, [category], [codes[10]], [codes[11]],
                                   np.zeros((1, gan.noise_dim), np.float32))[0]
    return {"category": category, "class": int(mapping[category]), "confidence": float(p[category]),
            "c2": float(codes[10]), "c3": float(codes[11]), "regenerated": regenerated}


def nearest_images(image: np.ndarray, images: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ``k`` test images nearest to ``image`` in pixel space, and their distances."""
    x = np.asarray(image, np.float32).reshape(1, -1)
    ref = np.asarray(images, np.float32).reshape(len(images), -1)
    ref = ref / 255.0 if images.dtype == np.uint8 else ref
    d = np.sqrt(((ref - x) ** 2).sum(1))
    order = np.argsort(d)[:k]
    return order, d[order]


def place_on_map(vector: np.ndarray, vectors: np.ndarray, coords: np.ndarray, k: int = 10) -> np.ndarray:
    """A new point's position on a precomputed map (UMAP) from its ``k`` nearest neighbours in the space the map
    was made from: their map positions averaged with weights 1 / distance. An approximation (UMAP's own transform
    takes seconds here), exact when the point coincides with a mapped one."""
    v = np.asarray(vector, np.float32).reshape(1, -1)
    d = np.sqrt(((np.asarray(vectors, np.float32) - v) ** 2).sum(1))
    nearest = np.argsort(d)[:k]
    if d[nearest[0]] < 1e-9:
        return np.asarray(coords[nearest[0]], np.float64)
    w = 1.0 / d[nearest]
    return (np.asarray(coords, np.float64)[nearest] * w[:, None]).sum(0) / w.sum()
