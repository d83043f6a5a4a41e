"""What a Lesson step shows: one compact view per step that fits a 1366 × 768 projector beside its narration.

The planes of the gaps steps stay interactive (the live hover decodes with both models, a click pins a position);
the other steps show stills (:mod:`explorer.ui.teaching.stills`) and image strips, which appear as soon as the server
answers, and link to the page where the same view can be explored. The two models are compared at the same place
by meaning, never at the same raw (z1, z2): their planes differ 5–10× in scale
(:func:`explorer.teaching.link_grid`).
"""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

from explorer import quality
from explorer.names import KIND_TITLES

from explorer.ui.kit import colours, figures, text
from explorer.ui.kit.images import enlarge
from explorer.ui.shell import cache, categories, presenter
from explorer.ui.shell.bundle import Bundle
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching import figures as lesson_figures
from explorer.ui.teaching import views as lesson_views
from explorer.ui.teaching.family import views as family_views
from explorer.ui.widgets import live, pointer
from explorer.ui.widgets import flipbook

PINS_KEY = "lesson_pins"          # {"ae": [z1, z2], "vae": [z1, z2], "how": sentence}
HOVER_KEY = "lesson_hover"          # the hover card over both planes
CHARTS = {"ae": "lesson_plane_ae", "vae": "lesson_plane_vae"}
PLANE_HEIGHT = 360


def verdict(d: dict, classes) -> str:
    """A decode's verdict in a few words (the :func:`explorer.quality.is_data_like` rule)."""
    ok = f":{'blue' if d['data_like'] else 'orange'}[**{colours.verdict_words(d['data_like'])}**]"
    return f"{ok}: a **{classes[d['predicted']]}**? ({d['confidence']:.0%} sure, {d['distance_ratio']:.1f}× the " \
           f"usual distance to a real image)"


# --- the gaps steps: both planes, live --------------------------------------------------------------------------

def _pin_click(ds: str) -> None:
    """A click on either plane pins it there, and the other model at the same place among the test images."""
    point = live.clicked(HOVER_KEY)
    kind = next((k for k, chart in CHARTS.items() if point and chart == point["chart"]), None)
    if kind is None:
        return
    other = lesson_data.other(kind).upper()
    st.session_state[PINS_KEY] = {**lesson_data.linked_pins(ds, kind, (point["x"], point["y"])),
                                  "how": f"You clicked the {kind.upper()} map; the {other}'s ring is the same place "
                                         "among the test images."}


def gaps(ds: str) -> None:
    lesson_views.require(ds)
    models = lesson_data.pair(ds)
    charts = pointer.charts()
    height = presenter.scaled(PLANE_HEIGHT)
    pins = st.session_state.get(PINS_KEY) or {}
    for kind, col in zip(lesson_data.KINDS, st.columns(2, gap="medium")):
        fig = lesson_data.lesson_plane(models[kind], height)
        ring = charts.drawn_by_server(pins.get(kind))        # the live hover draws the rings itself
        if ring is not None:
            fig = figures.with_marker(fig, ring)
        col.markdown(f"**{KIND_TITLES[kind]}**")
        col.plotly_chart(fig, key=CHARTS[kind], on_select="ignore", config={"displayModeBar": False})
    charts.decoders(*(b.name for b in models.values()))   # once per run: a click reruns _pinned without re-sending weights and grids
    links = charts.when_live(lambda: lesson_data.hover_links(ds))
    verdicts = charts.when_live(lambda: lesson_views.hover_verdicts(ds))
    charts.clicked_part(_pinned)(ds, charts, models, links, verdicts)
    st.caption("White: the decoder draws something data-like there; red: not. Dashed: beyond it, no test image "
               "is encoded nearby. " + charts.say("**Hover** to decode under the pointer with both models, **click** "
                                                  "to pin.", ""))


def _pinned(ds: str, charts: pointer.PointerCharts, models: dict[str, Bundle], links: dict | None,
            verdicts: dict | None) -> None:
    classes = lesson_data.class_names(ds)
    pins = st.session_state.get(PINS_KEY) or {}
    decoded = {}
    cols = st.columns(2, gap="medium")
    for kind, col in zip(lesson_data.KINDS, cols):
        if kind not in pins:
            continue
        z1, z2 = pins[kind]
        d = decoded[kind] = lesson_data.decode_point(models[kind], float(z1), float(z2))
        left, right = col.columns([1, 3], vertical_alignment="center")
        left.image(enlarge(d["image"], 96), width=96, output_format="PNG")
        right.markdown(f"At ({z1:.2f}, {z2:.2f}): {verdict(d, classes)}" +
                       (" · far from every encoding" if d["far"] else ""))
    if pins.get("how"):
        st.caption(pins["how"])
    if links is not None:
        shown = [(CHARTS[kind], {"kind": "raw"}, pins.get(kind), links[kind]) for kind in lesson_data.KINDS]
        charts.hover(HOVER_KEY, shown, [b.name for b in models.values()], [k.upper() for k in lesson_data.KINDS],
                     axis_names=("z1", "z2"), size=96, on_click=functools.partial(_pin_click, ds), verdict=verdicts)


def gaps_still(ds: str, pins: dict, key: str) -> None:
    """A gaps step for the handout: both planes and the pinned decodes, nothing live (``key`` prefixes the charts'
    keys: the handout shows several gaps steps on one page)."""
    lesson_views.require(ds)
    models = lesson_data.pair(ds)
    classes = lesson_data.class_names(ds)
    for kind, col in zip(lesson_data.KINDS, st.columns(2, gap="medium")):
        fig = lesson_data.lesson_plane(models[kind], PLANE_HEIGHT)
        if kind in pins:
            fig = figures.with_marker(fig, pins[kind])
        col.markdown(f"**{KIND_TITLES[kind]}**")
        col.plotly_chart(fig, key=f"{key}_{kind}", on_select="ignore", config={"displayModeBar": False})
        if kind in pins:
            d = lesson_data.decode_point(models[kind], *map(float, pins[kind]))
            left, right = col.columns([1, 3], vertical_alignment="center")
            left.image(enlarge(d["image"], 96), width=96, output_format="PNG")
            right.markdown(f"At ({pins[kind][0]:.2f}, {pins[kind][1]:.2f}): {verdict(d, classes)}")


# --- sampling from the prior ----------------------------------------------------------------------------------------

def prior(ds: str, dim: int) -> None:
    lesson_views.require(ds, dim=dim)
    _, labels = cache.dataset(ds, "test")
    models = lesson_data.pair(ds, dim)
    for kind, col in zip(lesson_data.KINDS, st.columns(2, gap="medium")):
        shown = lesson_data.prior_samples(models[kind], 32, quality.PRIOR_SEED)
        with col:
            st.markdown(f"**{KIND_TITLES[kind]} · {dim}-D** · data-like among "
                        f"{quality.PRIOR_SAMPLES:,} samples: **{lesson_data.prior_fraction(models[kind]):.0%}**")
            st.image(lesson_figures.framed_strip(shown["images"], shown["data_like"], cols=8, size=40 if dim == 2
                                                 else 52), width="stretch", output_format="PNG")
            if dim == 2:
                st.image(lesson_data.prior_still(models[kind]), width="stretch", output_format="PNG")
    st.caption("The same 32 random z ~ N(0, I) for both models; blue solid frame and ring: data-like, orange dashed "
               "frame and cross: not.")


# --- paths ------------------------------------------------------------------------------------------------------------

def paths(ds: str, a: int, b: int) -> None:
    lesson_views.require(ds)
    index_a, index_b = lesson_data.typical_example(ds, a), lesson_data.typical_example(ds, b)
    walked = lesson_data.paths(ds, index_a, index_b, 11)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        for label, path in walked.items():
            st.markdown(f"**{label}** · {path['data_like'].mean():.0%} of the steps data-like")
            st.image(lesson_figures.framed_strip(path["images"], path["data_like"], size=44), width="stretch",
                     output_format="PNG")
        st.image(lesson_data.path_scores_still(ds, index_a, index_b), width="stretch", output_format="PNG")
    with right:
        for kind in lesson_data.KINDS:
            st.image(lesson_data.path_still(ds, kind, index_a, index_b), width="stretch", output_format="PNG")


# --- the posterior ------------------------------------------------------------------------------------------------

def posterior(ds: str, classes_shown: tuple[int, ...], count: int = 6) -> None:
    lesson_views.require(ds, kinds=("vae",), classifier=False)
    classes = lesson_data.class_names(ds)
    images, labels = cache.dataset(ds, "test")
    indices = lesson_data.posterior_picks(ds, classes_shown, count)
    mu, sigma = lesson_data.posterior(ds, indices)
    left, right = st.columns([3, 2], gap="medium")
    left.image(lesson_data.posterior_still(ds, classes_shown, count), width="stretch", output_format="PNG")
    with right:
        for cls in classes_shown:
            sel = [i for i, idx in enumerate(indices) if labels[idx] == cls]
            st.markdown(f"**{classes[cls]}**: σ ≈ ({sigma[sel, 0].mean():.2f}, {sigma[sel, 1].mean():.2f})")
            st.image(np.hstack([np.pad(enlarge(images[indices[i]], 56), 2, constant_values=255) for i in sel]),
                     width="stretch", output_format="PNG")
        st.caption("Solid ellipses: 1σ; dotted: 2σ; dashed circles: N(0, I) with the share of its mass inside.")


# --- β and the replay ---------------------------------------------------------------------------------------------

def beta(ds: str) -> None:
    family_views.beta_view(ds, compact=True)


def replay(ds: str) -> None:
    lesson_views.require(ds, classifier=False)
    flipbook.show("lesson_replay", lesson_data.replay_book(ds, True, 300), default=0)


# --- the InfoGAN ------------------------------------------------------------------------------------------------

GAN_STEP = 29                   # px per cell of lesson_data's mosaics (28 + a 1-px separator)
TICK_FONT = lesson_data.PROJECTOR_TICKS


def _gan_figure(pixels: np.ndarray, rows: list[str], x_ticks=None, x_title: str = "", height: int = 470):
    fig = figures.image_figure(pixels, x_ticks=x_ticks, height=height, x_title=x_title,
                               y_ticks=([i * GAN_STEP + 14 for i in range(len(rows))], rows))
    fig.update_xaxes(tickfont=TICK_FONT, title_font=TICK_FONT, showticklabels=x_ticks is not None)
    fig.update_yaxes(tickfont=TICK_FONT, constraintoward="top")
    return fig


def gan_categories(ds: str) -> None:
    """G's images, one row per category (named by the class it is matched to), eight noise vectors across."""
    lesson_views.require_gan(ds)
    name = lesson_data.gan_name(ds)
    rows = categories.categories_by_class(name)
    fig = _gan_figure(lesson_data.gan_categories(ds), [categories.category_label(name, c) for c in rows],
                      height=presenter.scaled(PLANE_HEIGHT + 110))
    st.plotly_chart(figures.frozen(fig), key="lesson_gan_categories", config={"displayModeBar": False})
    st.caption("Each row: one value of c1, eight different noise vectors z, c2 = c3 = 0. The row's label is the class "
               "the category was paired with after training (the model never saw a label).")


GAN_ROWS = 5                    # categories shown in a traversal step


def gan_traversal(ds: str, code: str) -> None:
    """One continuous code swept past both ends of its trained range, for a few categories."""
    lesson_views.require_gan(ds)
    name = lesson_data.gan_name(ds)
    rows = tuple(categories.categories_by_class(name)[:GAN_ROWS])
    values = lesson_data.gan_sweep()
    pixels = lesson_data.gan_traversal(ds, code, rows)
    fig = _gan_figure(pixels, [categories.category_label(name, c) for c in rows], x_title=code,
                      x_ticks=([i * GAN_STEP + 14 for i in range(len(values))], [f"{v:+.1f}" for v in values]),
                      height=presenter.scaled(PLANE_HEIGHT + 70))
    trained = cache.model(name).trained_range
    figures.trained_range_columns(fig, values, trained, GAN_STEP, pixels.shape[0], text.span(*trained),
                                  font_size=15)
    fig.update_layout(margin=dict(t=30))
    st.plotly_chart(figures.frozen(fig), key=f"lesson_gan_{code}", config={"displayModeBar": False})
    st.caption(f"Each row: one category and one noise vector; only {code} changes from left to right. Inside the "
               f"dotted outline: the values it was trained on ({text.span(*trained)}); the shaded columns lie "
               "beyond them.")
