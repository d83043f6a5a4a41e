"""What the family pages (From AE to VAE, Denoise, VAE vs GAN) compute before a first visitor asks: called by
:mod:`explorer.ui.warm` when the server starts, with each page's default arguments."""

from __future__ import annotations

import explorer
from explorer import noise
from explorer.names import model_name

from explorer.ui.shell import cache
from explorer.ui.teaching.family import data as family_data
from explorer.ui.teaching.family.views import BETA_WIDTH


def warm_up(ds: str) -> None:
    """The β flipbook (every shipped model along β), the Denoise page's first test image at every noise amount, and
    both generators' scored sample grids."""
    shipped = set(explorer.list_models())
    available = tuple((b, n) for b, n in family_data.beta_names(ds) if n in shipped)
    family_data.beta_book(ds, available, BETA_WIDTH).payload
    images, _ = cache.dataset(ds, "test")
    family_data.denoise_book(ds, images[0].tobytes(), noise.KINDS[0], 0).payload
    for name in (model_name(ds, "vae", 16), model_name(ds, "infogan")):
        if name in shipped and family_data.sample_record(name) is not None:
            family_data.samples_book(name).payload
    family_data.real_grid(ds)
