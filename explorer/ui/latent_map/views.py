"""The Latent map page's pieces: its caption, UMAP controls, the click / selection pick (in the URL too), the
picked image's panels and the selection's gallery."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer.ui.kit import events
from explorer.ui.kit.images import enlarge
from explorer.ui.kit.panels import image_panel
from explorer.ui.latent_map import maps
from explorer.ui.shell import cache, categories, projections, url
from explorer.ui.widgets import live

PICK_KEY = "_map_pick"       # (the map's params, its MapPick); the link carries it as LINK_KEY
LINK_KEY = "map_pick"


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

def umap_controls(container) -> tuple[int, float]:
    """UMAP's two main parameters, applied with a button (a new UMAP of all test points takes a while)."""
    with container.form("map_umap_form", border=False):
        a, b = st.columns(2)
        n_neighbors = a.slider("n_neighbors", 2, 100, projections.NEIGHBORS, **url.shared("map_n_neighbors"),
                               help="Local (small) versus global (large) structure.")
        min_dist = b.slider("min_dist", 0.0, 0.99, projections.MIN_DIST, 0.01, **url.shared("map_min_dist"),
                            help="How tightly points may pack together.")
        st.form_submit_button("Apply UMAP parameters", key="map_umap_apply")
    return int(n_neighbors), round(float(min_dist), 2)


def warm_up_note(container) -> None:
    """Say so while UMAP is being compiled in the background (call after the map is ready)."""
    if projections.umap_warm_up().is_alive():
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
    """A callback for the live hover's click (see :func:`explorer.ui.widgets.live.clicked`): it becomes the pick at once,
    as Plotly's selection event would (which then names the same point)."""
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
            st.caption(categories.read_back_caption(name, maps.test_image_vector(name, pick.index)))
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
