"""The InfoGAN codes page: c1, c2, c3, traversals, read-back, categories and classes."""

from explorer.ui.infogan.page import view

__all__ = ["view"]
