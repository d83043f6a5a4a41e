"""Variational autoencoder (Kingma & Welling 2014, https://arxiv.org/abs/1312.6114): Gaussian encoder, Bernoulli
decoder, N(0, I) prior."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import Model, bce_per_image, check_images, check_vectors, mlp, public


@dataclass(frozen=True)
class VAEConfig:
    dataset: str
    latent_dim: int = 2
    hidden: tuple[int, ...] = (512, 256)
    beta: float = 1.0     # the KL term's weight in the training loss (Higgins et al. 2017); 1 is the ELBO


class VAE(Model):
    kind = "vae"

    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = config
        self.encoder = mlp((784, *config.hidden, 2 * config.latent_dim))
        self.decoder = mlp((config.latent_dim, *reversed(config.hidden), 784))

    def posterior_params(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x.flatten(1)).chunk(2, dim=1)
        return mu, logvar

    def decoder_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, 1, 28, 28)

    def negative_elbo(self, x: torch.Tensor, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """Per-image NELBO = BCE + KL(q(z|x) || N(0, I)), one reparameterised sample (Kingma & Welling, App. B)."""
        mu, logvar = self.posterior_params(x)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device) if generator else torch.randn_like(mu)
        z = mu + eps * torch.exp(0.5 * logvar)
        recon = bce_per_image(self.decoder_logits(z), x)
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
        return {"recon": recon, "kl": kl, "nelbo": recon + kl}

    def loss(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Reconstruction + beta * KL, averaged over the batch; the terms of the (beta = 1) NELBO beside it."""
        terms = {k: v.mean() for k, v in self.negative_elbo(x).items()}
        return {"loss": terms["recon"] + self.config.beta * terms["kl"], **terms}

    @public
    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z|x)."""
        return self.posterior_params(self.to_device(check_images(x)))

    @public
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The posterior mean."""
        return self.posterior_params(self.to_device(check_images(x)))[0]

    @public
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        z = self.to_device(check_vectors(z, self.latent_dim, "latent vectors"))
        return torch.sigmoid(self.decoder_logits(z))
