"""← / → keys that step through a sequence (the Lesson's steps). A live component only: with the sidebar's "Live
widgets" off the page's own Previous / Next buttons are the way to step, so there is nothing to fall back to."""

from __future__ import annotations

from typing import Callable

from explorer.ui.shell import sidebar
from explorer.ui.widgets import live


def listen(key: str, on_step: Callable[[], None]) -> None:
    """Listen for the arrow keys on this page; a press calls ``on_step`` (the step is :func:`live.key_step`)."""
    if sidebar.live_enabled():
        live.keys(key, on_step=on_step)
