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
    figures.trained_range_columns(fig, values, cache.model(name).trained_range, step, pixels.shape[0],
                                  text.span(*cache.model(name).trained_range))
    fig.update_layout(margin=dict(t=TRAVERSAL_TOP_MARGIN))
    fig.update_yaxes(constraintoward="top")     # a narrow column leaves room below the mosaic, not above it
    return figures.frozen(fig)
