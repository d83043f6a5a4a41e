"""A plain (deterministic) autoencoder: an MLP encoder to a ``latent_dim`` code and an MLP decoder back."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import Model, bce_per_image, check_images, check_vectors, mlp, public


@dataclass(frozen=True)
class AEConfig:
    dataset: str
    latent_dim: int = 2
    hidden: tuple[int, ...] = (512, 256)


class AE(Model):
    kind = "ae"

    def __init__(self, config: AEConfig):
        super().__init__()
        self.config = config
        self.encoder = mlp((784, *config.hidden, config.latent_dim))
        self.decoder = mlp((config.latent_dim, *reversed(config.hidden), 784))

    def decoder_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, 1, 28, 28)

    def loss(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Reconstruction loss: Bernoulli NLL summed over pixels, averaged over the batch."""
        recon = bce_per_image(self.decoder_logits(self.encoder(x.flatten(1))), x).mean()
        return {"loss": recon, "recon": recon}

    @public
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.to_device(check_images(x)).flatten(1))

    @public
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        z = self.to_device(check_vectors(z, self.latent_dim, "latent vectors"))
        return torch.sigmoid(self.decoder_logits(z))
