"""Charts the pointer decodes over (the Latent map, the Gaps planes, the Lesson's planes, Your own's maps), in one of
two modes, chosen here and nowhere else:

- live: the browser decodes under the pointer and draws the pins, and a click goes to Python through the hover
  component; the server sends each figure, decoder and link grid once per page run, and a click reruns only the part
  that shows the pinned place;
- fallback (the sidebar's "Live widgets" off): Streamlit's own click-to-select reruns the page, and the server draws
  the marker on the figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

import streamlit as st

from explorer.ui.kit.figures import with_marker
from explorer.ui.shell import sidebar
from explorer.ui.widgets import live

T = TypeVar("T")


@dataclass(frozen=True)
class PointerCharts:
    live: bool

    def when_live(self, make: Callable[[], T]) -> T | None:
        """What only the live mode needs (a decoder spec, link grids), or None."""
        return make() if self.live else None

    def drawn_by_server(self, value: T) -> T | None:
        """What the server itself draws on the charts (a marker, rings): ``value`` in the fallback mode, None when
        the browser draws it."""
        return None if self.live else value

    def say(self, live_text: str, fallback_text: str) -> str:
        """The instruction for the mode in use ("hover…" or "click…")."""
        return live_text if self.live else fallback_text

    def figure(self, fig, pinned, label: str | None = None):
        """The figure to show: as it is when live (the browser draws the pin, so a click does not re-send it), else
        a copy with the pinned place marked."""
        if self.live or pinned is None:
            return fig
        return with_marker(fig, tuple(pinned)) if label is None else with_marker(fig, tuple(pinned), label)

    def on_select(self) -> str:
        """A chart's ``on_select`` for point clicks: the live hover takes the clicks itself."""
        return "ignore" if self.live else "rerun"

    def selection_modes(self) -> tuple[str, ...]:
        """A map's selection modes: box and lasso stay Plotly's; a point click is the hover's when live."""
        return ("box", "lasso") if self.live else ("points", "box", "lasso")

    def decoders(self, *names: str) -> None:
        """Send these decoders to the browser once per page run (live only)."""
        if self.live:
            live.decoders(*names)

    def clicked_part(self, render: Callable[..., None]) -> Callable[..., None]:
        """The part of the page a click changes: a fragment when live (a click reruns only it), else the function."""
        return st.fragment(render) if self.live else render

    def hover(self, key: str, charts: list[tuple], decoders: list[str], titles: list[str], **options) -> None:
        """The hover card and pins over ``charts`` (see :func:`explorer.ui.widgets.live.hover`); live only."""
        if self.live:
            live.hover(key, charts, decoders, titles, **options)


def charts() -> PointerCharts:
    """The mode of this session's pointer charts."""
    return PointerCharts(sidebar.live_enabled())
