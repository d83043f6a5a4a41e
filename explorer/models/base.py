"""The interface every model answers, and the helpers they share.

Networks train through their own differentiable methods (``encoder``, ``decoder``, ``loss`` ...). The public methods
below (``encode``, ``decode`` ...) are for the app, tests and benchmarks: they check shapes, run under
``torch.inference_mode()`` on the model's device, and take and return CPU tensors.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import ClassVar

import torch
from torch import nn

IMAGE_SHAPE = (1, 28, 28)


def check_images(x: torch.Tensor, what: str = "images") -> torch.Tensor:
    """Accept float images [N,1,28,28] (or [N,28,28]) in [0, 1]; raise a clear error for anything else."""
    x = torch.as_tensor(x)
    if x.ndim == 3 and tuple(x.shape[1:]) == (28, 28):
        x = x[:, None]
    if x.ndim != 4 or tuple(x.shape[1:]) != IMAGE_SHAPE:
        raise ValueError(f"{what} must have shape [N, 1, 28, 28] (or [N, 28, 28]); got {list(x.shape)}")
    if not torch.is_floating_point(x):
        raise ValueError(f"{what} must be float in [0, 1]; got dtype {x.dtype} (divide uint8 pixels by 255)")
    return x.float()


def check_vectors(z: torch.Tensor, dim: int, what: str) -> torch.Tensor:
    z = torch.as_tensor(z, dtype=torch.float32)
    if z.ndim == 1 and dim == z.shape[0]:
        z = z[None]
    if z.ndim != 2 or z.shape[1] != dim:
        raise ValueError(f"{what} must have shape [N, {dim}]; got {list(z.shape)}")
    return z


def public(method):
    """Run a public API method in inference mode on the model's device and hand back CPU tensors."""

    @functools.wraps(method)
    def wrapper(self, *args):
        with torch.inference_mode():
            out = method(self, *args)
        if isinstance(out, tuple):
            return tuple(o.cpu() for o in out)
        return out.cpu()

    return wrapper


class Model(nn.Module):
    """Base of every model: a frozen dataclass ``config`` builds it and is saved beside its weights."""

    kind: ClassVar[str]
    config: object

    @property
    def dataset(self) -> str:
        return self.config.dataset

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def to_device(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(self.device)

    def config_dict(self) -> dict:
        return {"kind": self.kind, **dataclasses.asdict(self.config)}

    # The public API; families override what they support.
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"a {self.kind} model does not encode images")

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"a {self.kind} model does not decode latent vectors")

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


def mlp(sizes: tuple[int, ...], activation=nn.ReLU) -> nn.Sequential:
    """Linear layers of the given sizes with ``activation`` between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def bce_per_image(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Bernoulli negative log-likelihood summed over the 784 (grayscale) pixels: [N]."""
    return nn.functional.binary_cross_entropy_with_logits(
        logits.flatten(1), x.flatten(1), reduction="none").sum(1)
