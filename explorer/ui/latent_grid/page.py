"""The Latent grid page: the decoded manifold of a 2-D VAE or AE, and one point decoded large."""

from __future__ import annotations

import streamlit as st

from explorer import names
from explorer.ui.kit import html_plot
from explorer.ui.kit.panels import image_panel
from explorer.ui.latent_grid import grid
from explorer.ui.shell import guards, sidebar, url
from explorer.ui.widgets import pad

MODELS = ("vae-2d", "ae-2d")
MODEL_KEY = "grid_model"           # the sidebar choice


def view() -> None:
    name = sidebar.pick_model(MODELS, key=MODEL_KEY)
    model = guards.model_or_stop(name)
    guards.test_set_or_stop(model.dataset)
    st.caption("Every cell is what the decoder draws at one point of its two-number code (z1 left → right, z2 "
               "bottom → top). Spacing *by the prior* packs the cells where the VAE's codes are most common, so "
               "each cell stands for an equal share of the images the VAE expects to draw.",
               help="Cells at the inverse Gaussian CDF of evenly spaced quantiles: equal prior probability between "
                    "neighbouring cells, as in Kingma & Welling (2014), Fig. 4.")
    x_default, y_default, bound = grid.default_range(name)
    suffix = names.suffix(name)      # ranges differ per model: one set of keys per model

    controls = st.columns([1, 1.3, 2, 2, 1.4], vertical_alignment="bottom")   # room for "Encodings" at 1366 px
    n = controls[0].slider("Grid size", 5, 30, 15, **url.shared("grid_size"))
    spacing = controls[1].radio("Spacing", ("even", "gaussian"), **url.shared("grid_spacing"), horizontal=True,
                                format_func={"even": "even", "gaussian": "by the prior"}.get,
                                help="By the prior: cells at the inverse Gaussian CDF of evenly spaced quantiles.")
    x_range = controls[2].slider("z1 range", -bound, bound, x_default, 0.1,
                                 **url.shared(f"grid_z1_range_{suffix}"))
    y_range = controls[3].slider("z2 range", -bound, bound, y_default, 0.1,
                                 **url.shared(f"grid_z2_range_{suffix}"))
    overlay = controls[4].toggle("Encodings", **url.shared("grid_overlay"), help="Overlay test encodings on the grid.")
    if x_range[0] >= x_range[1] or y_range[0] >= y_range[1]:
        st.error("Each range needs a lower end below its upper end.")
        st.stop()
    x_range, y_range = tuple(map(float, x_range)), tuple(map(float, y_range))
    pad.decoders(name)            # once per page run: a release reruns point() without re-sending the weights
    point(name, suffix, bound, n, spacing, x_range, y_range, overlay)


@st.fragment
def point(name: str, suffix: str, bound: float, n: int, spacing: str, x_range: tuple, y_range: tuple,
          overlay: bool) -> None:
    """z1, z2 -> one image decoded large, with a marker on the grid and on the map; reruns alone."""
    a, b = st.columns(2)
    for axis in ("z1", "z2"):            # state, not a default: the live pad's release sets these keys too
        st.session_state.setdefault(grid.z_key(axis, suffix), 0.0)
    z1 = a.slider("z1", -bound, bound, step=0.05, format="%.2f", **url.shared(grid.z_key("z1", suffix)))
    z2 = b.slider("z2", -bound, bound, step=0.05, format="%.2f", **url.shared(grid.z_key("z2", suffix)))
    pad.show(grid.PAD_KEY, name, (z1, z2), bound, size=240, on_change=grid.take_pad(suffix, bound),
             surfaces=lambda: grid.live_surfaces(name, n, spacing, x_range, y_range, overlay),
             fallback=lambda z1, z2: server_point(name, z1, z2, n, spacing, x_range, y_range, overlay))


def server_point(name: str, z1: float, z2: float, n: int, spacing: str, x_range: tuple, y_range: tuple,
                 overlay: bool) -> None:
    """The point decoded on the server, with its markers on the grid and on the map (the pad's fallback)."""
    left, right = st.columns([3, 2], gap="medium")
    with right:
        image_panel(grid.decode_one(name, z1, z2), f"decoded at z = ({z1:+.2f}, {z2:+.2f})", 280)
        st.html(html_plot.render(grid.map_axes(name, x_range, y_range), grid.map_position(name, x_range, y_range,
                                 (z1, z2)), box=grid.map_position(name, x_range, y_range)))
    with left:
        where = grid.grid_marker(z1, z2, n, spacing, x_range, y_range)
        st.html(html_plot.render(grid.grid_axes(name, n, spacing, x_range, y_range, overlay), where))
        if where is None:
            st.caption("The point (z1, z2) lies outside the grid's range: no marker on the grid.")
