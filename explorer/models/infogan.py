"""InfoGAN (Chen et al. 2016, https://arxiv.org/abs/1606.03657): a GAN whose generator also takes codes c that an
auxiliary head Q must recover from the images, maximising a lower bound on their mutual information.

Here, as in the paper's MNIST model: 62-d noise z ~ N(0, I), one categorical code c1 ~ Cat(10) and two continuous
codes c2, c3 ~ U(-1, 1); D and Q share a convolutional trunk. The latent vector fed to G is [z, onehot(c1), c2, c3].
Only G, the trunk and the Q head are shipped: the app never needs D's real/fake head.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from .base import Model, check_images, check_vectors, public


@dataclass(frozen=True)
class InfoGANConfig:
    dataset: str
    noise_dim: int = 62
    n_categories: int = 10
    n_continuous: int = 2
    g_hidden: int = 1024
    g_channels: tuple[int, int] = (128, 64)
    d_channels: tuple[int, int] = (64, 128)
    d_hidden: int = 1024
    q_hidden: int = 128
    learn_sigma: bool = False  # Q's Gaussian over c2, c3: learned variance, or fixed sigma = 1 as in the paper

    @property
    def latent_dim(self) -> int:
        return self.noise_dim + self.n_categories + self.n_continuous


class Generator(nn.Module):
    def __init__(self, c: InfoGANConfig):
        super().__init__()
        ch1, ch2 = c.g_channels
        self.fc = nn.Sequential(
            nn.Linear(c.latent_dim, c.g_hidden), nn.BatchNorm1d(c.g_hidden), nn.ReLU(),
            nn.Linear(c.g_hidden, ch1 * 7 * 7), nn.BatchNorm1d(ch1 * 7 * 7), nn.ReLU(),
        )
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(ch1, ch2, 4, 2, 1), nn.BatchNorm2d(ch2), nn.ReLU(),
            nn.ConvTranspose2d(ch2, 1, 4, 2, 1),
        )
        self.ch1 = ch1

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.deconv(self.fc(latent).view(-1, self.ch1, 7, 7)))


class Trunk(nn.Module):
    """The convolutional body shared by D and Q."""

    def __init__(self, c: InfoGANConfig):
        super().__init__()
        ch1, ch2 = c.d_channels
        self.net = nn.Sequential(
            nn.Conv2d(1, ch1, 4, 2, 1), nn.LeakyReLU(0.1),
            nn.Conv2d(ch1, ch2, 4, 2, 1), nn.BatchNorm2d(ch2), nn.LeakyReLU(0.1), nn.Flatten(),
            nn.Linear(ch2 * 7 * 7, c.d_hidden), nn.BatchNorm1d(c.d_hidden), nn.LeakyReLU(0.1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class QHead(nn.Module):
    """Q(c | x): logits of c1 and the mean and log-variance of a Gaussian over the continuous codes."""

    def __init__(self, c: InfoGANConfig):
        super().__init__()
        self.c = c
        self.net = nn.Sequential(
            nn.Linear(c.d_hidden, c.q_hidden), nn.BatchNorm1d(c.q_hidden), nn.LeakyReLU(0.1),
            nn.Linear(c.q_hidden, c.n_categories + 2 * c.n_continuous),
        )

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        out = self.net(h)
        k, m = self.c.n_categories, self.c.n_continuous
        return out[:, :k], out[:, k:k + m], out[:, k + m:].clamp(-6, 4)


class InfoGAN(Model):
    kind = "infogan"
    # c2 and c3 are drawn from U(lo, hi) in training: the only values the generator has seen.
    TRAINED_RANGE = (-1.0, 1.0)

    def __init__(self, config: InfoGANConfig):
        super().__init__()
        self.config = config
        self.generator = Generator(config)
        self.trunk = Trunk(config)
        self.q_head = QHead(config)

    @property
    def noise_dim(self) -> int:
        return self.config.noise_dim

    @property
    def trained_range(self) -> tuple[float, float]:
        """(lo, hi): the range of c2 and c3 in training; outside it the generator extrapolates."""
        return self.TRAINED_RANGE

    # --- training ---------------------------------------------------------------------------------------------
    def sample_codes(self, n: int, generator: torch.Generator | None = None):
        c, dev = self.config, self.device
        c1 = torch.randint(c.n_categories, (n,), generator=generator).to(dev)
        lo, hi = self.TRAINED_RANGE
        cont = (torch.rand(n, c.n_continuous, generator=generator) * (hi - lo) + lo).to(dev)
        z = torch.randn(n, c.noise_dim, generator=generator).to(dev)
        return c1, cont, z

    def latent(self, c1: torch.Tensor, cont: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return torch.cat([z, F.one_hot(c1, self.config.n_categories).float(), cont], dim=1)

    def information_loss(self, h: torch.Tensor, c1: torch.Tensor, cont: torch.Tensor, cat_weight: float = 1.0,
                         cont_weight: float = 1.0) -> dict[str, torch.Tensor]:
        """-log Q(c | x) for the sampled codes: cross-entropy for c1, Gaussian NLL for the continuous codes, weighted
        by the lambdas of the run (``info`` is the weighted sum)."""
        logits, mu, logvar = self.q_head(h)
        cat = F.cross_entropy(logits, c1)
        if not self.config.learn_sigma:
            logvar = torch.zeros_like(logvar)
        gauss = (0.5 * (logvar + (cont - mu).pow(2) / logvar.exp())).sum(1).mean()
        total = cat_weight * cat + cont_weight * gauss
        return {"info": total, "info_cat": cat, "info_cont": gauss,
                "q_acc": (logits.argmax(1) == c1).float().mean()}

    # --- public API -------------------------------------------------------------------------------------------
    @public
    def generate(self, c1: torch.Tensor, c2: torch.Tensor, c3: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Images [N,1,28,28] from c1 (long [N], 0..9), c2 and c3 (float [N]) and noise z (float [N, noise_dim])."""
        z = check_vectors(z, self.noise_dim, "noise z")
        n = z.shape[0]
        c1 = torch.as_tensor(c1, dtype=torch.long).reshape(-1)
        c2 = torch.as_tensor(c2, dtype=torch.float32).reshape(-1)
        c3 = torch.as_tensor(c3, dtype=torch.float32).reshape(-1)
        if not (len(c1) == len(c2) == len(c3) == n):
            raise ValueError(f"c1, c2, c3 and z must have the same N; got {len(c1)}, {len(c2)}, {len(c3)}, {n}")
        if len(c1) and (c1.min() < 0 or c1.max() >= self.config.n_categories):
            raise ValueError(f"c1 must lie in 0..{self.config.n_categories - 1}")
        latent = self.latent(c1, torch.stack([c2, c3], dim=1), z)
        return self.generator(self.to_device(latent))

    @public
    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """Images from full latent vectors [z, onehot(c1), c2, c3] of length ``latent_dim``."""
        return self.generator(self.to_device(check_vectors(latent, self.latent_dim, "latent vectors")))

    @public
    def infer_codes(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Q's c1 logits [N, 10] and the mean of the continuous codes [N, 2] for images x."""
        logits, mu, _ = self.q_head(self.trunk(self.to_device(check_images(x))))
        return logits, mu

    @public
    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The shared D/Q trunk's features of images x [N, d_hidden]: what the latent map projects."""
        return self.trunk(self.to_device(check_images(x)))
