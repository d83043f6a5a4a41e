"""The Train it yourself page: a small AE or VAE trained live while the class watches its map form."""

from explorer.ui.train_live.page import view

__all__ = ["view"]
