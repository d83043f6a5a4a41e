"""Lesson mode: narrated steps a teacher walks a class through. Each step names a view and the widget values
that set it up. Arriving at a step (Next, Previous, the step list, a first visit, another dataset) puts them in
place before the widgets render and shows the view at once; its button sets them up again after exploring."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Callable

import numpy as np
import streamlit as st

import explorer
from explorer import quality, teaching

from . import cache, family_data, family_views, lesson_data, lesson_views

STEP_KEY = "lesson_step"
SHOWN_KEY = "lesson_shown"                      # (dataset, step key) whose settings are in place
# The two classes the lesson walks between, per dataset: far apart on both maps, with a gap between them in the AE.
PAIRS = {"mnist": (1, 7), "fashion": (1, 8)}
VIEWS = {"gaps": lesson_views.gaps_view, "prior": lesson_views.prior_view,
         "interpolation": lesson_views.interpolation_view, "posterior": lesson_views.posterior_view,
         "replay": lesson_views.replay_view, "beta": family_views.beta_view}


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
         "plane. Left: a plain autoencoder. Right: a variational autoencoder (VAE). Colours and labels are the "
         "classes.\n\n"
         "The background colours **every position** by what the decoder draws there: white where the dataset's "
         "classifier is sure of it and it is as close to a real image as real images are to each other, red "
         "where not. Beyond the dashed line no test image was encoded nearby.",
         "Show both maps, decoding the middle of the {a}s", lambda ds: _gaps(ds, "confidence", "ae", "centre")),
    Step("ae-gap", "A gap in the autoencoder", "gaps",
         "Now **click in the empty region between the {a}s and the {b}s** on the left map (the button does it "
         "for you). No test image was encoded there, and nothing in the autoencoder's training asked its decoder "
         "to draw anything in particular there. Look at the decoded image under the map and its score: a {a}, "
         "a {b}, something in between, or nonsense?",
         "Decode the gap between the {a}s and the {b}s (autoencoder)", lambda ds: _gaps(ds, "confidence", "ae", "gap")),
    Step("vae-gap", "Between the classes in the VAE", "gaps",
         "Do the same on the right map: **between the VAE's {a}s and {b}s**. The VAE's decoder was trained on "
         "*noisy* positions around every encoding, so the space between classes is space it learned to decode. "
         "Compare the two decodes and their scores.",
         "Decode between the {a}s and the {b}s (VAE)", lambda ds: _gaps(ds, "confidence", "vae", "gap")),
    Step("measure", "Measure it", "gaps",
         "Colour the planes by **data-like (both tests)** and read the numbers above each map. Measured here: "
         "**{ae_data_like}** of the autoencoder's plane and **{vae_data_like}** of the VAE's decode to something "
         "data-like; **{ae_far}** and **{vae_far}** of them are far from every encoding.\n\n"
         "Where is the red: in the empty regions beyond the dashes, or along the borders between classes, where "
         "the decoder blends two of them? Ask the class what the numbers say. In two dimensions a plain "
         "autoencoder's decoder is smooth enough "
         "to draw plausible images in much of its empty space: its gaps are gaps *in the encodings*. The trouble "
         "starts when you must choose a position without an image to encode, which is the next step.",
         "Colour the planes by the data-like test", lambda ds: {"gaps_metric": "data_like", "gaps_density": False}),
    Step("prior", "Sampling from the prior", "prior",
         "To **generate** new images we need a rule for picking positions. The VAE comes with one: draw z from "
         "the standard normal N(0, I) it was trained to match. Decode the same random z with both models. "
         "Measured on {samples} samples: **{ae_prior}** (autoencoder) and **{vae_prior}** (VAE) decode to something "
         "data-like, and their classes are **{ae_mix}** and **{vae_mix}** away from the test set's class mix "
         "(0 = the same mix, 1 = nothing in common): look at the bar chart under the samples.",
         "Draw 32 samples from N(0, I)", lambda ds: {"prior_dim": 2, "prior_seed": 0, "prior_count": 32}),
    Step("prior-16d", "Sampling in 16 dimensions", "prior",
         "Two numbers per image is a tight squeeze; real models use more. Switch both models to a **16-D** latent "
         "and sample again. Measured on {samples} samples: **{ae16_prior}** (autoencoder) and **{vae16_prior}** "
         "(VAE) decode to something data-like. In 16 dimensions the autoencoder's encodings fill only a thin, "
         "oddly shaped part of the space, and N(0, I) almost never lands in it: this is why you can sample from "
         "a VAE and not from a plain autoencoder.",
         "Draw 32 samples from N(0, I) with the 16-D models",
         lambda ds: {"prior_dim": 16, "prior_seed": 0, "prior_count": 32}),
    Step("paths", "Walking from a {a} to a {b}", "interpolation",
         "Encode one {a} and one {b} and walk between them: straight lines for both models, and for the VAE "
         "also the arc that keeps to the prior's typical radius. The plot shows both scores along each path: "
         "where does each path leave the data-like zone (above the dashed confidence line, below the dashed "
         "distance line)?",
         "Interpolate from a {a} to a {b}",
         lambda ds: {"interp_class_a": PAIRS[ds][0], "interp_pick_a": 0, "interp_class_b": PAIRS[ds][1],
                     "interp_pick_b": 0, "interp_steps": 11}),
    Step("posterior", "Why: the VAE's encoder is unsure on purpose", "posterior",
         "The VAE's encoder returns a **cloud** (a mean and a σ per dimension) for each image, not a point, and "
         "is penalised for straying from N(0, I). Its decoder is trained on random points of every cloud, so it "
         "learns the space around the encodings, and the prior describes where the encodings are: that is what "
         "lets you sample from it. How big are the clouds (the σ table) next to the distances between classes?",
         "Show the posterior clouds of {a}s and {b}s", lambda ds: {"post_classes": list(PAIRS[ds]), "post_count": 8}),
    Step("beta", "One knob from autoencoder to VAE", "beta",
         "One number links the two models: **β**, the weight of the KL term that pulls every encoding's cloud "
         "towards N(0, I). β = 0 trains a plain autoencoder, β = 1 the VAE; the networks and the images are the "
         "same. **Drag β from 0 to 2** and compare the encodings, the plane's decode quality and the prior "
         "samples. Measured: N(0, I) samples decode to something data-like **{beta_prior_0}** of the time at "
         "β = 0, **{beta_prior_1}** at β = 1 and **{beta_prior_2}** at β = 2; the reconstruction error is "
         "**{beta_recon_0}**, **{beta_recon_1}** and **{beta_recon_2}** nats. Which end would you sample from, "
         "and which would you compress with?",
         "Start β at 0, the plain autoencoder", lambda ds: {"beta_book_at": 0}),
    Step("replay", "Watch the maps form", "replay",
         "Finally, replay training. Both maps start as a small blob (before training). Drag the slider: the "
         "autoencoder spreads its classes out to whatever scale suits it (the span is printed above each map), "
         "while the VAE's stays near the scale of N(0, I).",
         "Replay training from the start", lambda ds: {"replay_epoch": 0, "replay_fixed_axes": False}),
)


def facts(ds: str) -> dict[str, str]:
    """The measured numbers the narration quotes: the published gap numbers (:func:`lesson_data.gap_numbers`)."""
    out = {}
    for kind in lesson_data.KINDS:
        numbers = lesson_data.gap_numbers(lesson_data.model_name(ds, kind))
        out[f"{kind}_data_like"] = f"{numbers['fraction_data_like']:.0%}"
        out[f"{kind}_far"] = f"{numbers['fraction_far']:.0%}"
        out[f"{kind}_prior"] = f"{numbers['prior_data_like']:.0%}"
        out[f"{kind}_mix"] = f"{numbers['prior_class_mix']:.2f}"
        big = lesson_data.model_name(ds, kind, 16)
        shipped = big in explorer.list_models()
        out[f"{kind}16_prior"] = f"{lesson_data.gap_numbers(big)['prior_data_like']:.0%}" if shipped \
            else "(not shipped)"
    return out


def beta_facts(ds: str) -> dict[str, str]:
    """The β step's numbers at β = 0, 1 and 2 (:func:`explorer.ui.family_data.beta_numbers`)."""
    out = {}
    names = dict(family_data.beta_names(ds))
    for beta in (0.0, 1.0, 2.0):
        key = f"{beta:g}"
        if names[beta] in explorer.list_models():
            n = family_data.beta_numbers(names[beta])
            out[f"beta_prior_{key}"], out[f"beta_recon_{key}"] = f"{n['prior_data_like']:.0%}", f"{n['test_recon']:.0f}"
        else:
            out[f"beta_prior_{key}"] = out[f"beta_recon_{key}"] = "(not shipped)"
    return out


def step_by_key(key: str) -> Step:
    return next(s for s in STEPS if s.key == key)


def fill(text: str, ds: str) -> str:
    """A step's text with the lesson's class names, the dataset and (when quoted) the measured numbers."""
    classes = lesson_data.class_names(ds)
    a, b = PAIRS[ds]
    fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    quoted = fields - {"a", "b", "dataset", "samples"}
    numbers = facts(ds) if quoted - {f for f in quoted if f.startswith("beta_")} else {}
    if any(f.startswith("beta_") for f in quoted):
        numbers.update(beta_facts(ds))
    return text.format(a=classes[a], b=classes[b], dataset=explorer.DATASETS[ds].title,
                       samples=f"{quality.PRIOR_SAMPLES:,}", **numbers)


def apply(ds: str, key: str) -> None:
    """Set the step's widgets (before they render: from a callback, or above the view in the script)."""
    lesson_views.init_state(ds)
    for widget, value in step_by_key(key).settings(ds).items():
        st.session_state[widget] = value
    st.session_state[SHOWN_KEY] = (ds, key)


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
    if st.session_state.get(SHOWN_KEY) != (ds, step.key):
        apply(ds, step.key)
    st.header(f"Step {index + 1} of {len(STEPS)}: {fill(step.title, ds)}")
    st.markdown(fill(step.text, ds))
    st.button(f"↺ {fill(step.action, ds)}", key=f"lesson_apply_{step.key}", on_click=apply, args=(ds, step.key),
              help="Arriving at a step sets its view up; this sets it up again after you have explored.")
    st.divider()
    VIEWS[step.view](ds)
