"""The 2-D latent grid page's glue: the decoded manifold as a mosaic, its figure (with test encodings overlaid),
the encodings map with the grid's range, and the pixel position of a latent point on the mosaic."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer.latent import decode, grid_axis, grid_points, percentile_box

from explorer.ui.kit.colours import CLASS_COLOURS
from explorer.ui.kit import figures, html_plot, values
from explorer.ui.kit.images import mosaic, png_data_uri
from explorer.ui.shell import cache
from explorer.ui.widgets import live

STEP = 29                 # a mosaic cell: 28 pixels and a 1-pixel separator
OVERLAY_POINTS = 2000


PAD_KEY = "grid_pad"          # the live pad's component


def z_key(axis: str, suffix: str) -> str:
    """The session state (and URL) key of the z1 or z2 slider of the model named ``<ds>-<suffix>``."""
    return f"grid_{axis}_{suffix}"


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
def grid_axes(name: str, n: int, spacing: str, x_range: tuple, y_range: tuple, overlay: bool,
              width: int = 540) -> html_plot.Axes:
    """The mosaic with z tick labels and, optionally, test encodings drawn over it as class-coloured dots."""
    xs, ys = axes(n, spacing, x_range, y_range)
    pixels = decoded_mosaic(name, n, spacing, x_range, y_range)
    ds = cache.model(name).dataset
    if overlay:
        idx = _overlay_subset(name)
        z = cache.encodings(name)[idx]
        keep = _inside(z, x_range, y_range)
        _, labels = cache.dataset(ds, "test")
        pixels = figures.draw_dots(pixels, to_pixels(z[keep], xs, ys), labels[idx][keep], radius=1)
    side = pixels.shape[0]
    every = max(1, n // 8)
    ticks = [i for i in range(n) if i % every == 0 or i == n - 1]
    legend = _legend(ds) if overlay else ()
    return html_plot.Axes(png_data_uri(pixels), width, width,
                          x_ticks=tuple(((i * STEP + 13.5) / side, f"{xs[i]:.2f}") for i in ticks),
                          y_ticks=tuple((((n - 1 - i) * STEP + 13.5) / side, f"{ys[i]:.2f}") for i in ticks),
                          x_title="z1", y_title="z2", legend=legend)


def grid_marker(z1: float, z2: float, n: int, spacing: str, x_range: tuple, y_range: tuple):
    """Where (z1, z2) falls on the mosaic as fractions of its width and height, or None outside its range."""
    if not _inside(np.array([[z1, z2]]), x_range, y_range)[0]:
        return None
    xs, ys = axes(n, spacing, x_range, y_range)
    return tuple(to_pixels(np.array([[z1, z2]]), xs, ys)[0] / (n * STEP - 1))


def _legend(ds: str) -> tuple:
    return tuple(zip(CLASS_COLOURS, explorer.DATASETS[ds].classes))


def _map_bounds(name: str, x_range: tuple, y_range: tuple) -> tuple[np.ndarray, np.ndarray]:
    z = cache.encodings(name)[_overlay_subset(name)]
    lo = np.minimum(z.min(0), [x_range[0], y_range[0]])
    hi = np.maximum(z.max(0), [x_range[1], y_range[1]])
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def _nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    step = 10 ** np.floor(np.log10((hi - lo) / count))
    step *= min((m for m in (1, 2, 5, 10) if (hi - lo) / (step * m) <= count), default=10)
    return np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_axes(name: str, x_range: tuple, y_range: tuple, size: int = 320) -> html_plot.Axes:
    """The test encodings (a 2,000-point sample) drawn as one image, with ticks and a legend."""
    ds = cache.model(name).dataset
    idx = _overlay_subset(name)
    _, labels = cache.dataset(ds, "test")
    z = cache.encodings(name)[idx]
    lo, hi = _map_bounds(name, x_range, y_range)
    xy = (z - lo) / (hi - lo) * [size - 1, -(size - 1)] + [0, size - 1]
    pixels = figures.draw_dots(np.full((size, size, 3), 255, np.uint8), xy, labels[idx])
    fx = lambda v: (v - lo[0]) / (hi[0] - lo[0])  # noqa: E731
    fy = lambda v: (hi[1] - v) / (hi[1] - lo[1])  # noqa: E731
    return html_plot.Axes(png_data_uri(pixels), size, size, pixelated=False,
                          x_ticks=tuple((fx(v), f"{v:g}") for v in _nice_ticks(lo[0], hi[0])),
                          y_ticks=tuple((fy(v), f"{v:g}") for v in _nice_ticks(lo[1], hi[1])),
                          x_title="z1", y_title="z2", legend=_legend(ds))


def map_position(name: str, x_range: tuple, y_range: tuple, z=None):
    """Fractions (from the left and top) of the map of a latent point, or of the grid's range box (4 values)."""
    lo, hi = _map_bounds(name, x_range, y_range)
    f = lambda x, y: ((x - lo[0]) / (hi[0] - lo[0]), (hi[1] - y) / (hi[1] - lo[1]))  # noqa: E731
    if z is not None:
        return f(*z)
    return (*f(x_range[0], y_range[1]), *f(x_range[1], y_range[0]))


def decode_one(name: str, z1: float, z2: float) -> np.ndarray:
    return decode(cache.model(name), np.array([[z1, z2]], np.float32))[0]


def live_surfaces(name: str, n: int, spacing: str, x_range: tuple, y_range: tuple, overlay: bool) -> list[dict]:
    """The grid mosaic and the encodings map as surfaces of :func:`explorer.ui.widgets.live.pad` (the grid maps the
    pointer to z through its node centres, exact at every node; the map linearly)."""
    grid_ax = grid_axes(name, n, spacing, x_range, y_range, overlay, width=480)   # with the decode and the map
    map_ax = map_axes(name, x_range, y_range, size=260)                            # beside it on 1366 x 768
    xs, ys = axes(n, spacing, x_range, y_range)
    centers = (np.arange(n) * STEP + 13.5) / (n * STEP - 1)
    return [live.surface(html_plot.render(grid_ax), grid_ax.width, grid_ax.height, "decoded grid",
                         nodes=(centers, centers[::-1], xs, ys)),
            live.surface(html_plot.render(map_ax, box=map_position(name, x_range, y_range)), map_ax.width,
                         map_ax.height, "map of the test encodings", box=_map_bounds(name, x_range, y_range))]


def take_pad(suffix: str, bound: float):
    """A callback for the live pad (:data:`PAD_KEY`): its released z becomes the z1 / z2 sliders' value (a z that
    is not two numbers within twice the pad's ``bound`` is dropped with a toast)."""
    def take() -> None:
        z = values.reported(PAD_KEY, "z")
        if z is None:
            return
        numbers = [values.finite_number(v, -2 * bound, 2 * bound) for v in z] if isinstance(z, list) else []
        if len(numbers) != 2 or None in numbers:
            values.ignored("a pad position that was not two numbers on the pad")
            return
        for axis, value in zip(("z1", "z2"), numbers):
            st.session_state[z_key(axis, suffix)] = round(float(np.clip(value, -bound, bound)), 2)
    return take
