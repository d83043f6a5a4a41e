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

from explorer.ui.kit import text
from explorer.ui.shell import cache, pages, presenter, url
from explorer.ui.shell.bundle import bundle
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching.family import data as family_data
from explorer.ui.teaching.lesson import stage as lesson_stage
from explorer.ui.teaching.lesson import warm_up
from explorer.ui.widgets import keys, live

KEYS_KEY = "lesson_keys"            # the ← / → listener
STEP_PARAM = "step"                 # the URL's step number (1-based; step 1 leaves it out)
STEP_KEY = "lesson_step"
SHOWN_KEY = "lesson_shown"                      # (dataset, step key) whose settings are in place
PRESENT_KEY = "lesson_present"
# The two classes the lesson walks between, per dataset: far apart on both maps, with an empty region between them
# in the autoencoder's (whatever each model draws there is measured and said, not assumed).
PAIRS = {"mnist": (1, 7), "fashion": (0, 7)}
POSTERIOR_COUNT = 6
RECON_FLAT = 0.02               # β's reconstruction errors within 2% of each other "hardly move"
GAN_FACTOR_MIN = 0.8            # |ρ| from which a step says a code controls a factor


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    dataset: str                                # the dataset whose shipped models show this step's point
    view: Callable[[str], None]                 # dataset -> the step's view
    text: str                                   # markdown; {a}, {b} name the classes; other fields from claims()
    page: str                                   # where to explore the same view
    settings: Callable[[str], dict] = lambda ds: {}     # dataset -> {session key: value} set on arrival
    holds: Callable[[dict], bool] = lambda c: True      # the step's point, checked on its dataset's claims()
    explore: Callable[[str], dict] = lambda ds: {}      # dataset -> the explore page's query parameters


# --- measured claims --------------------------------------------------------------------------------------------

def _place(ds: str, kind: str, where: str) -> list[float]:
    """``kind``'s place on its own map: the centre of the lesson's first class, or the contrast pin between its two
    classes (:func:`contrast_gap`; the planes differ in scale, so each model has its own numbers)."""
    if where == "gap":
        return contrast_gap(ds)[kind]
    model = lesson_data.pair(ds)[kind]
    z = teaching.class_centre(model.encodings, model.labels, PAIRS[ds][0])
    return [round(float(z[0]), 2), round(float(z[1]), 2)]


@st.cache_data(show_spinner="Choosing where to pin…", max_entries=4)
def contrast_gap(ds: str) -> dict[str, list[float]]:
    """The pins between the lesson's two classes, chosen for a visible contrast: among the autoencoder's grid
    points between the classes and away from every encoding (:func:`explorer.teaching.gap_band`), each carried to
    the VAE's plane by meaning, the one where the autoencoder's decode is not data-like, the VAE's is, and the
    VAE's is the most visible (:func:`explorer.teaching.visible_contrast`); without such a point, each model's own
    emptiest point (:func:`explorer.teaching.gap_between`)."""
    models = lesson_data.pair(ds)
    ae = models["ae"]
    a, b = PAIRS[ds]
    band = teaching.gap_band(lesson_data.quality_map(ae), ae.encodings, ae.labels, a, b)
    if len(band):
        pins = [lesson_data.linked_pins(ds, "ae", p) for p in band]
        scored = {kind: quality.decode_and_score(models[kind].model, models[kind].scorer,
                                                  np.array([p[kind] for p in pins], np.float32))
                  for kind in lesson_data.KINDS}
        (_, ae_scores), (vae_images, vae_scores) = scored["ae"], scored["vae"]
        score = teaching.visible_contrast(ae_scores.data_like, vae_scores.data_like, vae_scores.confidence,
                                          vae_images)
        if score.max() > 0:
            return pins[int(np.argmax(score))]
    out = {}
    for kind, model in models.items():
        z = teaching.gap_between(lesson_data.quality_map(model), model.encodings, model.labels, a, b)
        out[kind] = [round(float(z[0]), 2), round(float(z[1]), 2)]
    return out


def pins(ds: str, where: str) -> dict:
    how = {"centre": "Each ring: the middle of its own map's {a}s.",
           "gap": "The autoencoder's ring: among the sparse places between its {a}s and {b}s, the one where the "
                  "two models' draws differ most visibly; the VAE's ring: the same place among the test images."
           }[where]
    return {**{kind: _place(ds, kind, where) for kind in lesson_data.KINDS}, "how": fill(how, ds)}


def _decode(ds: str, kind: str, where: str) -> dict:
    z = _place(ds, kind, where)
    return lesson_data.decode_point(lesson_data.pair(ds)[kind], z[0], z[1])


def _said(d: dict, classes) -> str:
    what = "something data-like" if d["data_like"] else "something **not** data-like"
    return f"{what} (read as a {classes[d['predicted']]}, {d['confidence']:.0%} sure)"


def _order(values: dict[str, float]) -> str:
    """"the VAE's arc (73%), then the autoencoder's line (64%), then ..." from measured fractions."""
    ranked = sorted(values.items(), key=lambda kv: -kv[1])
    return ", then ".join(f"{label} (**{value:.0%}**)" for label, value in ranked)


@st.cache_data(show_spinner="Measuring the lesson's claims…", max_entries=4)
def claims(ds: str) -> dict:
    """Every number and verdict the narration states, from the shipped models (no sentence states one by hand)."""
    classes = lesson_data.class_names(ds)
    out: dict = {"dataset": explorer.DATASETS[ds].title}
    for kind, model in lesson_data.pair(ds).items():
        numbers = lesson_data.gap_numbers(model)
        out[f"{kind}_data_like_value"] = numbers["fraction_data_like"]
        out[f"{kind}_data_like"] = f"{numbers['fraction_data_like']:.0%}"
        out[f"{kind}_far_value"] = numbers["fraction_far"]
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
                                "without an image to encode: sampling.")
    names = dict(family_data.beta_names(ds))
    recon = {}
    for beta in (0.0, 1.0, 2.0):
        key = f"{beta:g}"
        if names[beta] in explorer.list_models():
            n = family_data.beta_numbers(names[beta])
            out[f"beta_prior_{key}"], out[f"beta_recon_{key}"] = f"{n['prior_data_like']:.0%}", f"{n['test_recon']:.0f}"
            out[f"beta_prior_{key}_value"], recon[beta] = n["prior_data_like"], n["test_recon"]
        else:
            out[f"beta_prior_{key}"] = out[f"beta_recon_{key}"] = "(not shipped)"
    spread = (max(recon.values()) - min(recon.values())) / min(recon.values()) if len(recon) == 3 else float("nan")
    out["beta_recon_flat"] = bool(spread < RECON_FLAT)
    out["beta_recon_verdict"] = (
        "hardly moves" if out["beta_recon_flat"] else
        "rises with β" if recon and recon[0.0] < recon[1.0] < recon[2.0] else "changes, but not steadily,")
    a, b = PAIRS[ds]
    index_a, index_b = lesson_data.typical_example(ds, a), lesson_data.typical_example(ds, b)
    walked = lesson_data.paths(ds, index_a, index_b, 11)
    fractions = {}
    for label, key, said in (("AE · linear", "ae_path", "the autoencoder's line"),
                             ("VAE · linear", "vae_path", "the VAE's line"),
                             ("VAE · spherical", "vae_arc", "the VAE's arc")):
        fractions[said] = out[f"{key}_value"] = float(walked[label]["data_like"].mean())
        out[key] = f"{out[f'{key}_value']:.0%}"
    out["paths_order"] = _order(fractions)
    _, labels = cache.dataset(ds, "test")
    indices = lesson_data.posterior_picks(ds, PAIRS[ds], POSTERIOR_COUNT)
    _, sigma = lesson_data.posterior(ds, indices)
    vae = cache.encodings(lesson_data.model_name(ds, "vae"))
    out["sigma_value"] = float(sigma.mean())
    out["sigma"] = f"{out['sigma_value']:.2f}"
    apart = teaching.class_centre(vae, labels, a) - teaching.class_centre(vae, labels, b)
    out["centres_apart_value"] = float(np.linalg.norm(apart))
    out["centres_apart"] = f"{out['centres_apart_value']:.2f}"
    gan = lesson_data.gan_name(ds)
    if gan in explorer.list_models():
        ev = cache.metrics(gan).get("eval", {})
        out["gan_c1_accuracy_value"] = float(ev.get("c1_accuracy", float("nan")))
        out["gan_c1_accuracy"] = f"{out['gan_c1_accuracy_value']:.0%}"
        out["gan_generated_value"] = float(ev.get("generated_class_accuracy", float("nan")))
        out["gan_generated"] = f"{out['gan_generated_value']:.0%}"
        for factor in ("rotation", "width"):
            code, rho = ev.get(f"{factor}_code"), ev.get(f"{factor}_rho")
            out[f"gan_{factor}_code"] = code or "(none)"
            out[f"gan_{factor}_rho_value"] = float(rho) if rho is not None else float("nan")
            out[f"gan_{factor}_rho"] = f"{rho:+.2f}" if rho is not None else "(not measured)"
        lo, hi = cache.model(gan).trained_range
        out["gan_trained"] = text.span(lo, hi)
    return out


def fill(text: str, ds: str) -> str:
    """A step's text with the lesson's class names and the measured claims it quotes."""
    classes = lesson_data.class_names(ds)
    a, b = PAIRS[ds]
    fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    quoted = claims(ds) if fields - {"a", "b", "samples", "dataset"} else {"dataset": explorer.DATASETS[ds].title}
    return text.format(a=classes[a], b=classes[b], samples=f"{quality.PRIOR_SAMPLES:,}", **quoted)


# --- the steps ----------------------------------------------------------------------------------------------------

def _gaps_link(ds: str) -> dict:
    """The Gaps page pinned where the Lesson's autoencoder ring is (the VAE follows by meaning there too)."""
    pins = st.session_state.get(lesson_stage.PINS_KEY) or {}
    if "ae" not in pins:
        return {}
    return {"gaps_on": "ae", "gaps_z1": f"{pins['ae'][0]:.2f}", "gaps_z2": f"{pins['ae'][1]:.2f}"}


GAPS_PAGE, SAMPLING_PAGE = "pages/06_Gaps.py", "pages/07_Sampling_and_paths.py"
FASHION, MNIST = "fashion", "mnist"

STEPS = (
    Step("maps", "Two maps of the same images", FASHION, lesson_stage.gaps,
         "Both models squeeze each {dataset} test image into **just two numbers**, so every image is a dot on a "
         "plane. Left: a plain autoencoder; right: a variational autoencoder (VAE). The two planes have very "
         "different scales, so the lesson compares them at the **same place by meaning**, never at the same "
         "numbers.\n\nThe background is what each decoder draws at every position: white where it looks like a "
         "real image, red where not. Each ring is the middle of its map's {a}s: the autoencoder draws "
         "{ae_centre}, the VAE {vae_centre}.",
         GAPS_PAGE, lambda ds: {lesson_stage.PINS_KEY: pins(ds, "centre")},
         holds=lambda c: c["ae_centre_data_like"] and c["vae_centre_data_like"], explore=_gaps_link),
    Step("between", "Between the {a}s and the {b}s", FASHION, lesson_stage.gaps,
         "The autoencoder's ring now sits in a **sparse place between its {a}s and {b}s**, away from every "
         "test image's encoding. The VAE's ring is the same place among the test images.\n\nThe autoencoder draws {ae_gap}; the VAE draws {vae_gap}.\n\n"
         "**Hover** over either map: the card decodes under the pointer with both models, the other one at the "
         "same place among the test images, and says which draw is data-like. One point is an anecdote; the next "
         "step measures the whole plane.",
         GAPS_PAGE, lambda ds: {lesson_stage.PINS_KEY: pins(ds, "gap")},
         holds=lambda c: c["vae_gap_data_like"] and not c["ae_gap_data_like"], explore=_gaps_link),
    Step("measure", "Measure the whole plane", FASHION, lesson_stage.gaps,
         "Over a 50 × 50 grid of each plane: **{ae_data_like}** of the autoencoder's plane and **{vae_data_like}** "
         "of the VAE's decode to something data-like; **{ae_far}** and **{vae_far}** of them lie far from every "
         "encoding (beyond the dashes).\n\n{plane_verdict}",
         GAPS_PAGE, lambda ds: {lesson_stage.PINS_KEY: {}}, holds=lambda c: c["gaps_story"]),
    Step("surprise", "A surprise on MNIST", MNIST, lesson_stage.gaps,
         "The same two models trained on **MNIST** digits. Over the same 50 × 50 grid, **{ae_data_like}** of the "
         "autoencoder's plane and **{vae_data_like}** of the VAE's decode to something data-like.\n\n"
         "{plane_verdict}\n\nSo \"the autoencoder draws nonsense between its classes\" is not a law: what "
         "holds on both datasets is the next step.",
         GAPS_PAGE, lambda ds: {lesson_stage.PINS_KEY: {}}, holds=lambda c: not c["gaps_story"]),
    Step("prior", "Sampling from the prior", FASHION, lambda ds: lesson_stage.prior(ds, 2),
         "To **generate** new images we need a rule for picking positions. The VAE comes with one: draw z from "
         "N(0, I), the distribution it was trained to match. Decode the same random z with both models.\n\n"
         "Of {samples} samples, **{ae_prior}** (autoencoder) and **{vae_prior}** (VAE) decode to something "
         "data-like; their classes are **{ae_mix}** and **{vae_mix}** away from the test set's mix (0 = the same, "
         "1 = nothing in common).",
         SAMPLING_PAGE, holds=lambda c: c["vae_prior_value"] > c["ae_prior_value"]),
    Step("prior-16d", "Sampling in 16 dimensions", FASHION, lambda ds: lesson_stage.prior(ds, 16),
         "Real models use more than two numbers. With a **16-D** latent: **{ae16_prior}** of the autoencoder's "
         "and **{vae16_prior}** of the VAE's {samples} prior samples are data-like.\n\nIn 16 dimensions the "
         "autoencoder's encodings fill a thin, oddly shaped part of the space that N(0, I) rarely lands in: this "
         "is why you can sample from a VAE and not from a plain autoencoder.",
         SAMPLING_PAGE, holds=lambda c: c["vae16_prior_value"] > 2 * c["ae16_prior_value"]),
    Step("paths", "Walking from a {a} to a {b}", FASHION, lambda ds: lesson_stage.paths(ds, *PAIRS[ds]),
         "Encode one {a} and one {b} and walk between them: a straight line in each model, and for the VAE also "
         "the arc that keeps to the prior's typical radius.\n\nData-like steps, most first: {paths_order}. "
         "Where does each path leave the data-like zone?",
         SAMPLING_PAGE, holds=lambda c: c["vae_arc_value"] > c["ae_path_value"]),
    Step("posterior", "Why: the VAE's encoder is unsure on purpose", FASHION,
         lambda ds: lesson_stage.posterior(ds, PAIRS[ds], POSTERIOR_COUNT),
         "The VAE's encoder returns a **cloud** (a mean and a spread σ per dimension) for each image, not a point, "
         "and is penalised for straying from N(0, I). Its decoder is trained on random points of every cloud, so "
         "it learns the space around the encodings.\n\nHere the clouds are small: σ ≈ **{sigma}** on average, "
         "against **{centres_apart}** between the {a}s' and the {b}s' centres (the map is zoomed to them).",
         "pages/08_VAE_posterior.py", holds=lambda c: c["sigma_value"] < c["centres_apart_value"]),
    Step("beta", "One knob from autoencoder to VAE", FASHION, lesson_stage.beta,
         "One number links the two models: **β**, the weight of the term that pulls every cloud towards N(0, I). "
         "β = 0 trains a plain autoencoder, β = 1 the VAE.\n\n**Drag β**: prior samples are data-like "
         "**{beta_prior_0}** of the time at β = 0, **{beta_prior_1}** at β = 1 and **{beta_prior_2}** at β = 2. "
         "The reconstruction error {beta_recon_verdict} (**{beta_recon_0}**, **{beta_recon_1}** and "
         "**{beta_recon_2}** nats): with only two numbers, the pull towards N(0, I) costs these models little in "
         "reconstruction and buys a space you can sample from.",
         "pages/10_From_AE_to_VAE.py", lambda ds: {"beta_book_at": 0},
         holds=lambda c: c["beta_prior_1_value"] > c["beta_prior_0_value"] and c["beta_recon_flat"]),
    Step("replay", "Watch the maps form", FASHION, lesson_stage.replay,
         "Replay training: both maps start as a small blob. **Press Play** (or drag): the autoencoder spreads its "
         "classes out to whatever scale suits it, while the VAE's stays near the scale of N(0, I).",
         "pages/09_Training_replay.py", lambda ds: {"lesson_replay_at": 0}),
    Step("gan-categories", "A GAN that found the digits by itself", MNIST, lesson_stage.gan_categories,
         "A different kind of model: an **InfoGAN** draws an image from random noise z plus codes. Its code **c1** "
         "picks one of 10 categories, and nobody told it what they mean. After training, each category was "
         "paired with the class it draws most.\n\nOn the MNIST test digits, its image reader puts "
         "**{gan_c1_accuracy}** of them in their class's category; the classifier reads **{gan_generated}** of "
         "its drawings as their category's class.",
         "pages/03_InfoGAN_codes.py", holds=lambda c: c["gan_c1_accuracy_value"] >= 0.9),
    Step("gan-rotation", "A code that turns the digits", MNIST, lambda ds: lesson_stage.gan_traversal(ds, "c2"),
         "The InfoGAN also has two sliders, **c2** and **c3**, trained on values {gan_trained}. Nobody said what "
         "they should do; it found factors it could read back off its own drawings.\n\nMoving "
         "**{gan_rotation_code}** turns the digits: the rank correlation with their slant is "
         "**{gan_rotation_rho}**. The shaded columns lie beyond the values it was trained on: what it draws there was never asked of it.",
         "pages/03_InfoGAN_codes.py",
         holds=lambda c: c["gan_rotation_code"] == "c2" and abs(c["gan_rotation_rho_value"]) >= GAN_FACTOR_MIN),
    Step("gan-width", "A code for width", MNIST, lambda ds: lesson_stage.gan_traversal(ds, "c3"),
         "**{gan_width_code}** changes how wide the digits are: the rank correlation with their width is "
         "**{gan_width_rho}**.\n\nAn autoencoder's or a VAE's two numbers mix every factor together; the "
         "InfoGAN's codes were pushed to carry one readable factor each. Past the edge of the trained range (shaded), "
         "look at what happens to the strokes.",
         "pages/03_InfoGAN_codes.py",
         holds=lambda c: c["gan_width_code"] == "c3" and abs(c["gan_width_rho_value"]) >= GAN_FACTOR_MIN),
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


def _follow_url() -> None:
    """The step and presenter mode from the URL whenever it brings new ones (a link, Back, Forward); a malformed
    step is ignored. Step 1 is the URL without ``step``."""
    step = url.arrived(STEP_PARAM)
    if step is None and STEP_KEY not in st.session_state:    # first run here, or back from another page (whose
        step = st.query_params.get(STEP_PARAM, "")           # run dropped the step control's state): the URL says
    if step == "":
        st.session_state[STEP_KEY] = 0
    elif step is not None and step.isdigit() and 1 <= int(step) <= len(STEPS):
        st.session_state[STEP_KEY] = int(step) - 1
    present = url.arrived(presenter.PARAM)
    if present is None and PRESENT_KEY not in st.session_state:
        present = st.query_params.get(presenter.PARAM, "")
    if present is not None:
        st.session_state[PRESENT_KEY] = present in ("1", "true")


def _to_url(index: int, present: bool) -> None:
    """The step and presenter mode into the URL; each change is a browser history entry (Streamlit pushes one
    whenever a run changes the query string), so Back goes to the previous step, then out of the Lesson."""
    url.put(STEP_PARAM, str(index + 1) if index else None)
    url.put(presenter.PARAM, "1" if present else None)
    if presenter.RETURN_PARAM in st.query_params:
        del st.query_params[presenter.RETURN_PARAM]


def warm() -> None:
    """What the Lesson's steps compute, for the server's start-up warm-up: each dataset's measured claims (and the
    pins they rest on) and stills."""
    for ds in datasets():
        claims(ds)
        warm_up.draw(ds, PAIRS[ds], POSTERIOR_COUNT)


def datasets() -> tuple[str, ...]:
    """The datasets the steps use, in order of first use."""
    return tuple(dict.fromkeys(s.dataset for s in STEPS))


COMPACT = """<style>
[data-testid=stMainBlockContainer] { padding-top: 2.4rem; padding-bottom: 1rem; }
[data-testid=stMainBlockContainer] h1 { font-size: 1.5rem; padding: 0 0 .2rem; }
[data-testid=stMainBlockContainer] h3 { font-size: 1.3rem; padding-top: 0; }
</style>"""


def explore_link(step: Step, index: int, present: bool) -> None:
    """Open the step's view on its own page with the step's dataset, its pin and presenter mode; that page offers
    the way back to this step (:func:`explorer.ui.shell.presenter.frame`)."""
    params = {"dataset": step.dataset, presenter.RETURN_PARAM: str(index + 1), **step.explore(step.dataset),
              **({presenter.PARAM: "1"} if present else {})}
    st.page_link(step.page, label="Explore this on its own page", icon=":material/open_in_new:",
                 query_params=params)


HANDOUT_PARAM = "handout"
HANDOUT_CSS = """<style>
[class*="st-key-handout_step_"] { break-inside: avoid; break-after: page; padding-bottom: 1.5rem;
  border-bottom: 1px solid #ccc; margin-bottom: 1.5rem; }
@media print {
  [data-testid=stSidebar], [data-testid=stSidebarCollapsedControl], header, [data-testid=stToolbar],
  .st-key-handout_back { display: none !important; }
  [class*="st-key-handout_step_"] { border-bottom: none; }
}
</style>"""


def handout() -> None:
    """Every step on one printable page: its title, dataset, narration (with the numbers) and figure, each step on
    a sheet of its own when printed, with room to annotate."""
    st.html(HANDOUT_CSS)
    with st.container(key="handout_back"):
        st.page_link(pages.LESSON.path, label="Back to the Lesson", icon=":material/arrow_back:")
        st.caption("Print this page with your browser (Ctrl+P, or ⌘P on a Mac): each step starts a new sheet.")
    for index, step in enumerate(STEPS):
        ds = step.dataset
        with st.container(key=f"handout_step_{index + 1}"):
            st.subheader(f"Step {index + 1}. {fill(step.title, ds)}", anchor=False)
            st.markdown(f":material/dataset: **{explorer.DATASETS[ds].title}**")
            st.markdown(fill(step.text, ds))
            settings = step.settings(ds)
            if step.view is lesson_stage.gaps:
                lesson_stage.gaps_still(ds, {k: v for k, v in settings.get(lesson_stage.PINS_KEY, {}).items()
                                             if k in lesson_data.KINDS}, f"handout_{index + 1}")
            else:
                for widget, value in settings.items():
                    st.session_state.setdefault(widget, value)
                step.view(ds)
            st.markdown("**Notes:**\n\n&nbsp;\n\n&nbsp;")


def lesson() -> None:
    """The Lesson page: the step picker and ◀ ▶, the narration beside the step's view, each step on the dataset
    that shows its point."""
    if st.query_params.get(HANDOUT_PARAM) == "1":
        handout()
        return
    _follow_url()
    for ds in datasets():
        warm_up.warm_up(ds, PAIRS[ds], POSTERIOR_COUNT, first=lambda ds=ds: claims(ds))
    st.session_state.setdefault(STEP_KEY, 0)
    st.session_state.setdefault(PRESENT_KEY, False)
    st.html(COMPACT)
    nav = st.columns([5, 1.3, 1.3, 1.8], vertical_alignment="center")
    index = nav[0].selectbox(
        "Step", range(len(STEPS)), key=STEP_KEY, label_visibility="collapsed",
        format_func=lambda i: f"Step {i + 1} of {len(STEPS)}: {fill(STEPS[i].title, STEPS[i].dataset)} "
                              f"({explorer.DATASETS[STEPS[i].dataset].title})")
    nav[1].button("◀ Previous", key="lesson_previous", on_click=_move, args=(-1,), disabled=index == 0,
                  width="stretch")
    nav[2].button("Next ▶", key="lesson_next", on_click=_move, args=(1,), disabled=index == len(STEPS) - 1,
                  width="stretch")
    present = nav[3].toggle("Presenter mode", key=PRESENT_KEY,
                            help="Hides the sidebar and enlarges the text; the link keeps it (…&present=1).")
    if present:
        presenter.style()
    presenter.measure()
    _to_url(index, present)
    keys.listen(KEYS_KEY, on_step=_key_move)
    step = STEPS[index]
    ds = step.dataset
    if st.session_state.get(SHOWN_KEY) != (ds, step.key):
        apply(ds, step.key)
    left, right = st.columns([1.15, 2.6], gap="medium")
    with left:
        st.subheader(fill(step.title, ds), anchor=False)
        st.markdown(f":material/dataset: **{explorer.DATASETS[ds].title}**")
        st.markdown(fill(step.text, ds))
        st.button("↺ Set this step up again", key=f"lesson_apply_{step.key}", on_click=apply, args=(ds, step.key),
                  help="Arriving at a step sets its view up; this sets it up again after you have explored.")
        explore_link(step, index, present)
        st.page_link(pages.LESSON.path, label="Print this lesson (a handout)", icon=":material/print:",
                     query_params={HANDOUT_PARAM: "1"})
    with right:
        step.view(ds)
