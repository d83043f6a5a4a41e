"""Variational autoencoder (Kingma & Welling 2014, https://arxiv.org/abs/1312.6114): Gaussian encoder, Bernoulli
decoder, N(0, I) prior."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .base import Model, check_images, check_vectors, mlp, public


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

    def elbo_terms(self, x: torch.Tensor, eps: torch.Tensor) -> dict[str, torch.Tensor]:
        """The negative ELBO of each image, term by term, for a given standard-normal draw ``eps`` [N, latent_dim]
        (Kingma & Welling, App. B): z = mu + sigma * eps; "recon_pixels" [N, 784], the Bernoulli NLL of each pixel
        given z; "kl_dims" [N, latent_dim], KL(q(z|x) || N(0, I)) of each latent dimension in closed form,
        ½ (mu² + sigma² - log sigma² - 1); with "mu", "logvar", "z" and the decoder's "logits" [N, 784].
        Training, ``explorer.evaluate`` and the app all compute the ELBO here."""
        mu, logvar = self.posterior_params(x)
        z = mu + eps.to(mu.device) * torch.exp(0.5 * logvar)
        logits = self.decoder_logits(z).flatten(1)
        recon_pixels = nn.functional.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="none")
        kl_dims = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1)
        return {"recon_pixels": recon_pixels, "kl_dims": kl_dims, "mu": mu, "logvar": logvar, "z": z,
                "logits": logits}

    def negative_elbo(self, x: torch.Tensor, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """Per-image NELBO = BCE + KL(q(z|x) || N(0, I)), one reparameterised sample (see :meth:`elbo_terms`)."""
        shape = (x.shape[0], self.latent_dim)
        eps = torch.randn(shape, generator=generator, device=x.device) if generator else \
            torch.randn(shape, device=x.device)
        t = self.elbo_terms(x, eps)
        recon, kl = t["recon_pixels"].sum(1), t["kl_dims"].sum(1)
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
