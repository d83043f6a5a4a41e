"""The Latent grid page: the decoded manifold of the 2-D models."""

from explorer.ui.latent_grid.page import view

__all__ = ["view"]
