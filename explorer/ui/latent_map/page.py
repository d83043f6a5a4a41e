"""The Latent map page: every test image as a point; click a point, click empty space, or box/lasso a group."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer.ui.latent_map import maps, views
from explorer.ui.shell import guards, projections, sidebar, url
from explorer.ui.widgets import pointer

MODELS = ("vae-2d", "ae-2d", "vae-16d", "ae-16d", "infogan", "vae-3d", "ae-3d")   # 3-D: trained in the app only
MODEL_KEY, CHART_KEY, HOVER_KEY = "map_model", "map_chart", "map_hover"   # the sidebar choice, the map, its hover


def view() -> None:
    name = sidebar.pick_model(MODELS, key=MODEL_KEY)
    model = guards.model_or_stop(name)
    ds = model.dataset
    images, labels = guards.test_set_or_stop(ds)
    st.caption(views.map_caption(model, len(labels)))

    methods = projections.methods_for(name)
    controls = st.columns([2, 3, 2])
    method = controls[0].radio("Projection", methods, horizontal=True, format_func=projections.METHOD_LABELS.get,
                               **url.shared("map_method")) if len(methods) > 1 else methods[0]
    n_neighbors, min_dist = views.umap_controls(controls[1]) if method == "umap" else (projections.NEIGHBORS, projections.MIN_DIST)
    thumbnails = controls[2].toggle("Thumbnails on the map", **url.shared("map_thumbnails"),
                                    help=f"Draw {projections.THUMBNAILS} images spread over the map, tinted by class.")
    noise_seed = controls[2].number_input("InfoGAN noise seed", 0, 9999, 0, **url.shared("map_noise_seed"),
                                          help="Noise vector G draws the read-back codes with.") \
        if model.kind == "infogan" else 0

    params = (name, method, n_neighbors, min_dist)
    coords = projections.projection(*params)[0].coords    # fits a custom UMAP here, with a progress bar, once
    link = views.pick_link(params, coords)
    if method == "umap":
        views.warm_up_note(controls[1])
    charts = pointer.charts()
    hover = charts.when_live(lambda: maps.live_hover_spec(name, method))
    if hover:
        charts.decoders(name)     # once per page run: a click reruns the fragment without re-sending the weights
    map_and_pick(charts, params, images, labels, explorer.DATASETS[ds].classes, coords, link, thumbnails, noise_seed, hover)


@st.fragment
def map_and_pick(charts: pointer.PointerCharts, params: tuple, images: np.ndarray, labels: np.ndarray, classes: tuple[str, ...], coords: np.ndarray,
                 link: url.Value, thumbnails: bool, noise_seed: int, hover: dict | None) -> None:
    """The map and what was clicked or selected on it: a click reruns only this part."""
    name, method = params[:2]
    pick = views.current_pick(params, labels, chart_key=CHART_KEY)
    views.link_pick(link, pick)
    pinned = pick.xy if pick is not None else None
    figure = charts.figure(projections.base_figure(*params, thumbnails=thumbnails), pinned)
    left, right = st.columns([5, 3], gap="medium")
    with left:
        st.plotly_chart(figure, key=CHART_KEY, on_select="rerun", selection_mode=charts.selection_modes(),
                        config={"displaylogo": False, "scrollZoom": True})
    with right:
        views.show_pick(pick, params, images, labels, noise_seed)
    charts.hover(HOVER_KEY, [(CHART_KEY, hover, pinned)], [name] if hover else [], ["decoded here"],
                 axis_names=projections.AXIS_TITLES[method], on_click=views.take_live_click(params, labels, HOVER_KEY))
    if pick is not None and pick.kind == "selection":
        views.gallery(images, labels, pick.indices, classes, coords)
