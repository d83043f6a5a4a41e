"""What the teaching pages (not the Lesson, which warms its own stills) compute before a first visitor asks: called
by :mod:`explorer.ui.warm` in a background thread when the server starts; every session then shares the results."""

from __future__ import annotations

from explorer import quality

from explorer.ui.shell import projections
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching.views import REPLAY_WIDTH


def warm_up(ds: str) -> None:
    """One dataset's slow parts, each with the arguments its page uses by default: the Training replay's maps (a
    few seconds of Matplotlib per dataset), the Gaps planes' decode-quality maps and their links, the prior samples
    and the maps of Sampling and paths and VAE posterior; the replay on the final map's axes (its toggle) last."""
    lesson_data.replay_book(ds, False, REPLAY_WIDTH).payload        # the page's default: each epoch on its own axes
    models = lesson_data.pair(ds)
    for b in models.values():
        lesson_data.quality_map(b)
        lesson_data.gap_numbers(b)
        lesson_data.quality_figure(b, "confidence", True)
        lesson_data.prior_fraction(b, quality.PRIOR_SEED)
        for height in (420, 460):
            projections.encodings_figure(b.name, height)
    for kind in lesson_data.KINDS:
        lesson_data.link(ds, kind)
    lesson_data.replay_book(ds, True, REPLAY_WIDTH).payload
