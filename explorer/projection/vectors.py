"""What a model's latent map projects, and which models need a projection."""

from __future__ import annotations

import numpy as np


def map_vectors(model, images: np.ndarray, batch: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(what the map projects, what the way back returns) for test ``images`` uint8 [N, 28, 28].

    AE/VAE: (encodings, encodings). InfoGAN: (trunk features, Q's codes = [10 c1 logits, c2, c3])."""
    from ..latent import encode, infogan_read_codes, infogan_features

    if model.kind == "infogan":
        return infogan_features(model, images, batch), infogan_read_codes(model, images, batch)
    enc = encode(model, images, batch)
    return enc, enc


def needs_projection(kind: str, latent_dim: int | None) -> bool:
    """Models whose map is not their raw latent: AE/VAE beyond 2-D, and InfoGAN."""
    return kind == "infogan" or (kind in ("ae", "vae") and latent_dim != 2)
