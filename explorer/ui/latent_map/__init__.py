"""The Latent map page: encodings as dots, click to decode, box/lasso galleries."""

from explorer.ui.latent_map.page import view

__all__ = ["view"]
