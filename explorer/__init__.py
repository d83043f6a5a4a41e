"""Latent Space Explorer: trained AE / VAE / β-VAE / denoising AE / InfoGAN models of MNIST and Fashion-MNIST, and
what the app shows.

The public API (pages, tests and benchmarks go through it)::

    explorer.list_models() -> list[str]
    explorer.load_dataset(name, split) -> (images uint8 [N,28,28], labels int64 [N])
    explorer.load_model(name) -> model with kind, dataset, latent_dim, encode/decode/...
                                  (a "dae" model: denoise(x) -> x, same shape)
"""

from .checkpoints import CheckpointError, best_device, list_models, load_model, read_metrics
from .data import DATASETS, DatasetNotFoundError, load_dataset

__all__ = ["list_models", "load_model", "load_dataset", "read_metrics", "best_device", "CheckpointError",
           "DatasetNotFoundError", "DATASETS"]
