"""A flipbook: one slider over a few stops, each stop with its own images, numbers and marked point on a curve, all
rendered on the server once. With the live widgets the browser swaps the stops while the thumb moves (no rerun
until release); without them a ``st.select_slider`` picks the stop and Streamlit shows it."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer.ui.kit import values
from explorer.ui.kit.images import png_data_uri
from explorer.ui.shell import sidebar, url
from explorer.ui.widgets import live


@dataclass(frozen=True, eq=False)
class ImagePanel:
    title: str
    frames: np.ndarray            # uint8 [stops, H, W] or [stops, H, W, 3]; one frame for every stop
    width: int                    # shown width in CSS pixels (pixels stay crisp)
    captions: tuple[str, ...] | None = None   # a caption per stop instead of the title


@dataclass(frozen=True, eq=False)
class CurvePanel:
    title: str
    points: tuple                 # (x, y) per stop, or None where a stop is not on the curve
    x_label: str
    y_label: str
    point_labels: tuple[str, ...] | None = None
    width: int = 320
    height: int = 230


@dataclass(frozen=True, eq=False)
class Book:
    label: str                    # the slider's visible (and accessible) name
    stops: tuple[str, ...]        # each stop's label
    panels: tuple
    facts: tuple = ()             # per stop: ((name, value), ...)
    notes: tuple = ()             # per stop: a sentence under the slider
    help: str = field(default="")
    facts_below: bool = False     # the numbers under the images (a narrow column) instead of beside the slider
    play_ms: int = 0              # > 0: a Play button steps through the stops, one every play_ms milliseconds

    def __post_init__(self):
        for panel in self.panels:
            n = len(panel.frames) if isinstance(panel, ImagePanel) else len(panel.points)
            if n != len(self.stops):
                raise ValueError(f"panel {panel.title!r} has {n} stops; the book has {len(self.stops)}")

    @functools.cached_property
    def payload(self) -> dict:
        """What the browser draws from: PNG data URIs (lossless) and plain lists."""
        panels = []
        for p in self.panels:
            if isinstance(p, ImagePanel):
                h, w = p.frames.shape[1:3]
                panels.append({"kind": "image", "title": p.title, "width": p.width, "native": [int(w), int(h)],
                               "frames": [png_data_uri(f) for f in p.frames],
                               "captions": list(p.captions) if p.captions else None})
            else:
                panels.append({"kind": "curve", "title": p.title, "width": p.width, "height": p.height,
                               "x_label": p.x_label, "y_label": p.y_label,
                               "points": [None if q is None else [float(q[0]), float(q[1])] for q in p.points],
                               "point_labels": list(p.point_labels) if p.point_labels else None})
        body = {"label": self.label, "stops": list(self.stops), "panels": panels,
                "facts": [[list(f) for f in stop] for stop in self.facts], "notes": list(self.notes),
                "facts_below": self.facts_below, "play_ms": self.play_ms}
        body["signature"] = hashlib.md5(json.dumps(body, sort_keys=True).encode()).hexdigest()
        return body


def stop_index(value, count: int) -> int | None:
    """A stop index reported by the browser, or None when it is not a whole number in range."""
    return values.whole_number(value, 0, count - 1)


def take_stop(key: str, at: str, count: int):
    """A callback for the live flipbook ``key``: its released stop becomes ``st.session_state[at]`` (a stop that is
    not a whole number below ``count`` is dropped with a toast)."""
    def released() -> None:
        index = stop_index(values.reported(key, "index"), count)
        if index is None:
            values.ignored("a slider event with no valid stop")
        else:
            st.session_state[at] = index
    return released


def _stop_in_url(at: str, count: int, default: int) -> url.Value:
    """The stop as the page URL's ``<key>_at`` (a whole number in range; anything else is ignored)."""
    def parse(text: str) -> int:
        if not text.isdigit() or int(text) >= count:
            raise ValueError(text)
        return int(text)

    return url.Value(at, parse, str, default, f"a whole number from 0 to {count - 1}")


def show(key: str, book: Book, default: int = 0) -> int:
    """The book at its current stop (kept in ``st.session_state[key + "_at"]`` and in the page URL); returns that
    stop's index."""
    at = f"{key}_at"
    in_url = _stop_in_url(at, len(book.stops), default)
    url.read(in_url)
    if stop_index(st.session_state.get(at), len(book.stops)) is None:
        st.session_state[at] = default
    if sidebar.live_enabled():
        live.flipbook(key, book.payload, st.session_state[at], on_change=take_stop(key, at, len(book.stops)))
    else:
        _static(key, book, at)
    url.write(in_url)
    return st.session_state[at]


def _static(key: str, book: Book, at: str) -> None:
    widget = f"{key}_static"
    st.session_state[widget] = st.session_state[at]

    def moved():
        st.session_state[at] = st.session_state[widget]

    index = st.select_slider(book.label, options=range(len(book.stops)), key=widget, on_change=moved,
                             format_func=lambda i: book.stops[i], help=book.help or None)
    if book.notes:
        st.caption(book.notes[index])
    columns = st.columns(len(book.panels) + (1 if book.facts else 0))
    for panel, col in zip(book.panels, columns):
        with col:
            if isinstance(panel, ImagePanel):
                caption = panel.captions[index] if panel.captions else panel.title
                col.image(panel.frames[index], width=panel.width, caption=caption, output_format="PNG")
            else:
                col.plotly_chart(curve_figure(panel, index), key=f"{key}_curve", config={"displayModeBar": False})
    if book.facts:
        columns[-1].markdown("\n".join(f"- {name}: **{value}**" for name, value in book.facts[index]))


def curve_figure(panel: CurvePanel, index: int) -> go.Figure:
    on = [(i, q) for i, q in enumerate(panel.points) if q is not None]
    fig = go.Figure(go.Scatter(x=[q[0] for _, q in on], y=[q[1] for _, q in on], mode="lines+markers+text",
                               text=[panel.point_labels[i] for i, _ in on] if panel.point_labels else None,
                               textposition="top right", marker=dict(size=8), line=dict(color="#7fb3e6")))
    if panel.points[index] is not None:
        fig.add_trace(go.Scatter(x=[panel.points[index][0]], y=[panel.points[index][1]], mode="markers",
                                 marker=dict(size=16, color="#ff2b2b")))
    fig.update_layout(height=panel.height, width=panel.width, showlegend=False, margin=dict(l=50, r=10, t=10, b=40),
                      xaxis_title=panel.x_label, yaxis_title=panel.y_label)
    return fig
