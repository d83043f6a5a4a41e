"""Lesson mode: narrated steps a teacher walks a class through. Each step names a view and the widget values
that set it up; its button puts them in place (a callback, before the widgets render) and shows the view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import streamlit as st

from explorer import teaching

from . import cache, lesson_data, lesson_views

STEP_KEY = "lesson_step"
SHOWN_KEY = "lesson_shown"
# The two classes the lesson walks between, per dataset: far apart on both maps, with a gap between them in the AE.
PAIRS = {"mnist": (1, 7), "fashion": (1, 8)}
VIEWS = {"gaps": lesson_views.gaps_view, "prior": lesson_views.prior_view,
         "interpolation": lesson_views.interpolation_view, "posterior": lesson_views.posterior_view,
         "replay": lesson_views.replay_view}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    view: str
    text: str                                   # markdown; {a}, {b} name the lesson's two classes
    action: str                                 # the button's label
    settings: Callable[[str], dict]             # dataset -> {widget key: value}


def _point(ds: str, kind: str, where: str) -> dict:
    """Widget values that decode a position: in the gap between the lesson's classes, or at the first one's
    centre, on the map of ``kind``."""
    name = lesson_data.model_name(ds, kind)
    _, labels = cache.dataset(ds, "test")
    a, b = PAIRS[ds]
    if where == "gap":
        z = teaching.gap_between(lesson_data.quality_map(name), cache.encodings(name), labels, a, b)
    else:
        z = teaching.class_centre(cache.encodings(name), labels, a)
    return {"gaps_z1": round(float(z[0]), 2), "gaps_z2": round(float(z[1]), 2)}


def _gaps(ds: str, metric: str, kind: str, where: str) -> dict:
    return {"gaps_metric": metric, "gaps_density": True, **_point(ds, kind, where)}


STEPS = (
    Step("maps", "Two maps of the same images", "gaps",
         "Both models squeeze each {dataset} test image into **just two numbers**, so every image is a dot on a "
         "plane. Left: a plain autoencoder. Right: a variational autoencoder (VAE). The colours are the classes.\n\n"
         "The background tells what the decoder draws **at every position**: white where it draws something a "
         "classifier recognises and that looks like real data, red where it does not.",
         "Show both maps, decoding the middle of the {a}s", lambda ds: _gaps(ds, "confidence", "ae", "centre")),
    Step("ae-gap", "A gap in the autoencoder", "gaps",
         "Now **click in the empty region between the {a}s and the {b}s** on the left map (the button does it "
         "for you). No test image was encoded there, and nothing forced the decoder to draw anything sensible "
         "there: look at the decoded image under the map and its score.",
         "Decode the gap between the {a}s and the {b}s (autoencoder)", lambda ds: _gaps(ds, "confidence", "ae", "gap")),
    Step("vae-gap", "The same place in the VAE", "gaps",
         "Do the same on the right map: **between the VAE's {a}s and {b}s**. The VAE's decoder was trained on "
         "*noisy* positions around every encoding, so the space between classes decodes to an in-between image "
         "rather than to noise.",
         "Decode between the {a}s and the {b}s (VAE)", lambda ds: _gaps(ds, "confidence", "vae", "gap")),
    Step("measure", "Measure it", "gaps",
         "Switch the colouring to **data-like (both tests)** and read the numbers above each map: how much of the "
         "plane decodes to something data-like, and how much of it is far from every encoding. Ask the class: "
         "which map would you rather pick a random point from?",
         "Colour the plane by the data-like test", lambda ds: {"gaps_metric": "data_like", "gaps_density": False}),
    Step("prior", "Sampling from the prior", "prior",
         "To **generate** new images we need a rule for picking positions. The VAE comes with one: draw z from a "
         "standard normal N(0, I). Decode the same random z with both models and count the green frames.",
         "Draw 32 samples from N(0, I)", lambda ds: {"prior_seed": 0, "prior_count": 32}),
    Step("paths", "Walking from a {a} to a {b}", "interpolation",
         "Encode one {a} and one {b} and walk between them. The autoencoder's straight path crosses empty space; "
         "the VAE's path keeps decoding plausible images (the spherical path even keeps to the prior's typical "
         "radius). The plot shows the scores along each path.",
         "Interpolate from a {a} to a {b}",
         lambda ds: {"interp_class_a": PAIRS[ds][0], "interp_pick_a": 0, "interp_class_b": PAIRS[ds][1],
                     "interp_pick_b": 0, "interp_steps": 11}),
    Step("posterior", "Why: the VAE's encoder is unsure on purpose", "posterior",
         "The VAE's encoder returns a **cloud** (mean and σ) for each image, not a point, and is penalised for "
         "straying from N(0, I). The clouds of neighbouring images overlap and fill the plane: that is why it "
         "has no gaps.",
         "Show the posterior clouds of {a}s and {b}s", lambda ds: {"post_classes": list(PAIRS[ds]), "post_count": 8}),
    Step("replay", "Watch the maps form", "replay",
         "Finally, replay training. Both maps start as a tiny blob (epoch 0). Drag the slider: the autoencoder "
         "spreads its classes out wherever it likes, with empty space between them; the VAE stays packed around "
         "the origin.",
         "Replay training from the start", lambda ds: {"replay_epoch": 0, "replay_fixed_axes": False}),
)


def step_by_key(key: str) -> Step:
    return next(s for s in STEPS if s.key == key)


def fill(text: str, ds: str) -> str:
    classes = lesson_data.class_names(ds)
    a, b = PAIRS[ds]
    from explorer import DATASETS

    return text.format(a=classes[a], b=classes[b], dataset=DATASETS[ds].title)


def apply(ds: str, key: str) -> None:
    """Button callback: set the step's widgets and show its view."""
    lesson_views.init_state(ds)
    for widget, value in step_by_key(key).settings(ds).items():
        st.session_state[widget] = value
    st.session_state[SHOWN_KEY] = key


def _move(delta: int) -> None:
    st.session_state[STEP_KEY] = int(np.clip(st.session_state.get(STEP_KEY, 0) + delta, 0, len(STEPS) - 1))


def lesson(ds: str) -> None:
    """The Lesson page: pick a step, read it out, press its button, explore the view it sets up."""
    st.session_state.setdefault(STEP_KEY, 0)
    nav = st.columns([6, 1, 1], vertical_alignment="bottom")
    index = nav[0].selectbox("Step", range(len(STEPS)), key=STEP_KEY,
                             format_func=lambda i: f"{i + 1}. {fill(STEPS[i].title, ds)}")
    nav[1].button("◀ Previous", key="lesson_previous", on_click=_move, args=(-1,), disabled=index == 0,
                  width="stretch")
    nav[2].button("Next ▶", key="lesson_next", on_click=_move, args=(1,), disabled=index == len(STEPS) - 1,
                  width="stretch")
    step = STEPS[index]
    st.header(f"Step {index + 1} of {len(STEPS)}: {fill(step.title, ds)}")
    st.markdown(fill(step.text, ds))
    st.button(f"▶ {fill(step.action, ds)}", key=f"lesson_apply_{step.key}", type="primary", on_click=apply,
              args=(ds, step.key))
    if st.session_state.get(SHOWN_KEY) == step.key:
        st.divider()
        VIEWS[step.view](ds)
