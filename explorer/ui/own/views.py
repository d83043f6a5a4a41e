"""Your own image: draw or upload one, see it prepared like the dataset's images, and what every model makes of
it (reconstructions, its place on the maps, the classifier's and InfoGAN's readings, its nearest test images)."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st
from streamlit.runtime.uploaded_file_manager import DeletedFile

import explorer
from explorer import names, own_image
from explorer.names import model_name

from explorer.ui.kit import figures
from explorer.ui.own import data as own_data
from explorer.ui.shell import cache, guards, heavy, last_image, projections, sidebar, url
from explorer.ui.widgets import draw
from explorer.ui.kit.images import to_uint8
from explorer.ui.kit.html_rows import figure_row, for_screen
from explorer.ui.widgets import pointer

SOURCES = ("Draw", "Upload", "Example")
MAP_KEYS = ("own_map_ae", "own_map_vae", "own_map_16d")      # the maps' chart keys (the 16-D map's last)
PAD_KEY = "own_draw"                                         # the drawing pad
CAPTION = "font-size:14px;line-height:1.6;opacity:.6;margin:0"       # st.caption's look
INVERT = {"auto": None, "dark ink on light": True, "light ink on dark": False}
INVERT_KEY, MAP_METHOD_KEY = "own_invert", "own_map_method"     # the background and map controls' state
INK_LINK = "own_ink"               # the drawing in the page URL (explorer.ui.widgets.draw.ink_link)
UPLOAD_KEY = "own_upload"          # the file uploader
RESTARTED = "**The server restarted; upload the image again.**"


def view() -> None:
    """The Your own page, its title included (it names a digit or an image by the dataset)."""
    ds = sidebar.current_dataset()
    st.title("Your own " + ("digit" if ds == "mnist" else "image"))
    own_view(ds)


def own_view(ds: str) -> None:
    """With the live widgets, the drawing and its readings rerun as a fragment and the maps stay as they are (the
    browser moves the rings over them); without, each drawing reruns the page and the server draws the markers."""
    guards.model_or_stop(model_name(ds, "classifier"))
    guards.test_set_or_stop(ds)
    own_data.warm_up(ds)
    charts = pointer.charts()
    reading = charts.clicked_part(_drawing)(ds)
    _maps(ds, charts.drawn_by_server(reading))


def _drawing(ds: str) -> dict | None:
    """The input, its preparation and every model's reading; returns the reading (None without an image)."""
    classes = explorer.DATASETS[ds].classes
    left, right = st.columns([1, 2], gap="large")
    with left:
        grey, source = _input(ds)
    if grey is None and source == "Upload" and upload_gone():
        _rings(left, {})
        right.warning(RESTARTED + " Uploaded files live in the server's memory, which a restart empties (the "
                      "file's name above is only what your browser remembers); your other settings are kept.")
        return None
    if grey is None:
        _rings(left, {})
        right.info("Draw a " + ("digit" if ds == "mnist" else "piece of clothing") + " on the pad (or upload an "
                   "image): every model's view of it appears here as soon as you lift the pen.")
        return None
    try:
        prepared = own_image.prepare(grey, ds, INVERT[st.session_state.get(INVERT_KEY, "auto")])
    except own_image.ImageInputError as e:
        _rings(left, {})
        right.warning(f"**This image cannot be used:** {e}")
        return None
    last_image.remember(ds, to_uint8(prepared.image))   # for the Denoise page
    with left:
        _steps(prepared, ds)
    reading = own_data.read(ds, prepared.image.tobytes(), st.session_state.get(MAP_METHOD_KEY, "pca"))
    _rings(left, _pins(ds, reading))   # first, so that the rings move while the images below are still on their way
    with right:
        _readings(ds, prepared, reading, classes)
        _nearest(ds, reading, classes)
    return reading


def _rings(column, pins: dict[str, tuple[float, float]]) -> None:
    """With the live widgets, the browser moves the rings over the maps (``pins`` by chart key; none: hidden)."""
    with column:
        pointer.charts().hover("own_hover", [(key, None, pins.get(key)) for key in MAP_KEYS], [], [])


def _pins(ds: str, reading: dict) -> dict[str, tuple[float, float]]:
    """Where the image lands on each map, by chart key."""
    out = {}
    for kind in ("ae", "vae"):
        z = reading["codes"].get(model_name(ds, kind, 2))
        if z is not None:
            out[f"own_map_{kind}"] = (float(z[0]), float(z[1]))
    if "map_xy" in reading:
        out[MAP_KEYS[2]] = reading["map_xy"]
    return out


def _input(ds: str) -> tuple[np.ndarray | None, str]:
    """The source (Draw, Upload, Example) and its image; the source, the example, the background choice and the
    drawing are in the page URL (an upload is not: a link cannot carry a file)."""
    source = st.segmented_control("Your image", SOURCES, default="Draw", required=True, **url.shared("own_source"))
    if source != "Draw":
        draw.unlink(PAD_KEY, INK_LINK)
    if source == "Upload":
        file = st.file_uploader("An image (PNG, JPEG, WebP or GIF; up to 2 MB)", type=["png", "jpg", "jpeg", "webp",
                                                                                     "gif"], key=UPLOAD_KEY)
        st.caption("A link to this page cannot carry an uploaded file: it opens with Upload chosen and no image.")
        if file is None:
            return None, source
        try:
            data = file.getvalue()     # decoded in the server's heavy-work pool, once per file content
            grey = heavy.run("photo", hashlib.sha256(data).digest(), own_image.read_image, data)
        except own_image.ImageInputError as e:
            st.warning(f"**This file cannot be used:** {e}")
            return None, source
        st.radio("Background", list(INVERT), horizontal=True, **url.shared(INVERT_KEY),
                 help="Auto: a light border means dark ink on light paper, which is inverted to the datasets' "
                      "light-on-black.")
        return grey, source
    if source == "Example":
        examples = own_data.examples(ds)
        name = st.selectbox("Example", list(examples), **url.shared("own_example"))
        return own_image.read_image(examples[name]), source
    ink = draw.drawing(PAD_KEY, link=INK_LINK)
    # as st.html, so that the browser loads st.html's code (~0.1 s) with the page rather than after the first stroke
    st.html(f'<p style="{CAPTION}">Draw with the mouse (or a pen or finger); lift it and everything below '
            "updates. The drawing is part of this page's link.</p>")
    return ink, source


def upload_gone() -> bool:
    """The browser lists an uploaded file that the server no longer holds (a restart, or a reconnect to another
    replica): Streamlit then hands the page no file and keeps a ``DeletedFile`` in the uploader's state."""
    return isinstance(st.session_state.get(UPLOAD_KEY), DeletedFile)


def _steps(prepared: own_image.Prepared, ds: str) -> None:
    st.caption("**Prepared like the " + explorer.DATASETS[ds].title + " images**" +
               (" (dark ink on light: inverted)" if prepared.inverted else ""))
    st.html(figure_row([(for_screen(img), what, None) for what, img in prepared.steps], "own-steps"))


def _readings(ds: str, prepared, reading: dict, classes) -> None:
    st.markdown("**What the autoencoders make of it** (mean squared pixel error)")
    row = [(prepared.image, "the input, 28 × 28", 112)]
    for name, (image, error) in reading["reconstructions"].items():
        row.append((image, f"{names.label(name)} · {error:.3f}", 112))
    st.html(figure_row(row, "own-reconstructions"))
    a, b = st.columns(2)
    if "top" in reading:
        a.markdown("**The classifier reads it as**  \n" + "  \n".join(
            f"{classes[c]}: **{p:.0%}**" for c, p in reading["top"]))
    if "posterior" in reading:
        mu, sigma = reading["posterior"]
        a.caption(f"The 2-D VAE places it at ({mu[0]:.2f}, {mu[1]:.2f}), give or take σ = ({sigma[0]:.2f}, "
                  f"{sigma[1]:.2f}): the ring on its map below.")
    if "gan" in reading:
        g = reading["gan"]
        inner, img = b.columns([3, 2])
        inner.markdown(f"**InfoGAN's Q reads** category {g['category']} (matched to **{classes[g['class']]}**, "
                       f"{g['confidence']:.0%} sure), c2 = {g['c2']:+.2f}, c3 = {g['c3']:+.2f}.")
        with img:
            st.html(figure_row([(g["regenerated"], "G draws these codes (noise 0)", 112)], "own-regenerated"))


MAP_HEIGHT, MAP_MIN_WIDTH = 340, 220       # the 2-D maps, in three columns


def warm_up(ds: str) -> None:
    """What this page's first visit draws, computed when the server starts (:mod:`explorer.ui.warm`): the 2-D
    models' maps and the 16-D VAE's PCA map."""
    for kind in ("ae", "vae"):
        name = model_name(ds, kind, 2)
        if name in explorer.list_models():
            projections.encodings_figure(name, height=MAP_HEIGHT, min_width=MAP_MIN_WIDTH)
    big = model_name(ds, *own_data.MAP_MODEL)
    if big in explorer.list_models():
        projections.base_figure(big, "pca")


def _maps(ds: str, reading: dict | None) -> None:
    """The 2-D maps and the 16-D VAE's PCA or UMAP map; ``reading``: draw its markers on them (the fallback)."""
    st.markdown("**Where it lands** (the ring; each dot is a test image)")
    pins = _pins(ds, reading) if reading else {}
    cols = st.columns(3)
    for kind, col in zip(("ae", "vae"), cols):
        name = model_name(ds, kind, 2)
        if name not in explorer.list_models():
            continue
        fig = projections.encodings_figure(name, height=MAP_HEIGHT, min_width=MAP_MIN_WIDTH)
        key = f"own_map_{kind}"
        if key in pins:
            fig = figures.with_marker(fig, pins[key], "your image")
        col.caption(names.KIND_TITLES[kind] + ", 2-D latent")
        col.plotly_chart(fig, key=key, config={"displayModeBar": False})
    big = model_name(ds, *own_data.MAP_MODEL)
    if big in explorer.list_models():
        with cols[2]:
            method = st.radio("16-D VAE map", ("pca", "umap"), horizontal=True, **url.shared(MAP_METHOD_KEY),
                              format_func=projections.METHOD_LABELS.get,
                              help="PCA places the image exactly; on UMAP it is placed from its 10 nearest test "
                                   "codes (UMAP's own transform takes seconds).")
            fig = projections.base_figure(big, method)
            if MAP_KEYS[2] in pins:
                fig = figures.with_marker(fig, pins[MAP_KEYS[2]], "your image")
            st.plotly_chart(fig, key=MAP_KEYS[2], config={"displayModeBar": False})


def _nearest(ds: str, reading: dict, classes) -> None:
    images, labels = cache.dataset(ds, "test")
    order, distances = reading["nearest"]
    st.markdown("**Its nearest test images** (pixel distance)")
    st.html(figure_row([(images[i], f"{classes[labels[i]]} · {d:.1f}", 84) for i, d in zip(order, distances)],
                       "own-nearest"))
