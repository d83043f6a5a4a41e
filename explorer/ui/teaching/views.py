"""The five views of the AE-versus-VAE lesson, shared by their own pages and by the Lesson page: the gaps view,
sampling from the prior, interpolation, the VAE posterior and the training replay. Widget keys are stable and
prefixed by view; the Lesson page's buttons set them (see :mod:`explorer.ui.teaching.lesson.steps`)."""

from __future__ import annotations

import html

import numpy as np
import streamlit as st

import explorer
from explorer import quality, teaching
from explorer.checkpoints import shown_path
from explorer.names import KIND_TITLES
from explorer.names import model_name

from explorer.ui.kit import colours, events
from explorer.ui.kit.html_rows import figure
from explorer.ui.kit.images import enlarge
from explorer.ui.shell.bundle import Bundle
from explorer.ui.shell import cache, guards, url
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching import figures as lesson_figures
from explorer.ui.widgets import flipbook, live, pointer

GAPS_CHARTS = {"ae": "gaps_map_ae", "vae": "gaps_map_vae"}
Z_KEYS = ("gaps_z1", "gaps_z2")
ON_KEY = "gaps_on"              # the map the position was pinned on ("ae" or "vae"); the other follows by meaning
PNG_HINT = "The camera button in a chart's toolbar saves that figure as a PNG."


def init_state(ds: str) -> None:
    """The pinned position's defaults: the clicks set them, so they are session state before any widget shows them
    (the other controls take their defaults and their URL values from the widgets themselves, :func:`shared`)."""
    for key, value in ((Z_KEYS[0], 0.0), (Z_KEYS[1], 0.0), (ON_KEY, "ae")):
        st.session_state.setdefault(key, value)


def shared(key: str) -> dict:
    """A control of these pages kept in the page's URL (:func:`explorer.ui.shell.url.shared`)."""
    return url.shared(key)


def require(ds: str, kinds=lesson_data.KINDS, classifier: bool = True, dim: int = 2) -> None:
    """Stop this view with a clear ``st.error`` when a model, the classifier or the test split is missing."""
    for kind in kinds:
        guards.model_or_stop(lesson_data.model_name(ds, kind, dim))
    if classifier:
        guards.model_or_stop(model_name(ds, "classifier"))
    guards.test_set_or_stop(ds)


def require_gan(ds: str) -> None:
    """Stop this view with a clear ``st.error`` when the dataset's InfoGAN or its test split is missing."""
    guards.model_or_stop(lesson_data.gan_name(ds))
    guards.test_set_or_stop(ds)


def _stack(tables: list[dict]) -> dict[str, np.ndarray]:
    """Tables (dicts of equal-length columns with the same keys) one below the other."""
    return {k: np.concatenate([np.asarray(t[k]) for t in tables]) for k in tables[0]}


def download_csv(label: str, data, file_name: str, key: str) -> None:
    """A CSV download; ``data``: the bytes, or a function that makes them when the button is pressed (for tables
    too large to build on every run)."""
    st.download_button(label, data, file_name=file_name, mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:")


def _percent(x: float) -> str:
    return "–" if np.isnan(x) else f"{x:.0%}"




def _verdict(d: dict, classes) -> str:
    """A decode's verdict as HTML: the :func:`explorer.quality.is_data_like` rule and the numbers behind it."""
    ok = f'<strong style="color:{colours.verdict_colour(d["data_like"])}">{colours.verdict_words(d["data_like"])}</strong>'
    where = "far from every encoding (a gap)" if d["far"] else "near the encodings"
    if d["outside"]:
        where = "outside this model's map, far from every encoding"
    return (f"{ok}: looks like <strong>{html.escape(classes[d['predicted']])}</strong> with confidence "
            f"<strong>{d['confidence']:.2f}</strong>; {d['distance_ratio']:.2f}× the typical distance to a real "
            f"image; {where}.")


def hover_verdicts(ds: str) -> dict:
    """Send both 2-D models' quality maps to the browser and return :func:`explorer.ui.widgets.live.hover`'s ``verdict``: the
    hover card then says under each decode what the nearest scored grid point's verdict is."""
    live.verdicts({b.name: lesson_data.quality_map(b) for b in lesson_data.pair(ds).values()})
    return {"classes": lesson_data.class_names(ds), "colours": {True: colours.GOOD, False: colours.BAD},
            "marks": {"yes": colours.MARKS[True], "no": colours.MARKS[False]}}


def _decodes(cells: list[tuple[np.ndarray, str, str]]) -> str:
    """(image, caption, verdict HTML) side by side as one HTML block: a click's two decodes arrive as one element,
    with their pixels inline."""
    cell = ('<div style="display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2fr);gap:16px;'
            'align-items:start">{}<p style="margin:0;line-height:1.6">{}</p></div>')
    return ('<div class="gaps-decode" lang="en" style="display:grid;grid-template-columns:repeat(2,minmax(0,1fr));'
            'column-gap:3rem;margin:4px 0 8px">'
            + "".join(cell.format(figure(image, caption, None), verdict) for image, caption, verdict in cells)
            + "</div>")


# --- 1. gaps -------------------------------------------------------------------------------------------------------

def _pin(kind: str, x: float, y: float) -> None:
    st.session_state[ON_KEY] = kind
    st.session_state[Z_KEYS[0]] = round(x, 2)
    st.session_state[Z_KEYS[1]] = round(y, 2)


def take_map_click() -> None:
    """Pin a new click on either map there (a click already seen, which the chart keeps across reruns, does not
    move it again)."""
    for kind, chart in GAPS_CHARTS.items():
        points = events.points(events.new_selection(chart))
        if points and points[0]["x"] is not None:
            _pin(kind, points[0]["x"], points[0]["y"])


def take_live_click() -> None:
    """The live hover's click on either map (see :func:`explorer.ui.widgets.live.clicked`) pins it at once, as the
    chart's selection event then does again."""
    point = live.clicked("gaps_hover")
    kind = next((k for k, chart in GAPS_CHARTS.items() if point and chart == point["chart"]), None)
    if kind is not None:
        _pin(kind, point["x"], point["y"])


def gaps_positions(ds: str) -> dict[str, list[float]]:
    """Where each model is decoded: the pinned position on the map it was pinned on, and the same place among the
    test images on the other map (:func:`explorer.ui.teaching.data.linked_pins`)."""
    on = st.session_state.get(ON_KEY, "ae")
    on = on if on in GAPS_CHARTS else "ae"
    return lesson_data.linked_pins(ds, on, (float(st.session_state[Z_KEYS[0]]), float(st.session_state[Z_KEYS[1]])))


def gaps_view(ds: str) -> None:
    """Both 2-D planes coloured by decode quality, and below them the pinned position decoded by both models."""
    init_state(ds)
    require(ds)
    take_map_click()
    charts = pointer.charts()
    c1, c2, _ = st.columns([3, 2, 4])
    metric = c1.selectbox("Colour the plane by", list(lesson_figures.METRICS), **shared("gaps_metric"),
                          format_func=lesson_figures.METRICS.get)
    show_density = c2.toggle("Density of encodings", value=True, **shared("gaps_density"))
    how = charts.say("**Hover over either map** to see both models decode the place under the pointer, each with "
                     "the verdict of the nearest scored grid point; **click** (or type z1, z2 below) to keep a place "
                     "and score it exactly with both models.",
                     "**Click anywhere on either map** (or type z1, z2 below) to decode that place with both models.")
    st.caption(f"{how} The two planes differ "
               "in scale, so the other model is decoded at the **same place among the test images**, not at the "
               "same numbers. "
               f"White: the decoded image is data-like (classifier confidence ≥ {quality.CONFIDENT} and within "
               f"{quality.CLOSE}× the typical real-to-real distance of a real image); red: it is not. Beyond the "
               f"dashed line no test encoding is within {quality.FAR:.0%} of the plane's width.")
    rows = {}
    positions = gaps_positions(ds)
    models = lesson_data.pair(ds)
    for kind, col in zip(lesson_data.KINDS, st.columns(2, gap="large")):
        name = models[kind].name
        qmap = rows[name] = lesson_data.quality_map(models[kind])
        head = qmap.headline()
        with col:
            st.subheader(KIND_TITLES[kind])
            m1, m2, m3 = st.columns(3)
            m1.metric("Data-like", _percent(head["fraction_data_like"]),
                      help="Share of the plane (the 50 × 50 grid) whose decoded image is data-like.")
            m2.metric("Far from encodings", _percent(head["fraction_far"]),
                      help="Share of the plane beyond the dashed line: no test image is encoded near it.")
            m3.metric("Data-like where far", _percent(head["data_like_where_far"]),
                      help="Of the far part of the plane, the share that still decodes to something data-like.")
            fig = charts.figure(lesson_data.quality_figure(models[kind], metric, show_density), positions[kind],
                                "decoded here")
            st.plotly_chart(fig, key=GAPS_CHARTS[kind], on_select=charts.on_select(),
                            selection_mode="points", config=lesson_figures.plot_config(f"{name}-gaps-{metric}"))
    # live: a click reruns only the decoded point (the figures, decoders and link grids are not sent again)
    charts.decoders(*(b.name for b in models.values()))
    links, verdict = charts.when_live(lambda: lesson_data.hover_links(ds)), charts.when_live(lambda: hover_verdicts(ds))
    charts.clicked_part(_gaps_point)(ds, models, charts, links, verdict)
    st.caption(PNG_HINT)
    download_csv("Download both maps as CSV",        # 370 KB: made when pressed, not on every run
                 lambda: teaching.to_csv(_stack([teaching.quality_map_columns(q, n) for n, q in rows.items()])),
                 f"{ds}-gaps.csv", "gaps_csv")


def _gaps_point(ds: str, models: dict[str, Bundle], charts: pointer.PointerCharts, links: dict | None,
                verdict: dict | None) -> None:
    """The pinned position: typed z1, z2, and both models' decodes of it with their verdicts (and, with the live
    widgets' ``links`` from :func:`explorer.ui.teaching.data.hover_links` and ``verdict`` from
    :func:`hover_verdicts`, the hover card, the pins and the click path)."""
    classes = lesson_data.class_names(ds)
    c0, c1, c2, _ = st.columns([3, 2, 2, 3])
    c0.radio("Pinned on", lesson_data.KINDS, **shared(ON_KEY), horizontal=True,
             format_func=lambda k: f"{k.upper()} map",
             help="The position below is on this map; the other model is decoded at the same place among the "
                  "test images.")
    c1.number_input("Decode at z1", step=0.1, format="%.2f", **shared(Z_KEYS[0]))
    c2.number_input("z2", step=0.1, format="%.2f", **shared(Z_KEYS[1]))
    positions = gaps_positions(ds)
    names = [models[kind].name for kind in lesson_data.KINDS]
    cells = []
    for kind in lesson_data.KINDS:
        x, y = positions[kind]
        decoded = lesson_data.decode_point(models[kind], x, y)
        cells.append((decoded["image"], f"{kind.upper()} at ({x:.2f}, {y:.2f})", _verdict(decoded, classes)))
    st.html(_decodes(cells))
    on = st.session_state.get(ON_KEY, "ae")
    st.caption(f"Pinned on the {on.upper()} map; the {lesson_data.other(on).upper()} is decoded at the same place "
               "among the test images (the triangle of test encodings around the pin, carried to its map).")
    if links is not None:
        shown = [(GAPS_CHARTS[kind], {"kind": "raw"}, tuple(positions[kind]), links[kind])
                 for kind in lesson_data.KINDS]
        charts.hover("gaps_hover", shown, names, [KIND_TITLES[kind] for kind in lesson_data.KINDS],
                     axis_names=("z1", "z2"), on_click=take_live_click, verdict=verdict)


# --- 2. sampling from the prior ---------------------------------------------------------------------------------

def prior_view(ds: str) -> None:
    init_state(ds)
    left, right = st.columns([2, 3])
    dim = left.radio("Latent size", lesson_data.LATENT_SIZES, **shared("prior_dim"), horizontal=True,
                     format_func=lambda d: f"{d}-D" + (" (the maps' models)" if d == 2 else ""),
                     help="The 2-D models are the ones on the maps; the 16-D ones reconstruct better.")
    seed = right.number_input("Random seed", min_value=0, max_value=9999, step=1, **shared("prior_seed"),
                              help="The same seed draws the same z for both models.")
    require(ds, dim=dim)
    st.markdown("Draw **z ~ N(0, I)**, the prior the VAE was trained to match, and decode the same z with both "
                "models. Blue solid frame ✓: data-like; orange dashed frame ✗: not.")
    _prior_samples(ds, int(dim), int(seed))
    _prior_mix(ds, int(dim), int(seed))


@st.fragment
def _prior_samples(ds: str, dim: int, seed: int) -> None:
    """What the "Samples shown" slider changes, and only that (it reruns alone): each model's framed samples and,
    in 2-D, their rings on its map, both cached by (model, count, seed); and the CSV of the samples shown."""
    count = st.slider("Samples shown", 8, 64, 24, step=8, **shared("prior_count"))
    columns = st.columns(2, gap="large")
    rows = []
    models = lesson_data.pair(ds, dim)
    for kind, col in zip(lesson_data.KINDS, columns):
        name = models[kind].name
        shown = lesson_data.prior_samples(models[kind], count, seed)
        with col:
            st.subheader(f"{KIND_TITLES[kind]} · {dim}-D")
            st.metric(f"Data-like among {quality.PRIOR_SAMPLES:,} prior samples",
                      _percent(lesson_data.prior_fraction(models[kind], seed)))
            st.image(lesson_data.prior_strip(models[kind], count, seed), width="stretch", output_format="PNG")
            if dim == 2:
                st.plotly_chart(lesson_data.prior_map(models[kind], count, seed), key=f"prior_map_{kind}",
                                config=lesson_figures.plot_config(f"{name}-prior"))
        rows.append({"model": np.array([name] * count), **{f"z{i + 1}": shown["z"][:, i] for i in range(dim)},
                     "confidence": shown["confidence"], "predicted_class": shown["predicted"],
                     "distance_ratio": shown["distance_ratio"], "data_like": shown["data_like"].astype(int)})
    download_csv("Download the samples as CSV", teaching.to_csv(_stack(rows)), f"{ds}-{dim}d-prior-{seed}.csv",
                 "prior_csv")


def _prior_mix(ds: str, dim: int, seed: int) -> None:
    """Which classes the 1,000 prior samples decode to, against the test set's mix (not the slider's business)."""
    models = lesson_data.pair(ds, dim)
    _, labels = cache.dataset(ds, "test")
    mixes, distances = {}, {}
    for kind in lesson_data.KINDS:
        samples = lesson_data.prior_samples(models[kind], quality.PRIOR_SAMPLES, seed)
        mixes[kind.upper()], mixes["test set"], distances[kind] = quality.class_mix(samples["predicted"], labels)
    st.markdown(f"**Which classes do {quality.PRIOR_SAMPLES:,} prior samples decode to?** "
                f"Distance from the test set's class mix (total variation, 0 = the same mix, 1 = nothing in "
                f"common): autoencoder **{distances['ae']:.2f}**, VAE **{distances['vae']:.2f}**.")
    st.plotly_chart(lesson_figures.class_mix_figure({k: mixes[k] for k in ("test set", "AE", "VAE")},
                                                    lesson_data.class_names(ds)),
                    key="prior_mix", config=lesson_figures.plot_config(f"{ds}-{dim}d-prior-class-mix"))
    st.info("The VAE's training pulls its encodings towards N(0, I), so the prior's samples should fall where "
            "its images are, in roughly the data's proportions. The autoencoder was never asked to: its encodings "
            "sit wherever training left them, often spread far wider than N(0, I), so its prior samples reach "
            "only part of its space (in 16-D, almost none of it). Compare the frames, the bars and the distances.")
    st.caption(PNG_HINT)


# --- 3. interpolation ----------------------------------------------------------------------------------------------

def _image_picker(ds: str, side: str, col) -> int:
    classes = lesson_data.class_names(ds)
    images, _ = cache.dataset(ds, "test")
    with col:
        a, b = st.columns([3, 2])
        cls = a.selectbox(f"Image {side}: class", range(len(classes)), index={"A": 1, "B": 7}[side],
                          **shared(f"interp_class_{side.lower()}"), format_func=lambda k: classes[k])
        pick = b.number_input("example", min_value=0, max_value=999, step=1, **shared(f"interp_pick_{side.lower()}"),
                              help="0 is the class's first test image that both models reconstruct as its class.")
        index = lesson_data.example_index(ds, int(cls), int(pick))
        st.image(enlarge(images[index], 84), width=84, caption=f"{side}: test image #{index}", output_format="PNG")
    return index


def interpolation_view(ds: str) -> None:
    init_state(ds)
    require(ds)
    left, right = st.columns(2)
    index_a = _image_picker(ds, "A", left)
    index_b = _image_picker(ds, "B", right)
    _paths(ds, index_a, index_b)


@st.fragment
def _paths(ds: str, index_a: int, index_b: int) -> None:
    steps = st.slider("Steps along the path", 5, 15, 11, **shared("interp_steps"))
    paths = lesson_data.paths(ds, index_a, index_b, steps)
    st.markdown("Each strip decodes evenly spaced points on a path from A's encoding to B's. **Linear** walks the "
                "straight line; **spherical** (VAE) follows the arc about the origin, staying at the radii where "
                "the prior puts its mass.")
    for label, path in paths.items():
        st.markdown(f"**{label}** · {path['data_like'].mean():.0%} of the steps data-like")
        st.image(lesson_data.path_strip(ds, index_a, index_b, steps, label), output_format="PNG")
    st.plotly_chart(lesson_data.path_scores_figure(ds, index_a, index_b, steps),
                    key="interp_scores", config=lesson_figures.plot_config(f"{ds}-interpolation-scores"))
    columns = st.columns(2, gap="large")
    for kind, col in zip(lesson_data.KINDS, columns):
        name = lesson_data.model_name(ds, kind)
        with col:
            st.markdown(f"**{KIND_TITLES[kind]}**: the path on its latent map")
            st.plotly_chart(lesson_data.path_map(ds, kind, index_a, index_b, steps),
                            key=f"interp_map_{kind}", config=lesson_figures.plot_config(f"{name}-path"))
    st.caption(PNG_HINT)
    columns = {"path": [], "step": [], "t": [], "z1": [], "z2": [], "confidence": [], "predicted_class": [],
               "distance_ratio": [], "data_like": []}
    for label, p in paths.items():
        n = len(p["z"])
        for key, values in (("path", [label] * n), ("step", range(n)), ("t", np.linspace(0, 1, n)),
                            ("z1", p["z"][:, 0]), ("z2", p["z"][:, 1]), ("confidence", p["confidence"]),
                            ("predicted_class", p["predicted"]), ("distance_ratio", p["distance_ratio"]),
                            ("data_like", p["data_like"].astype(int))):
            columns[key].extend(values)
    download_csv("Download the paths as CSV", teaching.to_csv({k: np.array(v) for k, v in columns.items()}),
                 f"{ds}-paths-{index_a}-{index_b}.csv", "interp_csv")


# --- 4. the VAE posterior ------------------------------------------------------------------------------------------

def posterior_view(ds: str) -> None:
    init_state(ds)
    require(ds, kinds=("vae",), classifier=False)
    classes = lesson_data.class_names(ds)
    chosen = st.multiselect("Classes to show", range(len(classes)), default=[1, 7], **shared("post_classes"),
                            format_func=lambda k: classes[k])
    _posterior(ds, tuple(int(c) for c in chosen))


@st.fragment
def _posterior(ds: str, chosen: tuple[int, ...]) -> None:
    classes = lesson_data.class_names(ds)
    count = st.slider("Images per class", 1, 20, 6, **shared("post_count"))
    if not chosen:
        st.info("Choose one or more classes above.")
        return
    indices = []
    for cls in chosen:
        idx = lesson_data.class_indices(ds, cls)
        indices.extend(idx[np.linspace(0, len(idx) - 1, min(count, len(idx))).astype(int)].tolist())
    mu, sigma = lesson_data.posterior(ds, tuple(indices))
    _, labels = cache.dataset(ds, "test")
    name = lesson_data.model_name(ds, "vae")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.plotly_chart(lesson_data.posterior_figure(ds, tuple(indices)), key="post_map",
                        config=lesson_figures.plot_config(f"{name}-posterior"))
    with right:
        st.markdown("The VAE's encoder does not return a point but a **cloud**: a mean μ and a spread σ per "
                    "latent dimension (solid ellipses 1σ, dotted 2σ). Training decodes random points from each "
                    "cloud, so the decoder learns the space around every encoding, not just the encodings; and "
                    "the KL term pulls the clouds towards the prior **N(0, I)** (blue circles, with the prior's "
                    "mass inside each) and stops σ from shrinking to zero. Compare the σ below with the distances "
                    "between classes on the map: the map is zoomed to the chosen images, so that their clouds can "
                    "be seen.")
        for c in chosen:
            mine = [i for i in indices if labels[i] == c]
            st.image(lesson_data.image_row(ds, tuple(mine[:10])), output_format="PNG",
                     caption=f"{classes[c]}: the images whose clouds are drawn" +
                             (f" (10 of {len(mine)})" if len(mine) > 10 else ""))
        summary = [{"class": classes[c], "images": int((labels[indices] == c).sum()),
                    "mean σ1": float(sigma[labels[indices] == c, 0].mean()),
                    "mean σ2": float(sigma[labels[indices] == c, 1].mean())} for c in chosen]
        st.dataframe(summary, hide_index=True, width="stretch",
                     column_config={"mean σ1": st.column_config.NumberColumn(format="%.3f"),
                                    "mean σ2": st.column_config.NumberColumn(format="%.3f")})
    st.caption(PNG_HINT)
    download_csv("Download μ and σ as CSV", teaching.to_csv(
        {"test_index": np.array(indices), "class": labels[indices], "mu1": mu[:, 0], "mu2": mu[:, 1],
         "sigma1": sigma[:, 0], "sigma2": sigma[:, 1]}), f"{ds}-posterior.csv", "post_csv")


# --- 5. training replay --------------------------------------------------------------------------------------------

REPLAY_WIDTH = 420         # pixels of each replay map (what explorer.ui.teaching.warm draws before a first visit)

def replay_view(ds: str) -> None:
    """Both maps at every saved epoch: a flipbook with Play (the browser swaps the epochs' maps, drawn once on the
    server for every session); the CSV holds the epoch shown."""
    init_state(ds)
    require(ds, classifier=False)
    try:
        epochs = lesson_data.replay_epochs(ds)
    except explorer.CheckpointError as e:
        st.error(f"**No training replay for {explorer.DATASETS[ds].title}.** {e.problem}  \n`{shown_path(e.path)}`")
        st.stop()
    fixed = st.toggle("Same axes for every epoch (the final map's range)", **shared("replay_fixed_axes"),
                      help="On: watch each map grow to its final scale. Off: each epoch on its own range, to see "
                           "its shape.")
    st.caption("Press **Play**, or drag the slider. The autoencoder spreads its classes to whatever scale suits "
               "it; the VAE's stays near the scale of N(0, I).")
    at = flipbook.show("replay_book", lesson_data.replay_book(ds, bool(fixed), REPLAY_WIDTH), default=len(epochs) - 1)
    epoch = epochs[at]
    rows = {kind: lesson_data.replay(lesson_data.model_name(ds, kind)).at(epoch) for kind in lesson_data.KINDS}
    labels = lesson_data.replay(lesson_data.model_name(ds, "ae")).labels
    download_csv(f"Download the encodings at {'the start' if epoch == 0 else f'epoch {epoch}'} as CSV",
                 teaching.to_csv({"label": labels, "ae_z1": rows["ae"][:, 0], "ae_z2": rows["ae"][:, 1],
                                  "vae_z1": rows["vae"][:, 0], "vae_z2": rows["vae"][:, 1]}),
                 f"{ds}-replay-epoch-{epoch}.csv", "replay_csv")
