"""A convolutional denoising autoencoder (Vincent et al. 2008, https://dl.acm.org/doi/10.1145/1390156.1390294),
shaped like the classic Keras example: two 3x3 conv + 2x2 max-pool blocks down to 7x7, two conv + upsample blocks
back, trained to map a corrupted image to its clean original."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .base import Model, bce_per_image, check_images, public


@dataclass(frozen=True)
class DAEConfig:
    dataset: str
    channels: tuple[int, ...] = (32, 32)


def _conv(n_in: int, n_out: int) -> nn.Conv2d:
    return nn.Conv2d(n_in, n_out, 3, padding=1)


class DAE(Model):
    kind = "dae"

    def __init__(self, config: DAEConfig):
        super().__init__()
        self.config = config
        down: list[nn.Module] = []
        n_in = 1
        for n_out in config.channels:
            down += [_conv(n_in, n_out), nn.ReLU(), nn.MaxPool2d(2)]
            n_in = n_out
        up: list[nn.Module] = []
        for n_out in reversed(config.channels):
            up += [_conv(n_in, n_out), nn.ReLU(), nn.Upsample(scale_factor=2)]
            n_in = n_out
        self.encoder = nn.Sequential(*down)
        self.decoder = nn.Sequential(*up, _conv(n_in, 1))
        if 28 % (2 ** len(config.channels)):
            raise ValueError(f"{len(config.channels)} pooling blocks do not divide 28 x 28 images evenly")

    @property
    def latent_dim(self) -> int:
        side = 28 // 2 ** len(self.config.channels)
        return self.config.channels[-1] * side * side

    def logits(self, noisy: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(noisy))

    def loss(self, noisy: torch.Tensor, clean: torch.Tensor) -> dict[str, torch.Tensor]:
        """Bernoulli NLL of the clean image given the noisy one, summed over pixels, averaged over the batch."""
        recon = bce_per_image(self.logits(noisy), clean).mean()
        return {"loss": recon, "recon": recon}

    @public
    def denoise(self, x: torch.Tensor) -> torch.Tensor:
        """Clean images [N, 1, 28, 28] in [0, 1] from noisy ones of the same shape."""
        return torch.sigmoid(self.logits(self.to_device(check_images(x))))
