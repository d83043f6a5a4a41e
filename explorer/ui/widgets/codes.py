"""InfoGAN's continuous codes c2 and c3 beside the image they draw, in one of two modes, chosen here:

- live: :func:`explorer.ui.widgets.live.codes`, sliders whose frames the server rendered in one batch, so the image
  follows the thumb; a release reports the codes (``on_live_change``);
- fallback (the sidebar's "Live widgets" off): Streamlit's sliders under the trained-range bar, and the image drawn by
  the server for the released values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import streamlit as st

from explorer import live as live_core
from explorer.ui.kit import text
from explorer.ui.kit.panels import image_panel
from explorer.ui.shell import sidebar
from explorer.ui.widgets import live

SLIDER = live_core.CODE_RANGE      # the c2 / c3 controls


@dataclass(frozen=True)
class Codes:
    """What the controls show: the model, its category and noise, the codes' labels and state keys, and the range
    the model was trained on (from the model)."""

    name: str
    c1: int
    seed: int
    labels: dict[str, str]                # {"c2": "c2 (rotation)", "c3": ...}
    keys: dict[str, str]                  # session-state keys of c2 and c3 (the fallback sliders' keys)
    trained: tuple[float, float]
    caption: str                          # the image's caption (category and seed)


def show(codes: Codes, live_key: str, on_live_change: Callable[[], None], switch: dict | None,
         generate: Callable[[float, float], np.ndarray], note: str = "") -> None:
    """The c2 / c3 controls and the image; ``generate(c2, c3)`` draws it on the server (fallback mode)."""
    if sidebar.live_enabled():
        c2, c3 = current(codes.keys)
        live.codes(live_key, codes.name, codes.c1, c2, c3, codes.seed, codes.labels, codes.caption, codes.trained,
                   on_change=on_live_change, switch=switch)
        if note:
            st.caption(note)
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        for key in codes.keys.values():  # state, not a default: the live sliders and read-back set these keys
            st.session_state.setdefault(key, 0.0)
        c2 = st.slider(codes.labels["c2"], *SLIDER, step=0.05, key=codes.keys["c2"], format="%.2f")
        trained_range_bar(codes.trained)
        c3 = st.slider(codes.labels["c3"], *SLIDER, step=0.05, key=codes.keys["c3"], format="%.2f")
        trained_range_bar(codes.trained)
        st.caption(range_note(codes.trained, c2, c3))
    with right:
        image_panel(generate(float(c2), float(c3)), f"{codes.caption} · c2 {c2:+.2f} · c3 {c3:+.2f}", 280)
        if note:
            st.caption(note)


def current(keys: dict[str, str]) -> tuple[float, float]:
    """(c2, c3) on the controls: the values the live sliders or Streamlit's sliders last reported."""
    return tuple(live_core.snap_code(st.session_state.get(key, 0.0)) for key in keys.values())


def trained_range_bar(trained: tuple[float, float]) -> None:
    """A thin bar under a slider over SLIDER marking the model's trained range (the middle half of −2…2)."""
    lo, hi = SLIDER
    left, width = (trained[0] - lo) / (hi - lo), (trained[1] - trained[0]) / (hi - lo)
    st.html('<div style="position:relative;height:5px;margin:-6px 8px 6px 8px;background:#eee;border-radius:3px">'
            f'<div style="position:absolute;left:{left:.0%};width:{width:.0%};height:5px;background:#7fb3e6;'
            'border-radius:3px"></div></div><div style="font-size:11px;color:#888;text-align:center;'
            f'margin:-4px 0 4px">trained range {text.span(*trained)}</div>')


def range_note(trained: tuple[float, float], *values: float) -> str:
    if any(not trained[0] <= v <= trained[1] for v in values):
        return f"⚠️ Outside the trained range {text.span(*trained)}: the generator extrapolates."
    return f"Inside the trained range {text.span(*trained)}."
