"""Page pieces shared by several pages: loading a model with a clear error, captions, image panels, galleries,
and the latent map's click / selection panels."""

from __future__ import annotations


import numpy as np
import streamlit as st

import explorer
from explorer.live import snap_code

from . import cache, events, gan, maps, url
from .images import enlarge

PICK_KEY = "_map_pick"       # (the map's params, its MapPick); the link carries it as LINK_KEY
LINK_KEY = "map_pick"
TRAVERSAL_TOP_MARGIN = 26      # room for the "trained range" label above a traversal mosaic


def map_caption(model, n: int) -> str:
    ds = explorer.DATASETS[model.dataset].title
    if model.kind == "infogan":
        return (f"Each dot is one of the {n:,} {ds} test images, placed by the features the InfoGAN's "
                f"discriminator/Q trunk computes from it ({model.config.d_hidden:,} numbers), projected to 2-D. "
                "InfoGAN has no encoder: "
                "its *reconstruction* of an image is what G draws from the codes Q reads off it.")
    kind = "VAE" if model.kind == "vae" else "autoencoder"
    where = "code (the centre of the cloud its encoder gives)" if model.kind == "vae" else "encoding"
    if model.latent_dim == 2:
        return f"Each dot is one of the {n:,} {ds} test images, placed at its 2-D {kind} {where}: no projection."
    return f"Each dot is one of the {n:,} {ds} test images: its {model.latent_dim}-D {kind} {where}, projected to 2-D."


def image_panel(image: np.ndarray, caption: str, size: int = 224) -> None:
    st.image(enlarge(image, size), caption=caption, width=size, output_format="PNG")


# --- latent map --------------------------------------------------------------------------------------------------

def umap_controls(container) -> tuple[int, float]:
    """UMAP's two main parameters, applied with a button (a new UMAP of all test points takes a while)."""
    with container.form("map_umap_form", border=False):
        a, b = st.columns(2)
        n_neighbors = a.slider("n_neighbors", 2, 100, maps.NEIGHBORS, **url.shared("map_n_neighbors"),
                               help="Local (small) versus global (large) structure.")
        min_dist = b.slider("min_dist", 0.0, 0.99, maps.MIN_DIST, 0.01, **url.shared("map_min_dist"),
                            help="How tightly points may pack together.")
        st.form_submit_button("Apply UMAP parameters", key="map_umap_apply")
    return int(n_neighbors), round(float(min_dist), 2)


def warm_up_note(container) -> None:
    """Say so while UMAP is being compiled in the background (call after the map is ready)."""
    if maps.umap_warm_up().is_alive():
        container.caption("Preparing UMAP in the background (once per server) so that a custom map takes "
                          "seconds.")


def current_pick(params: tuple, labels: np.ndarray, chart_key: str) -> maps.MapPick | None:
    """The click or selection to show: a new chart event replaces the stored one; an event already seen (the
    chart's state survives reruns) does not, and a stored pick belongs to the map it was made on."""
    selection = events.new_selection(chart_key)
    if selection is not None:
        new = maps.read_event({"selection": selection}, labels)
        if new is not None:
            st.session_state[PICK_KEY] = (params, new)
    stored = st.session_state.get(PICK_KEY)
    return stored[1] if stored and stored[0] == params else None


def pick_link(params: tuple, coords: np.ndarray) -> url.Value:
    """The map's click or selection in the page URL (:func:`maps.pick_text`); a pick that arrives by link becomes
    the pick of this map. Call before :func:`current_pick`, and :func:`link_pick` after it."""
    link = url.Value(LINK_KEY, lambda text: maps.parse_pick(text, coords), lambda p: maps.pick_text(p, len(coords)),
                     None, "a test image, a position or a selection on this map")
    if url.read(link):
        st.session_state[PICK_KEY] = (params, st.session_state[LINK_KEY])
    return link


def link_pick(link: url.Value, pick: maps.MapPick | None) -> None:
    """Put the shown pick (None: none) in the page URL."""
    st.session_state[LINK_KEY] = pick
    url.write(link)


def take_live_click(params: tuple, labels: np.ndarray, hover_key: str):
    """A callback for the live hover's click (see :func:`explorer.ui.live.clicked`): it becomes the pick at once,
    as Plotly's selection event would (which then names the same point)."""
    from . import live

    def take() -> None:
        point = live.clicked(hover_key)
        new = maps.read_event({"selection": {"points": [point], "box": [], "lasso": []}}, labels) if point else None
        if new is not None:
            st.session_state[PICK_KEY] = (params, new)
    return take


def _clear_pick() -> None:
    st.session_state.pop(PICK_KEY, None)


def show_pick(pick: maps.MapPick | None, params: tuple, images: np.ndarray, labels: np.ndarray,
              noise_seed: int) -> None:
    """The panel beside the map: what was clicked or selected, decoded."""
    name, method, n_neighbors, min_dist = params
    classes = explorer.DATASETS[cache.model(name).dataset].classes
    if pick is None:
        st.info("**Click a point** to see the image beside its reconstruction.  \n"
                "**Click empty space** to decode that position.  \n"
                "**Box or lasso select** (toolbar above the map) for a gallery.  \n"
                "Hover shows the class; click legend entries to hide classes.")
        return
    if pick.kind == "point":
        st.markdown(f"**Test image #{pick.index}** · class **{classes[labels[pick.index]]}**")
        a, b = st.columns(2)
        with a:
            image_panel(images[pick.index], "original", 168)
        with b:
            image_panel(maps.reconstruction(name, pick.index, noise_seed),
                        "drawn from Q's codes" if name.endswith("infogan") else "reconstruction", 168)
        if name.endswith("infogan"):
            st.caption(gan.read_back_caption(name, maps.test_image_vector(name, pick.index)))
    elif pick.kind == "empty":
        image, inversion = maps.decode_position(name, method, pick.xy, n_neighbors, min_dist, noise_seed)
        st.markdown(f"**Decoded at ({pick.xy[0]:.2f}, {pick.xy[1]:.2f})**")
        image_panel(image, "decoded from the clicked position", size=252)
        kind = cache.model(name).kind
        st.markdown(maps.exactness_note(inversion, kind), help=maps.exactness_detail(inversion, kind))
    else:
        counts = np.bincount(labels[list(pick.indices)], minlength=len(classes))
        st.markdown(f"**{len(pick.indices)} images selected**  \n" + ", ".join(
            f"{classes[k]}: {c}" for k, c in enumerate(counts) if c))
    st.button("Clear", key="map_clear", on_click=_clear_pick)


def gallery(images: np.ndarray, labels: np.ndarray, indices, classes, coords: np.ndarray, limit: int = 96) -> None:
    """The selected images with their labels, from the selection's centre outwards (at most ``limit``, spread
    evenly over that order: see :func:`maps.gallery_order`)."""
    total = len(indices)
    indices = maps.gallery_order(coords, indices, limit)
    st.subheader("Selection")
    if total > limit:
        st.caption(f"Showing {len(indices)} of {total}, spread evenly from the selection's centre (first) to its "
                   f"edge (last), so that its outliers are shown too.")
    else:
        st.caption("From the selection's centre (first) to its edge (last).")
    st.image([enlarge(images[i], 56) for i in indices], caption=[f"{classes[labels[i]]} #{i}" for i in indices],
             width=72, output_format="PNG")


# --- small widgets and callbacks ---------------------------------------------------------------------------------

def bump(key: str) -> None:
    """Callback: add one to an integer widget (a "new noise" button)."""
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1


def randomise(key: str, n: int) -> None:
    """Callback: a random integer in [0, n) for an index widget."""
    st.session_state[key] = int(np.random.default_rng().integers(n))


def codes_to_controls(c1: int, c2: float, c3: float) -> None:
    """Callback: put read-back codes on the InfoGAN controls (clipped to the sliders, on their 0.05 steps)."""
    st.session_state["gan_c1"] = c1
    for key, value in (("gan_c2", c2), ("gan_c3", c3)):
        st.session_state[key] = snap_code(value)


def trained_range_bar() -> None:
    """A thin bar under a −2…2 slider marking the trained range −1…1 (the middle half of the track)."""
    st.html('<div style="position:relative;height:5px;margin:-6px 8px 6px 8px;background:#eee;border-radius:3px">'
            '<div style="position:absolute;left:25%;width:50%;height:5px;background:#7fb3e6;border-radius:3px">'
            '</div></div><div style="font-size:11px;color:#888;text-align:center;margin:-4px 0 4px">'
            'trained range −1…1</div>')


def range_note(*values: float) -> str:
    if any(abs(v) > gan.TRAINED[1] for v in values):
        return "⚠️ Outside the trained range −1…1: the generator extrapolates."
    return "Inside the trained range −1…1."


@st.cache_resource(show_spinner=False, max_entries=32)
def traversal_figure(name: str, code: str, seed: int, values: np.ndarray):
    """A traversal mosaic with rows labelled by matched class, columns by code value, and the columns outside the
    trained range shaded."""
    from . import figures

    pixels = gan.traversal(name, code, seed, len(values))
    rows = gan.categories_by_class(name)
    step = 29
    fig = figures.image_figure(pixels, x_ticks=([i * step + 14 for i in range(len(values))],
                                                [f"{v:+.1f}" for v in values]),
                               y_ticks=([i * step + 14 for i in range(len(rows))],
                                        [gan.category_label(name, c) for c in rows]),
                               height=460, x_title=code)
    inside = [i for i, v in enumerate(values) if abs(v) <= gan.TRAINED[1] + 1e-9]
    for i, v in enumerate(values):
        if i not in inside:
            fig.add_shape(type="rect", x0=i * step - 0.5, x1=i * step + 28.5, y0=0, y1=pixels.shape[0],
                          fillcolor="rgba(255,255,255,0.28)", line_width=0, layer="above")
    if inside:
        x0, x1 = inside[0] * step - 0.5, inside[-1] * step + 28.5
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=-0.5, y1=pixels.shape[0] + 0.5,
                      line=dict(color="#1f77b4", width=2, dash="dot"), layer="above")
        # above the mosaic, in the top margin: a label inside the outline would cover the first row of images
        fig.add_annotation(x=(x0 + x1) / 2, y=0, yanchor="bottom", text="trained range −1…1", showarrow=False,
                           font=dict(size=11, color="#1f77b4"))
        fig.update_layout(margin=dict(t=TRAVERSAL_TOP_MARGIN))
    fig.update_yaxes(constraintoward="top")     # a narrow column leaves room below the mosaic, not above it
    return figures.frozen(fig)
