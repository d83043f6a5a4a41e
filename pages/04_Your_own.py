"""Your own image: draw or upload one and see where every model puts it."""

from explorer.ui import own

own.view()
