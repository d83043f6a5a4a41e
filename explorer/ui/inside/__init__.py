"""Inside the models: each model drawn as a diagram with this input's real values, the VAE's loss of one image
term by term, and the prior beside the aggregate of all posteriors."""

from explorer.ui.inside.page import view

__all__ = ["view"]
