"""Cached computations of the AE-versus-VAE lesson (``st.cache_data`` for arrays, ``st.cache_resource`` for
figures, which callers copy before changing). Per-model computations take the model's :class:`Bundle` (hashed as its
name), the others a dataset and numbers, so caches are shared by all sessions."""

from __future__ import annotations


import numpy as np
import streamlit as st

import explorer
from explorer import names, quality, teaching
from explorer.latent import encode as encode_images, infogan_generate, infogan_noise, infogan_traversal

from explorer.ui.kit.figures import frozen
from explorer.ui.kit.images import enlarge, mosaic, png_bytes
from explorer.ui.shell import cache, categories, projections
from explorer.ui.shell.bundle import HASH, Bundle, bundle
from explorer.ui.teaching import figures as lesson_figures
from explorer.ui.widgets import live
from explorer.ui.widgets.flipbook import Book, ImagePanel

KINDS = ("ae", "vae")


def _stills():
    """The Matplotlib stills, imported on first use: their import costs 0.25 s here (Matplotlib), and only the
    Lesson and the Training replay draw stills."""
    from explorer.ui.teaching import stills      # measured start-up cost: see the docstring

    return stills


LATENT_SIZES = (2, 16)


def model_name(ds: str, kind: str, dim: int = 2) -> str:
    """The model of a kind the lesson uses: ``<ds>-ae-2d``, ``<ds>-vae-2d`` (the maps), or the 16-D ones."""
    return names.model_name(ds, kind, dim)


def pair(ds: str, dim: int = 2) -> dict[str, Bundle]:
    """The autoencoder and the VAE the lesson compares, by kind, resolved once for the caller's run."""
    return {kind: bundle(model_name(ds, kind, dim)) for kind in KINDS}


def class_names(ds: str) -> tuple[str, ...]:
    return explorer.DATASETS[ds].classes


def _scored(scores: quality.DecodeQuality) -> dict[str, np.ndarray]:
    return {"confidence": scores.confidence, "predicted": scores.predicted,
            "distance_ratio": scores.distance_ratio, "data_like": scores.data_like}


@st.cache_data(show_spinner="Decoding and scoring a 50 × 50 grid…", max_entries=16, hash_funcs=HASH)
def quality_map(b: Bundle) -> quality.QualityMap:
    return quality.quality_map(b.model, b.scorer, b.encodings)


@st.cache_data(show_spinner="Measuring the gaps…", max_entries=16, hash_funcs=HASH)
def gap_numbers(b: Bundle) -> dict[str, float]:
    """One AE's or VAE's published gap numbers (:func:`explorer.quality.gap_numbers`, what
    ``python -m explorer.evaluate`` records and the README and docs show)."""
    qmap = quality_map(b) if b.model.latent_dim == 2 else None
    return quality.gap_numbers(b.model, b.scorer, b.encodings, b.labels, qmap)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=48, hash_funcs=HASH)
def quality_figure(b: Bundle, metric: str, show_density: bool, height: int = 560):
    return lesson_figures.quality_figure(quality_map(b), b.encodings, b.labels, b.classes, metric, show_density,
                                         height)


@st.cache_data(show_spinner=False, max_entries=512, hash_funcs=HASH)
def decode_point(b: Bundle, z1: float, z2: float) -> dict:
    """One position decoded and scored: image, confidence, predicted, distance_ratio, data_like, and the latent
    distance to the nearest test encoding (and whether that counts as far)."""
    images, scores = quality.decode_and_score(b.model, b.scorer, np.array([[z1, z2]]))
    nearest = float(quality.nearest_encoding(np.array([[z1, z2]]), b.encodings)[0])
    qmap = quality_map(b)
    return {"image": images[0], **{k: v[0].item() for k, v in _scored(scores).items()},
            "nearest_encoding": nearest, "far": nearest > qmap.far_threshold,
            "outside": bool(np.isnan(quality.value_at(qmap, qmap.confidence, (z1, z2))))}


@st.cache_data(show_spinner="Sampling from the prior…", max_entries=64, hash_funcs=HASH)
def prior_samples(b: Bundle, n: int, seed: int) -> dict[str, np.ndarray]:
    """z ~ N(0, I) (the same z for every model with this seed), decoded and scored."""
    z = quality.prior_samples(b.model.latent_dim, n, seed)
    images, scores = quality.decode_and_score(b.model, b.scorer, z)
    return {"z": z, "images": images, **_scored(scores)}


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=HASH)
def prior_strip(b: Bundle, n: int, seed: int) -> bytes:
    """The first ``n`` prior samples of ``seed`` decoded, 8 a row, framed by verdict, as PNG bytes (a slider step
    that comes back sends them without drawing or encoding them again)."""
    shown = prior_samples(b, n, seed)
    return png_bytes(lesson_figures.framed_strip(shown["images"], shown["data_like"], cols=8, size=56))


@st.cache_resource(show_spinner=False, max_entries=128, hash_funcs=HASH)
def prior_map(b: Bundle, n: int, seed: int):
    """The 2-D map with the first ``n`` prior samples of ``seed`` as rings or crosses (shared: never mutate it)."""
    shown = prior_samples(b, n, seed)
    return lesson_figures.with_points(projections.encodings_figure(b.name, 420), shown["z"], shown["data_like"],
                                      "prior samples")


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH)
def prior_fraction(b: Bundle, seed: int = quality.PRIOR_SEED) -> float:
    """Fraction of :data:`explorer.quality.PRIOR_SAMPLES` prior samples that decode to something data-like (with
    the default seed: the published number)."""
    return float(prior_samples(b, quality.PRIOR_SAMPLES, seed)["data_like"].mean())


@st.cache_data(show_spinner="Decoding the paths…", max_entries=64)
def paths(ds: str, index_a: int, index_b: int, steps: int) -> dict[str, dict[str, np.ndarray]]:
    """Between two test images: the AE's linear path, the VAE's linear and spherical paths, decoded and scored."""
    images, _ = cache.dataset(ds, "test")
    scorer = cache.quality_scorer(ds)
    out = {}
    for label, kind, spherical in (("AE · linear", "ae", False), ("VAE · linear", "vae", False),
                                   ("VAE · spherical", "vae", True)):
        z, decoded, scores = teaching.interpolation(cache.model(model_name(ds, kind)), scorer, images[index_a],
                                                     images[index_b], steps, spherical)
        out[label] = {"z": z, "images": decoded, **_scored(scores)}
    return out


@st.cache_data(show_spinner=False, max_entries=128)
def path_strip(ds: str, index_a: int, index_b: int, steps: int, label: str) -> bytes:
    """One path's decoded steps framed by verdict, as PNG bytes (cached by the path: a step back sends them as
    they are)."""
    path = paths(ds, index_a, index_b, steps)[label]
    return png_bytes(lesson_figures.framed_strip(path["images"], path["data_like"], size=64))


@st.cache_resource(show_spinner=False, max_entries=64)
def path_scores_figure(ds: str, index_a: int, index_b: int, steps: int):
    """Confidence and distance ratio along every path (shared: never mutate it)."""
    shown = paths(ds, index_a, index_b, steps)
    return lesson_figures.path_scores({k: (p["confidence"], p["distance_ratio"]) for k, p in shown.items()})


@st.cache_resource(show_spinner=False, max_entries=64)
def path_map(ds: str, kind: str, index_a: int, index_b: int, steps: int):
    """``kind``'s 2-D map with its paths drawn (shared: never mutate it)."""
    mine = {k: p["z"] for k, p in paths(ds, index_a, index_b, steps).items() if k.startswith(kind.upper() + " ")}
    return lesson_figures.with_paths(projections.encodings_figure(model_name(ds, kind), 460), mine)


@st.cache_data(show_spinner=False, max_entries=64)
def posterior(ds: str, indices: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D VAE's posterior mean and sigma of some test images."""
    images, _ = cache.dataset(ds, "test")
    return teaching.posterior(cache.model(model_name(ds, "vae")), images[list(indices)])


@st.cache_data(show_spinner=False, max_entries=256)
def image_row(ds: str, indices: tuple[int, ...]) -> bytes:
    """These test images side by side, 48 px each with a white gap, as PNG bytes."""
    images, _ = cache.dataset(ds, "test")
    return png_bytes(np.hstack([np.pad(enlarge(images[i], 48), 2, constant_values=255) for i in indices]))


@st.cache_resource(show_spinner=False, max_entries=64)
def posterior_figure(ds: str, indices: tuple[int, ...]):
    """The VAE posterior page's map for these test images (shared: never mutate it)."""
    mu, sigma = posterior(ds, indices)
    _, labels = cache.dataset(ds, "test")
    return lesson_figures.posterior_figure(cache.encodings(model_name(ds, "vae")), labels, class_names(ds), mu, sigma,
                                           labels[list(indices)])


@st.cache_data(show_spinner="Reading the training snapshots…", max_entries=8)
def replay(name: str) -> teaching.Replay:
    return teaching.load_replay(name)


def class_indices(ds: str, cls: int) -> np.ndarray:
    """Test image indices of one class, in file order."""
    _, labels = cache.dataset(ds, "test")
    return np.flatnonzero(labels == cls)


def example_index(ds: str, cls: int, pick: int) -> int:
    """The ``pick``-th test image of class ``cls`` counted from its :func:`typical_example` (wrapping around), so
    that the first pick is one both models reconstruct as its class."""
    idx = class_indices(ds, cls)
    start = int(np.flatnonzero(idx == typical_example(ds, cls))[0])
    return int(idx[(start + pick) % len(idx)])


# --- the Lesson's comparisons and stills ----------------------------------------------------------------------------

LINK_NODES = 31                   # per side of the grid that carries a position to the other model's plane


@st.cache_resource(show_spinner=False, max_entries=8)
def link(ds: str, kind: str) -> teaching.LinkGrid:
    """Positions on ``kind``'s 2-D plane carried to the other model's plane through the test images around them
    (:func:`explorer.teaching.link_grid`), over the plane of ``kind``'s quality map."""
    other = "vae" if kind == "ae" else "ae"
    qmap = quality_map(bundle(model_name(ds, kind)))
    x = np.linspace(qmap.x[0], qmap.x[-1], LINK_NODES)
    y = np.linspace(qmap.y[0], qmap.y[-1], LINK_NODES)
    return teaching.link_grid(cache.encodings(model_name(ds, kind)), cache.encodings(model_name(ds, other)), x, y)


def other(kind: str) -> str:
    return "vae" if kind == "ae" else "ae"


def linked_pins(ds: str, kind: str, point) -> dict[str, list[float]]:
    """A position pinned on ``kind``'s plane, and the same place on the other model's plane (:func:`link`), each
    rounded to two decimals as the pages show them."""
    here = [round(float(point[0]), 2), round(float(point[1]), 2)]
    there = teaching.linked(link(ds, kind), here)
    return {kind: here, other(kind): [round(float(v), 2) for v in there]}


def hover_links(ds: str) -> dict[str, list[dict]]:
    """Per plane, how the live hover card's two decoders (AE, VAE) read a position on it: its own model as it is,
    the other model through :func:`link` (sends the grids to the browser, see :func:`explorer.ui.widgets.live.grid_link`)."""

    specs = {kind: live.grid_link(f"{ds}-{kind}-to-{other(kind)}", link(ds, kind)) for kind in KINDS}
    return {kind: [{"kind": "raw"} if k == kind else specs[kind] for k in KINDS] for kind in KINDS}


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=HASH)
def prior_still(b: Bundle) -> np.ndarray:
    """The 2-D map with the Lesson's 32 prior samples as rings (data-like) or crosses (not)."""
    shown = prior_samples(b, 32, quality.PRIOR_SEED)
    return _stills().latent_map(b.encodings, b.labels, b.classes, 400, 300, rings=(shown["z"], shown["data_like"]))


@st.cache_resource(show_spinner=False, max_entries=16)
def path_still(ds: str, kind: str, index_a: int, index_b: int) -> np.ndarray:
    """``kind``'s 2-D map with its paths between two test images."""
    _, labels = cache.dataset(ds, "test")
    walked = {k: p["z"] for k, p in paths(ds, index_a, index_b, 11).items() if k.startswith(kind.upper() + " ")}
    return _stills().latent_map(cache.encodings(model_name(ds, kind)), labels, class_names(ds), 380, 250,
                             paths=walked, title=names.KIND_TITLES[kind])


@st.cache_resource(show_spinner=False, max_entries=16)
def path_scores_still(ds: str, index_a: int, index_b: int) -> np.ndarray:
    walked = paths(ds, index_a, index_b, 11)
    return _stills().path_scores({k: (p["confidence"], p["distance_ratio"]) for k, p in walked.items()})


def posterior_picks(ds: str, classes: tuple[int, ...], count: int) -> tuple[int, ...]:
    """``count`` test images of each class, spread evenly over the class (not the first few by index)."""
    out = []
    for cls in classes:
        idx = class_indices(ds, cls)
        out.extend(idx[np.linspace(0, len(idx) - 1, min(count, len(idx))).astype(int)].tolist())
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=16)
def posterior_still(ds: str, classes: tuple[int, ...], count: int) -> np.ndarray:
    _, labels = cache.dataset(ds, "test")
    indices = posterior_picks(ds, classes, count)
    mu, sigma = posterior(ds, indices)
    return _stills().posterior_map(cache.encodings(model_name(ds, "vae")), labels, class_names(ds), mu, sigma,
                                labels[list(indices)])


TRAIL = 3                       # the replay draws where each encoding was over the last TRAIL epochs
TRAIL_POINTS = 2000             # ... for this many encodings at most (a fixed sample): 10,000 trails are a smear and
                                # take most of the drawing time (Fashion-MNIST: 1.1 s a map with all, 0.25 s with 2,000)


def replay_epochs(ds: str) -> list[int]:
    """The epochs both 2-D models have snapshots of (the replay's stops)."""
    return [int(e) for e in teaching.common_epochs(*(replay(model_name(ds, kind)) for kind in KINDS))]


@st.cache_resource(show_spinner="Drawing the training replay…", max_entries=8)
def replay_book(ds: str, fixed_axes: bool = True, width: int = 300):
    """Both models' maps at every saved epoch, as a flipbook with Play, :data:`TRAIL_POINTS` of the encodings
    trailing where they were over the last :data:`TRAIL` epochs: each map on the axes of its own final epoch, so that growth is visible
    (``fixed_axes``), or each epoch on its own range, so that its shape is."""
    replays = {kind: replay(model_name(ds, kind)) for kind in KINDS}
    epochs = replay_epochs(ds)
    panels = []
    for kind, r in replays.items():
        trailed = np.sort(np.random.default_rng(0).permutation(len(r.labels))[:TRAIL_POINTS])
        final = r.at(epochs[-1])
        lo, hi = np.percentile(final, 0.5, axis=0), np.percentile(final, 99.5, axis=0)
        pad = 0.1 * (hi - lo)
        ranges = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])) if fixed_axes else None
        frames = np.stack([_stills().latent_map(r.at(e), r.labels, class_names(ds), width, round(0.9 * width),
                                             ranges=ranges, scale=1,
                                             trails=np.stack([r.at(p)[trailed]
                                                              for p in epochs[max(0, i - TRAIL):i + 1]]),
                                             trail_labels=r.labels[trailed])
                           for i, e in enumerate(epochs)])
        spans = [np.percentile(r.at(e), 99, axis=0) - np.percentile(r.at(e), 1, axis=0) for e in epochs]
        panels.append(ImagePanel(names.KIND_TITLES[kind], frames, width,
                                 tuple(f"{names.KIND_TITLES[kind]}: spans {s[0]:.1f} × {s[1]:.1f}" for s in spans)))
    stops = tuple("before training" if e == 0 else f"epoch {e}" for e in epochs)
    return Book("Training epoch", stops, tuple(panels), play_ms=450,
                help="Each map keeps the axes of its final epoch." if fixed_axes else
                "Each epoch's map is drawn on its own range.")


PROJECTOR_TICKS = dict(size=15)


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=HASH)
def lesson_plane(b: Bundle, height: int):
    """The Lesson's plane: the data-like test over the plane, the encodings and the far boundary, without a colour
    bar (white and red are named beside it); the same figure on every gaps step, so Plotly keeps it mounted."""
    fig = frozen(quality_figure(b, "data_like", False, height))
    fig.update_traces(showscale=False, selector=dict(type="heatmap"))
    fig.update_layout(margin=dict(l=4, r=4, t=4, b=4))
    fig.update_xaxes(tickfont=PROJECTOR_TICKS, title_font=PROJECTOR_TICKS)    # readable from the back row
    fig.update_yaxes(tickfont=PROJECTOR_TICKS, title_font=PROJECTOR_TICKS)
    return fig


@st.cache_data(show_spinner=False, max_entries=64)
def typical_example(ds: str, cls: int) -> int:
    """The first test image of a class that both 2-D models reconstruct as data-like images of that class (so
    that a path's ends are what they are said to be), else the class's first image."""
    images, _ = cache.dataset(ds, "test")
    idx = class_indices(ds, cls)[:64]
    scorer = cache.quality_scorer(ds)
    ok = np.ones(len(idx), bool)
    for kind in KINDS:
        model = cache.model(model_name(ds, kind))
        _, scores = quality.decode_and_score(model, scorer, encode_images(model, images[idx]))
        ok &= scores.data_like & (scores.predicted == cls)
    return int(idx[np.argmax(ok)]) if ok.any() else int(idx[0])


# --- the InfoGAN steps ----------------------------------------------------------------------------------------------

GAN_SAMPLES = 8                 # noise vectors per category in the Lesson's category mosaic
GAN_SWEEP = (-2.0, 2.0)         # a traversal's ends: past the trained range on both sides, so its edge shows


def gan_name(ds: str) -> str:
    return names.model_name(ds, "infogan")


@st.cache_data(show_spinner="Drawing the InfoGAN's categories…", max_entries=8)
def gan_categories(ds: str, seed: int = 0) -> np.ndarray:
    """A mosaic [rows, cols] of G's images: one row per category in its matched class's order, :data:`GAN_SAMPLES`
    noise vectors across, c2 = c3 = 0."""
    model = cache.model(gan_name(ds))
    rows = categories.categories_by_class(gan_name(ds))
    z = np.tile(infogan_noise(model, seed, GAN_SAMPLES), (len(rows), 1))
    c1 = np.repeat(rows, GAN_SAMPLES)
    return mosaic(infogan_generate(model, c1, np.zeros(len(c1)), np.zeros(len(c1)), z), cols=GAN_SAMPLES)


def gan_sweep(n: int = 9) -> np.ndarray:
    return np.linspace(*GAN_SWEEP, n)


@st.cache_data(show_spinner="Sweeping the InfoGAN's code…", max_entries=16)
def gan_traversal(ds: str, code: str, rows: tuple[int, ...], seed: int = 0, n: int = 9) -> np.ndarray:
    """A mosaic: one row per category in ``rows``, columns sweep ``code`` ("c2" or "c3") over :data:`GAN_SWEEP`
    with the other code at 0 and one noise vector."""
    model = cache.model(gan_name(ds))
    return mosaic(infogan_traversal(model, rows, code, gan_sweep(n), infogan_noise(model, seed)), cols=n)
