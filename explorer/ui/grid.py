"""The 2-D latent grid page's glue: the decoded manifold as a mosaic, its figure (with test encodings overlaid),
the encodings map with the grid's range, and the pixel position of a latent point on the mosaic."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer.latent import decode, grid_axis, grid_points, percentile_box

from . import cache, figures
from .images import mosaic

STEP = 29                 # a mosaic cell: 28 pixels and a 1-pixel separator
OVERLAY_POINTS = 2000


def default_range(name: str) -> tuple[tuple[float, float], tuple[float, float], float]:
    """((z1 lo, hi), (z2 lo, hi), slider bound): VAE ±2 (the prior's bulk); AE the encodings' 1–99 % box."""
    enc = cache.encodings(name)
    bound = float(np.ceil(max(np.abs(enc).max() * 1.2, 3.0)))
    if cache.model(name).kind == "vae":
        return (-2.0, 2.0), (-2.0, 2.0), bound
    lo, hi = percentile_box(enc)
    r = lambda v: float(np.round(v, 1))  # noqa: E731
    return (r(lo[0]), r(hi[0])), (r(lo[1]), r(hi[1])), bound


def axes(n: int, spacing: str, x_range, y_range) -> tuple[np.ndarray, np.ndarray]:
    return grid_axis(*x_range, n, spacing), grid_axis(*y_range, n, spacing)


@st.cache_data(show_spinner="Decoding the grid…", max_entries=64)
def decoded_mosaic(name: str, n: int, spacing: str, x_range: tuple, y_range: tuple) -> np.ndarray:
    """The decoded manifold: n x n images, z1 left to right, z2 bottom to top, as one uint8 mosaic."""
    xs, ys = axes(n, spacing, x_range, y_range)
    return mosaic(decode(cache.model(name), grid_points(xs, ys)), cols=n)


def to_pixels(z: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Latent points [M, 2] -> mosaic pixel positions (exact at grid nodes, linear in between)."""
    centers = np.arange(len(xs)) * STEP + 13.5
    px = np.interp(z[:, 0], xs, centers)
    py = np.interp(z[:, 1], ys, centers[::-1])
    return np.stack([px, py], 1)


def _inside(z: np.ndarray, x_range, y_range) -> np.ndarray:
    return (z[:, 0] >= x_range[0]) & (z[:, 0] <= x_range[1]) & (z[:, 1] >= y_range[0]) & (z[:, 1] <= y_range[1])


def _overlay_subset(name: str) -> np.ndarray:
    n = len(cache.encodings(name))
    return np.random.default_rng(0).permutation(n)[:OVERLAY_POINTS]


@st.cache_resource(show_spinner=False, max_entries=32)
def grid_figure(name: str, n: int, spacing: str, x_range: tuple, y_range: tuple, overlay: bool):
    """The mosaic with z tick labels and, optionally, test encodings overlaid (coloured by class)."""
    xs, ys = axes(n, spacing, x_range, y_range)
    pixels = decoded_mosaic(name, n, spacing, x_range, y_range)
    every = max(1, n // 8)
    ticks = [i for i in range(n) if i % every == 0 or i == n - 1]
    fig = figures.image_figure(pixels, x_ticks=([i * STEP + 13.5 for i in ticks], [f"{xs[i]:.2f}" for i in ticks]),
                               y_ticks=([(n - 1 - i) * STEP + 13.5 for i in ticks], [f"{ys[i]:.2f}" for i in ticks]),
                               height=600, x_title="z1", y_title="z2")
    if overlay:
        idx = _overlay_subset(name)
        z = cache.encodings(name)[idx]
        keep = _inside(z, x_range, y_range)
        _, labels = cache.dataset(name.split("-")[0], "test")
        p = to_pixels(z[keep], xs, ys)
        lab = labels[idx][keep]
        for k, cls in enumerate(explorer.DATASETS[name.split("-")[0]].classes):
            m = lab == k
            fig.add_trace(figures.go.Scattergl(x=p[m, 0], y=p[m, 1], mode="markers", name=cls, showlegend=True,
                                               marker=dict(size=5, color=figures.CLASS_COLORS[k], opacity=0.8),
                                               hovertemplate=f"{cls}<extra></extra>"))
        fig.update_layout(showlegend=True, legend=dict(title="class"))
    return figures.frozen(fig)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_figure(name: str, x_range: tuple, y_range: tuple):
    """The test encodings (a 2,000-point sample) with the grid's range drawn as a box."""
    idx = _overlay_subset(name)
    _, labels = cache.dataset(name.split("-")[0], "test")
    fig = figures.latent_map(cache.encodings(name)[idx], labels[idx], explorer.DATASETS[name.split("-")[0]].classes,
                             height=420)
    figures.with_box(fig, (x_range[0], y_range[0]), (x_range[1], y_range[1]))
    fig.update_layout(legend=dict(orientation="h", y=-0.15, title=None))
    return figures.frozen(fig)


def decode_one(name: str, z1: float, z2: float) -> np.ndarray:
    return decode(cache.model(name), np.array([[z1, z2]], np.float32))[0]


def marker_on_grid(z1: float, z2: float, n: int, spacing: str, x_range: tuple, y_range: tuple):
    """Where (z1, z2) falls on the mosaic in pixels, or None outside the grid's range."""
    if not _inside(np.array([[z1, z2]]), x_range, y_range)[0]:
        return None
    xs, ys = axes(n, spacing, x_range, y_range)
    return to_pixels(np.array([[z1, z2]]), xs, ys)[0]
