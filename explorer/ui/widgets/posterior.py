"""The VAE's diagram with ε and the σ-scale as controls, in one of two modes, chosen here:

- live: :func:`explorer.ui.widgets.live.posterior`, whose browser side moves z, the samples of q(z|x) and their
  decodes while a thumb moves (no Python during a drag); a release reports ε and the σ-scale, which land in the
  page's state keys;
- fallback (the sidebar's "Live widgets" off): Streamlit's sliders and a "Resample ε" button beside the diagram the
  server drew for the released values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.widgets import live

EPS = {"lo": -3.0, "hi": 3.0, "step": 0.01}
SCALE = {"lo": 0.0, "hi": 10.0, "step": 0.1}
RANGES = {"eps": EPS, "scale": SCALE}


@dataclass(frozen=True)
class Keys:
    """The session-state keys of ε1, ε2 and the σ-scale (the fallback sliders' keys), and the live widget's."""

    eps1: str
    eps2: str
    scale: str
    live: str


def snap(value: float, r: dict) -> float:
    """A value clipped to a control's range and rounded to its step."""
    return round(float(np.clip(round(float(value) / r["step"]) * r["step"], r["lo"], r["hi"])), 3)


def current(keys: Keys) -> tuple[tuple[float, float], float]:
    """(ε, σ-scale) on the controls."""
    return ((snap(st.session_state.get(keys.eps1, 0.0), EPS), snap(st.session_state.get(keys.eps2, 0.0), EPS)),
            snap(st.session_state.get(keys.scale, 1.0), SCALE))


def resample(keys: Keys, rng: np.random.Generator | None = None) -> None:
    """A new ε ~ N(0, I) (clipped to the controls' range) into the state keys."""
    e = (rng or np.random.default_rng()).standard_normal(2)
    st.session_state[keys.eps1], st.session_state[keys.eps2] = snap(e[0], EPS), snap(e[1], EPS)


def _take(keys: Keys) -> None:
    reported = live.posterior_view(keys.live, RANGES)
    if reported is not None:
        (e1, e2), scale = reported
        st.session_state[keys.eps1], st.session_state[keys.eps2] = snap(e1, EPS), snap(e2, EPS)
        st.session_state[keys.scale] = snap(scale, SCALE)


def show(keys: Keys, decoder: str, html: Callable[[bool, tuple[float, float], float], str], mu, sigma,
         draws: np.ndarray, decodes: int, planes: tuple[dict, dict]) -> None:
    """The diagram: ``html(controls, eps, scale)`` draws it (with the server's decodes for that ε and σ-scale;
    ``controls``: with the live widget's slot for its controls)."""
    for key, default in ((keys.eps1, 0.0), (keys.eps2, 0.0), (keys.scale, 1.0)):
        st.session_state.setdefault(key, default)
    eps, scale = current(keys)
    if sidebar.live_enabled():
        live.decoders(decoder)
        live.posterior(keys.live, decoder, html(True, eps, scale), mu, sigma, eps, scale, draws, decodes, planes,
                       RANGES, on_change=lambda: _take(keys))
        return
    diagram = st.container()
    cols = st.columns([2, 2, 2, 1.2], vertical_alignment="bottom")
    cols[0].slider("ε1", EPS["lo"], EPS["hi"], step=EPS["step"], key=keys.eps1, format="%.2f")
    cols[1].slider("ε2", EPS["lo"], EPS["hi"], step=EPS["step"], key=keys.eps2, format="%.2f")
    cols[2].slider("σ-scale (0: μ only, 1: trained)", SCALE["lo"], SCALE["hi"], step=SCALE["step"], key=keys.scale,
                   format="%.1f")
    cols[3].button("Resample ε", on_click=resample, args=(keys,), icon=":material/casino:")
    with diagram:
        st.html(html(False, *current(keys)))
