"""Home's model list and the Models page: every checkpoint's card."""

from explorer.ui.models.home import view as home
from explorer.ui.models.page import view

__all__ = ["home", "view"]
