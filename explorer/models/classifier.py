"""A small CNN that classifies 28x28 images; the app uses it to score decoded images."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .base import Model, check_images, public


@dataclass(frozen=True)
class ClassifierConfig:
    dataset: str
    # One 3x3 conv + BatchNorm + ReLU + 2x2 max-pool block per entry: 28 -> 14 -> 7 -> 3 pixels.
    channels: tuple[int, ...] = (16, 32, 64)
    hidden: int = 128
    dropout: float = 0.3
    n_classes: int = 10


def _conv_block(n_in: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(n_in, n_out, 3, padding=1), nn.BatchNorm2d(n_out), nn.ReLU(),
        nn.MaxPool2d(2),
    )


class Classifier(Model):
    kind = "classifier"

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        widths = (1, *config.channels)
        side = 28 // 2 ** len(config.channels)
        self.net = nn.Sequential(
            *(_conv_block(n_in, n_out) for n_in, n_out in zip(widths, widths[1:])), nn.Flatten(),
            nn.Dropout(config.dropout), nn.Linear(widths[-1] * side * side, config.hidden), nn.ReLU(),
            nn.Dropout(config.dropout), nn.Linear(config.hidden, config.n_classes),
        )

    @property
    def latent_dim(self) -> int:
        return self.config.n_classes

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        logits = self.net(x)
        loss = nn.functional.cross_entropy(logits, y)
        return {"loss": loss, "accuracy": (logits.argmax(1) == y).float().mean()}

    @public
    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self.to_device(check_images(x)))

    @public
    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last hidden layer's activations [N, hidden]: the feature space sample-quality measures compare
        real and generated images in (as FID uses Inception's)."""
        return self.net[:-1](self.to_device(check_images(x)))

    @public
    def predict_proba(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities [N, n_classes]."""
        return torch.softmax(self.net(self.to_device(check_images(x))), dim=1)
