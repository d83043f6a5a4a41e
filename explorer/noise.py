"""Image corruptions the denoising autoencoder trains on and the Denoise page shows: pure functions of float
images [N, 1, 28, 28] in [0, 1] and a seeded generator."""

from __future__ import annotations

import torch

KINDS = ("salt and pepper", "gaussian")


def _amounts(amount, n: int) -> torch.Tensor:
    """One amount per image, shaped to broadcast over [N, 1, 28, 28]."""
    amount = torch.as_tensor(amount, dtype=torch.float32).reshape(-1)
    if amount.numel() not in (1, n):
        raise ValueError(f"expected one noise amount or one per image ({n}); got {amount.numel()}")
    if not torch.isfinite(amount).all() or (amount < 0).any() or (amount > 1).any():
        raise ValueError("noise amounts must be finite and within 0 to 1")
    return amount.expand(n).reshape(n, 1, 1, 1)


def salt_and_pepper(x: torch.Tensor, amount, generator: torch.Generator | None = None) -> torch.Tensor:
    """Replace the fraction ``amount`` of pixels (per image, or one for all), half by 0 (pepper) and half by 1
    (salt), chosen independently per pixel. Which pixels are hit and which value each gets are separate draws, so
    with the same generator state a larger amount keeps every pixel a smaller one replaced, with the same value."""
    p = _amounts(amount, len(x)).to(x.device)
    hit = torch.rand(x.shape, generator=generator, device=x.device) < p
    salt = torch.rand(x.shape, generator=generator, device=x.device) < 0.5
    return torch.where(hit, salt.to(x.dtype), x)


def gaussian(x: torch.Tensor, sigma, generator: torch.Generator | None = None) -> torch.Tensor:
    """Add N(0, sigma^2) to every pixel and clip to [0, 1]."""
    s = _amounts(sigma, len(x)).to(x.device)
    return (x + s * torch.randn(x.shape, generator=generator, device=x.device)).clamp(0.0, 1.0)


def corrupt(x: torch.Tensor, kind: str, amount, generator: torch.Generator | None = None) -> torch.Tensor:
    """``salt_and_pepper`` or ``gaussian`` by name (:data:`KINDS`)."""
    if kind == "salt and pepper":
        return salt_and_pepper(x, amount, generator)
    if kind == "gaussian":
        return gaussian(x, amount, generator)
    raise ValueError(f"unknown noise kind {kind!r}; expected one of {KINDS}")
