"""The Your own page: a drawn or uploaded image read by every model."""

from explorer.ui.own.views import view

__all__ = ["view"]
