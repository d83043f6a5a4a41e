"""The InfoGAN page's controls and figures: callbacks for its buttons, the trained-range bar and note, and the
traversal mosaics."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.live import snap_code
from explorer.ui.infogan import gan
from explorer.ui.kit import text
from explorer.ui.shell import cache
from explorer.ui.shell import categories
from explorer.ui.kit import figures

TRAVERSAL_TOP_MARGIN = 26      # room for the "trained range" label above a traversal mosaic


def bump(key: str) -> None:
    """Callback: add one to an integer widget (a "new noise" button)."""
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1


def randomise(key: str, n: int) -> None:
    """Callback: a random integer in [0, n) for an index widget."""
    st.session_state[key] = int(np.random.default_rng().integers(n))


def codes_to_controls(c1: int, c2: float, c3: float) -> None:
    """Callback: put read-back codes on the InfoGAN controls (clipped to the sliders, on their 0.05 steps)."""
    st.session_state[gan.C1_KEY] = c1
    for key, value in ((gan.CODE_KEYS["c2"], c2), (gan.CODE_KEYS["c3"], c3)):
        st.session_state[key] = snap_code(value)


@st.cache_resource(show_spinner=False, max_entries=32)
def traversal_figure(name: str, code: str, seed: int, values: np.ndarray):
    """A traversal mosaic with rows labelled by matched class, columns by code value, and the columns outside the
    trained range shaded."""
    pixels = gan.traversal(name, code, seed, len(values))
    rows = categories.categories_by_class(name)
    step = 29
    fig = figures.image_figure(pixels, x_ticks=([i * step + 14 for i in range(len(values))],
                                                [f"{v:+.1f}" for v in values]),
                               y_ticks=([i * step + 14 for i in range(len(rows))],
                                        [categories.category_label(name, c) for c in rows]),
                               height=460, x_title=code)
    lo, hi = cache.model(name).trained_range
    inside = [i for i, v in enumerate(values) if lo - 1e-9 <= v <= hi + 1e-9]
    for i, v in enumerate(values):
        if i not in inside:
            fig.add_shape(type="rect", x0=i * step - 0.5, x1=i * step + 28.5, y0=0, y1=pixels.shape[0],
                          fillcolor="rgba(255,255,255,0.28)", line_width=0, layer="above")
    if inside:
        x0, x1 = inside[0] * step - 0.5, inside[-1] * step + 28.5
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=-0.5, y1=pixels.shape[0] + 0.5,
                      line=dict(color="#1f77b4", width=2, dash="dot"), layer="above")
        # above the mosaic, in the top margin: a label inside the outline would cover the first row of images
        fig.add_annotation(x=(x0 + x1) / 2, y=0, yanchor="bottom", text=f"trained range {text.span(lo, hi)}", showarrow=False,
                           font=dict(size=11, color="#1f77b4"))
        fig.update_layout(margin=dict(t=TRAVERSAL_TOP_MARGIN))
    fig.update_yaxes(constraintoward="top")     # a narrow column leaves room below the mosaic, not above it
    return figures.frozen(fig)
