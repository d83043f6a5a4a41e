"""Lesson mode: narrated steps a teacher walks a class through, each fitting one 1366 × 768 screen: the narration on
the left, the step's view (:mod:`explorer.ui.teaching.lesson.stage`) on the right, ◀ ▶ (or the ← → keys) between steps.

Every claim a step makes is computed from the shipped models (:func:`claims`): where a dataset does not show the
textbook story, the narration says what it does show. Arriving at a step puts its settings in place; the step and
presenter mode are in the URL (``?step=3&present=1``), so a link opens the same step.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Callable

import numpy as np
import streamlit as st

import explorer
from explorer import quality, teaching

from explorer.ui.shell import cache, sidebar
from explorer.ui.shell.bundle import bundle
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching.family import data as family_data
from explorer.ui.teaching.lesson import stage as lesson_stage
from explorer.ui.teaching.lesson import warm_up
from explorer.ui.widgets import keys, live

KEYS_KEY = "lesson_keys"            # the ← / → listener
URL_READ_KEY = "lesson_url_read"      # session state: the step and presenter flag were taken from the URL
STEP_KEY = "lesson_step"
SHOWN_KEY = "lesson_shown"                      # (dataset, step key) whose settings are in place
PRESENT_KEY = "lesson_present"
# The two classes the lesson walks between, per dataset: far apart on both maps, with an empty region between them
# in the autoencoder's (whatever each model draws there is measured and said, not assumed).
PAIRS = {"mnist": (1, 7), "fashion": (0, 7)}
POSTERIOR_COUNT = 6


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    view: Callable[[str], None]                 # dataset -> the step's view
    text: str                                   # markdown; {a}, {b} name the classes; other fields from claims()
    page: str                                   # where to explore the same view
    settings: Callable[[str], dict] = lambda ds: {}     # dataset -> {session key: value} set on arrival


# --- measured claims --------------------------------------------------------------------------------------------

def _place(ds: str, kind: str, where: str) -> list[float]:
    """``kind``'s own place on its own map: the centre of the lesson's first class, or the emptiest point between
    its two classes (each model's own classes: the planes differ in scale)."""
    model = lesson_data.pair(ds)[kind]
    a, b = PAIRS[ds]
    if where == "gap":
        z = teaching.gap_between(lesson_data.quality_map(model), model.encodings, model.labels, a, b)
    else:
        z = teaching.class_centre(model.encodings, model.labels, a)
    return [round(float(z[0]), 2), round(float(z[1]), 2)]


def pins(ds: str, where: str) -> dict:
    how = {"centre": "Each ring: the middle of its own map's {a}s.",
           "gap": "Each ring: the emptiest place between its own map's {a}s and {b}s."}[where]
    return {**{kind: _place(ds, kind, where) for kind in lesson_data.KINDS}, "how": fill(how, ds)}


def _decode(ds: str, kind: str, where: str) -> dict:
    z = _place(ds, kind, where)
    return lesson_data.decode_point(lesson_data.pair(ds)[kind], z[0], z[1])


def _said(d: dict, classes) -> str:
    what = "something data-like" if d["data_like"] else "something **not** data-like"
    return f"{what} (read as a {classes[d['predicted']]}, {d['confidence']:.0%} sure)"


@st.cache_data(show_spinner="Measuring the lesson's claims…", max_entries=4)
def claims(ds: str) -> dict:
    """Every number and verdict the narration states, from the shipped models (no sentence states one by hand)."""
    classes = lesson_data.class_names(ds)
    out: dict = {"dataset": explorer.DATASETS[ds].title}
    for kind, model in lesson_data.pair(ds).items():
        numbers = lesson_data.gap_numbers(model)
        out[f"{kind}_data_like_value"] = numbers["fraction_data_like"]
        out[f"{kind}_data_like"] = f"{numbers['fraction_data_like']:.0%}"
        out[f"{kind}_far"] = f"{numbers['fraction_far']:.0%}"
        out[f"{kind}_prior_value"] = numbers["prior_data_like"]
        out[f"{kind}_prior"] = f"{numbers['prior_data_like']:.0%}"
        out[f"{kind}_mix"] = f"{numbers['prior_class_mix']:.2f}"
        big = lesson_data.model_name(ds, kind, 16)
        value = lesson_data.gap_numbers(bundle(big))["prior_data_like"] if big in explorer.list_models() \
            else float("nan")
        out[f"{kind}16_prior_value"] = value
        out[f"{kind}16_prior"] = "(not shipped)" if np.isnan(value) else f"{value:.0%}"
        for where in ("centre", "gap"):
            d = _decode(ds, kind, where)
            out[f"{kind}_{where}_data_like"] = bool(d["data_like"])
            out[f"{kind}_{where}_far"] = bool(d["far"])
            out[f"{kind}_{where}"] = _said(d, classes)
    out["gaps_story"] = out["vae_data_like_value"] > out["ae_data_like_value"]
    if out["gaps_story"]:
        out["plane_verdict"] = (f"On {out['dataset']} the VAE's plane decodes to something data-like over more of "
                                "its area, and less of it is far from every encoding: the autoencoder's gaps are real.")
    else:
        out["plane_verdict"] = (f"On {out['dataset']} the autoencoder's decoder draws something data-like over "
                                "**more** of its plane than the VAE's: in two dimensions its gaps are gaps in the "
                                "*encodings*, not in what the decoder draws. Its trouble is choosing where to decode "
                                "without an image to encode: the next steps.")
    out["story"] = ("Here the gaps show on the maps themselves (steps 1–3) and in sampling (steps 4–5)."
                    if out["gaps_story"] else
                    "Here the autoencoder's 2-D decoder draws plausible images almost everywhere, so the clearest "
                    "evidence is sampling (steps 4–5); Fashion-MNIST shows the gaps on the maps themselves.")
    names = dict(family_data.beta_names(ds))
    for beta in (0.0, 1.0, 2.0):
        key = f"{beta:g}"
        if names[beta] in explorer.list_models():
            n = family_data.beta_numbers(names[beta])
            out[f"beta_prior_{key}"], out[f"beta_recon_{key}"] = f"{n['prior_data_like']:.0%}", f"{n['test_recon']:.0f}"
        else:
            out[f"beta_prior_{key}"] = out[f"beta_recon_{key}"] = "(not shipped)"
    a, b = PAIRS[ds]
    index_a, index_b = lesson_data.typical_example(ds, a), lesson_data.typical_example(ds, b)
    walked = lesson_data.paths(ds, index_a, index_b, 11)
    for label, key in (("AE · linear", "ae_path"), ("VAE · linear", "vae_path"), ("VAE · spherical", "vae_arc")):
        out[key] = f"{walked[label]['data_like'].mean():.0%}"
    _, labels = cache.dataset(ds, "test")
    indices = lesson_data.posterior_picks(ds, PAIRS[ds], POSTERIOR_COUNT)
    _, sigma = lesson_data.posterior(ds, indices)
    vae = cache.encodings(lesson_data.model_name(ds, "vae"))
    out["sigma"] = f"{float(sigma.mean()):.2f}"
    apart = teaching.class_centre(vae, labels, a) - teaching.class_centre(vae, labels, b)
    out["centres_apart"] = f"{float(np.linalg.norm(apart)):.2f}"
    return out


def fill(text: str, ds: str) -> str:
    """A step's text with the lesson's class names and the measured claims it quotes."""
    classes = lesson_data.class_names(ds)
    a, b = PAIRS[ds]
    fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    quoted = claims(ds) if fields - {"a", "b", "samples"} else {}
    return text.format(a=classes[a], b=classes[b], samples=f"{quality.PRIOR_SAMPLES:,}", **quoted)


# --- the steps ----------------------------------------------------------------------------------------------------

STEPS = (
    Step("maps", "Two maps of the same images", lesson_stage.gaps,
         "Both models squeeze each {dataset} test image into **just two numbers**, so every image is a dot on a "
         "plane. Left: a plain autoencoder; right: a variational autoencoder (VAE). The two planes have very "
         "different scales, so the lesson compares them at the **same place by meaning**, never at the same "
         "numbers.\n\nThe background is what each decoder draws at every position: white where it looks like a "
         "real image, red where not. Each ring is the middle of its map's {a}s: the autoencoder draws "
         "{ae_centre}, the VAE {vae_centre}.\n\n{story}",
         "pages/06_Gaps.py", lambda ds: {lesson_stage.PINS_KEY: pins(ds, "centre")}),
    Step("between", "Between the {a}s and the {b}s", lesson_stage.gaps,
         "Each ring now sits in the **emptiest place between the {a}s and the {b}s** of its own map. No test "
         "image was encoded there.\n\nThe autoencoder draws {ae_gap}; the VAE draws {vae_gap}.\n\n"
         "**Hover** over either map: the card decodes under the pointer with both models, the other one at the "
         "same place among the test images, and says which draw is data-like. One point is an anecdote; the next "
         "step measures the whole plane.",
         "pages/06_Gaps.py", lambda ds: {lesson_stage.PINS_KEY: pins(ds, "gap")}),
    Step("measure", "Measure the whole plane", lesson_stage.gaps,
         "Over a 50 × 50 grid of each plane: **{ae_data_like}** of the autoencoder's plane and **{vae_data_like}** "
         "of the VAE's decode to something data-like; **{ae_far}** and **{vae_far}** of them lie far from every "
         "encoding (beyond the dashes).\n\n{plane_verdict}",
         "pages/06_Gaps.py"),
    Step("prior", "Sampling from the prior", lambda ds: lesson_stage.prior(ds, 2),
         "To **generate** new images we need a rule for picking positions. The VAE comes with one: draw z from "
         "N(0, I), the distribution it was trained to match. Decode the same random z with both models.\n\n"
         "Of {samples} samples, **{ae_prior}** (autoencoder) and **{vae_prior}** (VAE) decode to something "
         "data-like; their classes are **{ae_mix}** and **{vae_mix}** away from the test set's mix (0 = the same, "
         "1 = nothing in common).",
         "pages/07_Sampling_and_paths.py"),
    Step("prior-16d", "Sampling in 16 dimensions", lambda ds: lesson_stage.prior(ds, 16),
         "Real models use more than two numbers. With a **16-D** latent: **{ae16_prior}** of the autoencoder's "
         "and **{vae16_prior}** of the VAE's {samples} prior samples are data-like.\n\nIn 16 dimensions the "
         "autoencoder's encodings fill a thin, oddly shaped part of the space that N(0, I) rarely lands in: this "
         "is why you can sample from a VAE and not from a plain autoencoder.",
         "pages/07_Sampling_and_paths.py"),
    Step("paths", "Walking from a {a} to a {b}", lambda ds: lesson_stage.paths(ds, *PAIRS[ds]),
         "Encode one {a} and one {b} and walk between them: a straight line in each model, and for the VAE also "
         "the arc that keeps to the prior's typical radius.\n\nData-like steps: autoencoder **{ae_path}**, VAE "
         "straight **{vae_path}**, VAE arc **{vae_arc}**. Where does each path leave the data-like zone?",
         "pages/07_Sampling_and_paths.py"),
    Step("posterior", "Why: the VAE's encoder is unsure on purpose",
         lambda ds: lesson_stage.posterior(ds, PAIRS[ds], POSTERIOR_COUNT),
         "The VAE's encoder returns a **cloud** (a mean and a spread σ per dimension) for each image, not a point, "
         "and is penalised for straying from N(0, I). Its decoder is trained on random points of every cloud, so "
         "it learns the space around the encodings.\n\nHere the clouds are small: σ ≈ **{sigma}** on average, "
         "against **{centres_apart}** between the {a}s' and the {b}s' centres (the map is zoomed to them).",
         "pages/08_VAE_posterior.py"),
    Step("beta", "One knob from autoencoder to VAE", lesson_stage.beta,
         "One number links the two models: **β**, the weight of the term that pulls every cloud towards N(0, I). "
         "β = 0 trains a plain autoencoder, β = 1 the VAE.\n\n**Drag β**: prior samples are data-like "
         "**{beta_prior_0}** of the time at β = 0, **{beta_prior_1}** at β = 1 and **{beta_prior_2}** at β = 2; "
         "the reconstruction error is **{beta_recon_0}**, **{beta_recon_1}** and **{beta_recon_2}** nats. Which "
         "end would you sample from, and which would you compress with?",
         "pages/10_From_AE_to_VAE.py", lambda ds: {"beta_book_at": 0}),
    Step("replay", "Watch the maps form", lesson_stage.replay,
         "Replay training: both maps start as a small blob. **Press Play** (or drag): the autoencoder spreads its "
         "classes out to whatever scale suits it, while the VAE's stays near the scale of N(0, I).",
         "pages/09_Training_replay.py", lambda ds: {"lesson_replay_at": 0}),
)


def step_by_key(key: str) -> Step:
    return next(s for s in STEPS if s.key == key)


def apply(ds: str, key: str) -> None:
    """Put a step's settings in place (before its widgets render: from a callback, or above the view)."""
    for widget, value in step_by_key(key).settings(ds).items():
        st.session_state[widget] = value
    st.session_state[SHOWN_KEY] = (ds, key)


def _move(delta: int) -> None:
    st.session_state[STEP_KEY] = int(np.clip(st.session_state.get(STEP_KEY, 0) + delta, 0, len(STEPS) - 1))


def _key_move() -> None:
    step = live.key_step(KEYS_KEY)
    if step is not None:
        _move(step)


def _from_url() -> None:
    """The step and presenter mode from the URL, once per session (a malformed value is ignored)."""
    if st.session_state.get(URL_READ_KEY):
        return
    st.session_state[URL_READ_KEY] = True
    step = st.query_params.get("step", "")
    if step.isdigit() and 1 <= int(step) <= len(STEPS):
        st.session_state[STEP_KEY] = int(step) - 1
    if st.query_params.get("present") in ("1", "true"):
        st.session_state[PRESENT_KEY] = True


def _to_url(index: int, present: bool) -> None:
    if st.query_params.get("step") != str(index + 1):
        st.query_params["step"] = str(index + 1)
    if present and st.query_params.get("present") != "1":
        st.query_params["present"] = "1"
    elif not present and "present" in st.query_params:
        del st.query_params["present"]


def _switch_dataset(ds: str) -> None:
    st.session_state[sidebar.DATASET_KEY] = ds


COMPACT = """<style>
[data-testid=stMainBlockContainer] { padding-top: 2.4rem; padding-bottom: 1rem; }
[data-testid=stMainBlockContainer] h1 { font-size: 1.5rem; padding: 0 0 .2rem; }
[data-testid=stMainBlockContainer] h3 { font-size: 1.3rem; padding-top: 0; }
</style>"""
PRESENTER = """<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl] { display: none; }
[data-testid=stMainBlockContainer] { padding-left: 2rem; padding-right: 2rem; }
[data-testid=stMainBlockContainer] p, [data-testid=stMainBlockContainer] li { font-size: 1.08rem; }
</style>"""


def lesson(ds: str) -> None:
    """The Lesson page: the step picker and ◀ ▶, the narration beside the step's view."""
    _from_url()
    warm_up.warm_up(ds, PAIRS[ds], POSTERIOR_COUNT)
    st.session_state.setdefault(STEP_KEY, 0)
    st.session_state.setdefault(PRESENT_KEY, False)
    st.html(COMPACT)
    nav = st.columns([5, 1.3, 1.3, 1.8], vertical_alignment="center")
    index = nav[0].selectbox("Step", range(len(STEPS)), key=STEP_KEY, label_visibility="collapsed",
                             format_func=lambda i: f"Step {i + 1} of {len(STEPS)}: {fill(STEPS[i].title, ds)}")
    nav[1].button("◀ Previous", key="lesson_previous", on_click=_move, args=(-1,), disabled=index == 0,
                  width="stretch")
    nav[2].button("Next ▶", key="lesson_next", on_click=_move, args=(1,), disabled=index == len(STEPS) - 1,
                  width="stretch")
    present = nav[3].toggle("Presenter mode", key=PRESENT_KEY,
                            help="Hides the sidebar and enlarges the text; the link keeps it (…&present=1).")
    if present:
        st.html(PRESENTER)
    _to_url(index, present)
    keys.listen(KEYS_KEY, on_step=_key_move)
    step = STEPS[index]
    if st.session_state.get(SHOWN_KEY) != (ds, step.key):
        apply(ds, step.key)
    left, right = st.columns([1.15, 2.6], gap="medium")
    with left:
        st.subheader(fill(step.title, ds), anchor=False)
        st.markdown(fill(step.text, ds))
        if step.key == "maps" and not claims(ds)["gaps_story"]:
            st.button("Show the gaps on Fashion-MNIST", key="lesson_to_fashion", on_click=_switch_dataset,
                      args=("fashion",), icon=":material/swap_horiz:")
        st.button("↺ Set this step up again", key=f"lesson_apply_{step.key}", on_click=apply, args=(ds, step.key),
                  help="Arriving at a step sets its view up; this sets it up again after you have explored.")
        st.page_link(step.page, label="Explore this on its own page", icon=":material/open_in_new:")
    with right:
        step.view(ds)
