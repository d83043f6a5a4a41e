"""A 2-D latent pad (the Latent grid page), in one of two modes, chosen here:

- live: the decoder runs in the browser over the page's surfaces (the grid and the map), so the image follows the
  pointer; a release reports z (``on_change``), once per gesture;
- fallback (the sidebar's "Live widgets" off): the server decodes the sliders' z and draws its own panels.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.widgets import live

HINT = ("**Drag or hover over the grid or the map**: the decoder runs in your browser and draws the image under the "
        "pointer; releasing the mouse keeps that point.")


def decoders(*names: str) -> None:
    """Send the pad's decoder to the browser once per page run (live only): a release reruns only the pad's part."""
    if sidebar.live_enabled():
        live.decoders(*names)


def show(key: str, decoder: str, z: tuple[float, float], bound: float, *, surfaces: Callable[[], list[dict]],
         on_change: Callable[[], None], size: int, fallback: Callable[[float, float], None]) -> None:
    """The pad at ``z``: live over ``surfaces()`` (see :func:`explorer.ui.widgets.live.surface`), or ``fallback(z1,
    z2)`` draws the server's decode and markers."""
    if sidebar.live_enabled():
        st.caption(HINT)
        live.pad(key, decoder, surfaces(), z, bound, size=size, on_change=on_change)
    else:
        fallback(*z)
