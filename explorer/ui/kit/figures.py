"""Plotly figure builders: numpy in, ``go.Figure`` out (no Streamlit here, so they are cheap to test)."""

from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go
from scipy.spatial import cKDTree

from explorer import teaching

from explorer.ui.kit.colours import CLASS_COLOURS
from explorer.ui.kit.images import hex_to_rgb, png_data_uri, tinted_sprite
from explorer.ui.kit.labels import FONT_SIZE, LEADER, place, plot_scale, text_box

# Tableau 10, with its grey (class 7) replaced by near-black: grey is the colour of backgrounds and faded points.
MARKER_STYLE = dict(symbol="circle-open", size=20, line=dict(width=3.5), color="#111")
MARKER_HALO = dict(symbol="circle-open", size=20, line=dict(width=8), color="white")   # under the ring: any background
MODEBAR_MARGIN = 40    # a top margin that holds Plotly's toolbar (and a title), so it does not cover the legend
GRID_TRACE = 0          # the invisible click-catching trace comes first; classes follow as traces 1..10


def _bounds(coords: np.ndarray, pad: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = coords.min(0), coords.max(0)
    span = np.maximum(hi - lo, 1e-6)
    return lo - pad * span, hi + pad * span


def click_grid(coords: np.ndarray, n: int = 72, clearance: float = 0.6) -> np.ndarray:
    """Nodes [M, 2] of an invisible grid over the map that make empty space clickable; nodes nearer than
    ``clearance`` grid steps to a data point are left out so that clicks there reach the data."""
    lo, hi = _bounds(coords)
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    nodes = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)
    step = (hi - lo) / (n - 1)
    scaled = cKDTree(coords / step)
    dist, _ = scaled.query(nodes / step)
    return nodes[dist > clearance].astype(np.float32)


def spread_subset(coords: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` points spread over the map: one per cell of a sqrt(n) x sqrt(n) grid first, then a second
    per cell, and so on (random within a cell)."""
    cells = max(2, int(np.sqrt(n) * 1.3))
    lo, hi = _bounds(coords, pad=0.0)
    ij = np.clip(((coords - lo) / np.maximum(hi - lo, 1e-9) * cells).astype(int), 0, cells - 1)
    order = np.random.default_rng(seed).permutation(len(coords))
    cell = (ij[:, 0] * cells + ij[:, 1])[order]
    by_cell = np.argsort(cell, kind="stable")
    starts = np.searchsorted(cell[by_cell], cell[by_cell])
    rank = np.empty(len(order), np.int64)
    rank[by_cell] = np.arange(len(order)) - starts            # 0 for the first point drawn in its cell, 1 …
    chosen = order[np.argsort(rank, kind="stable")[:n]]
    return np.sort(chosen)


def latent_map(coords: np.ndarray, labels: np.ndarray, class_names, axis_titles=("z1", "z2"),
               grid_nodes: np.ndarray | None = None, thumbnails: tuple[np.ndarray, np.ndarray] | None = None,
               marker_size: int = 5, height: int = 620, title: str | None = None) -> go.Figure:
    """The latent map: one WebGL trace per class (legend), hover names the class and the test image; an
    invisible click grid first (empty-space clicks); optional class-tinted thumbnails (indices, images)."""
    fig = go.Figure()
    if grid_nodes is not None:
        fig.add_trace(go.Scattergl(
            x=grid_nodes[:, 0], y=grid_nodes[:, 1], mode="markers", showlegend=False, name="empty space",
            marker=dict(size=marker_size + 5, color="rgba(0,0,0,0)"),
            hovertemplate="(%{x:.2f}, %{y:.2f})<br>click: decode here<extra></extra>"))
    for k, name in enumerate(class_names):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(go.Scattergl(
            x=coords[idx, 0], y=coords[idx, 1], mode="markers", name=f"{k} {name}" if name != str(k) else name,
            customdata=idx, marker=dict(size=marker_size, color=CLASS_COLOURS[k % 10],
                                        opacity=0.3 if thumbnails is not None else 0.75),
            hovertemplate=f"<b>{name}</b><br>test image #%{{customdata}}<extra></extra>"))
    if thumbnails is not None:
        idx, images = thumbnails
        lo, hi = _bounds(coords, pad=0.0)
        size = float(np.max(hi - lo)) / (np.sqrt(len(idx)) * 1.3) * 1.4     # a little over a cell: sprites touch
        fig.update_layout(images=[dict(
            source=png_data_uri(tinted_sprite(img, CLASS_COLOURS[int(labels[i]) % 10])), xref="x", yref="y",
            x=float(coords[i, 0]), y=float(coords[i, 1]), sizex=size, sizey=size, xanchor="center",
            yanchor="middle", layer="below") for i, img in zip(idx, images)])
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=MODEBAR_MARGIN, b=10), title=title,
        legend=dict(title="class", itemsizing="constant"), dragmode="zoom", hovermode="closest",
        xaxis=dict(title=axis_titles[0], zeroline=False), plot_bgcolor="white",
        yaxis=dict(title=axis_titles[1], zeroline=False),
        uirevision="map")
    fig.update_xaxes(showgrid=thumbnails is None, gridcolor="#eee")     # grid lines would cut through sprites
    fig.update_yaxes(showgrid=thumbnails is None, gridcolor="#eee")
    return fig


def frozen(fig: go.Figure) -> go.Figure:
    """An unvalidated copy of a built figure: copying it again (:func:`with_marker`) takes ~2 ms, not ~400 ms."""
    return go.Figure(fig.to_dict(), _validate=False)


def with_marker(fig: go.Figure, xy, label: str = "you are here") -> go.Figure:
    """A copy of ``fig`` with a marker (an SVG trace drawn over the WebGL points, not clickable) at ``xy``; built
    as a dict, without validation (~3 ms however many points ``fig`` holds)."""
    spec = fig.to_dict()
    for axis, v in (("xaxis", float(xy[0])), ("yaxis", float(xy[1]))):     # a fixed range grows to show the marker
        shown = spec["layout"].get(axis, {}).get("range")
        if shown is not None and not shown[0] <= v <= shown[1]:
            pad = 0.05 * (shown[1] - shown[0])
            spec["layout"][axis]["range"] = [min(shown[0], v - pad), max(shown[1], v + pad)]
    spec["data"] = spec["data"] + [dict(type="scatter", x=[float(xy[0])], y=[float(xy[1])], mode="markers",
                                        name=label, showlegend=False, marker=style, hoverinfo="skip")
                                   for style in (MARKER_HALO, MARKER_STYLE)]
    return go.Figure(spec, _validate=False)


def image_figure(pixels: np.ndarray, x_ticks: tuple[list, list] | None = None,
                 y_ticks: tuple[list, list] | None = None, height: int = 560, x_title: str = "",
                 y_title: str = "") -> go.Figure:
    """A mosaic shown pixel-exact as the background of a plot whose axes count pixels (y down), so that
    traces can be drawn over it; tick labels name rows and columns."""
    h, w = pixels.shape[:2]
    fig = go.Figure()
    fig.add_layout_image(dict(source=png_data_uri(pixels), xref="x", yref="y", x=0, y=0, sizex=w, sizey=h,
                              xanchor="left", yanchor="top", layer="below", sizing="stretch"))
    fig.update_xaxes(range=[0, w], showgrid=False, zeroline=False, constrain="domain", title=x_title,
                     **(dict(tickvals=x_ticks[0], ticktext=x_ticks[1]) if x_ticks else {}))
    fig.update_yaxes(range=[h, 0], showgrid=False, zeroline=False, scaleanchor="x", constrain="domain",
                     title=y_title, **(dict(tickvals=y_ticks[0], ticktext=y_ticks[1]) if y_ticks else {}))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white",
                      showlegend=False, dragmode=False)
    return fig


def trained_range_columns(fig: go.Figure, values, trained: tuple[float, float], step: int, height: int,
                          span: str, font_size: int = 11) -> go.Figure:
    """Over an :func:`image_figure` mosaic whose columns (``step`` px apart) sweep a code through ``values``: the
    columns outside the ``trained`` range shaded, the range outlined (dotted) and labelled above the mosaic."""
    lo, hi = trained
    inside = [i for i, v in enumerate(values) if lo - 1e-9 <= v <= hi + 1e-9]
    for i, v in enumerate(values):
        if i not in inside:
            fig.add_shape(type="rect", x0=i * step - 0.5, x1=i * step + step - 0.5, y0=0, y1=height,
                          fillcolor="rgba(255,255,255,0.28)", line_width=0, layer="above")
    if inside:
        x0, x1 = inside[0] * step - 0.5, inside[-1] * step + step - 0.5
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=-0.5, y1=height + 0.5,
                      line=dict(color="#1f77b4", width=2, dash="dot"), layer="above")
        # above the mosaic, in the top margin: a label inside the outline would cover the first row of images
        fig.add_annotation(x=(x0 + x1) / 2, y=0, yanchor="bottom", text=f"trained range {span}", showarrow=False,
                           font=dict(size=font_size, color="#1f77b4"))
    return fig


def draw_dots(pixels: np.ndarray, xy: np.ndarray, labels: np.ndarray, radius: int = 2) -> np.ndarray:
    """An RGB copy of ``pixels`` (grey [H, W] or RGB) with a class-coloured dot at each pixel position ``xy``."""
    out = np.repeat(pixels[..., None], 3, 2) if pixels.ndim == 2 else pixels.copy()
    h, w = out.shape[:2]
    colors = np.array([hex_to_rgb(c) for c in CLASS_COLOURS], np.uint8)
    offsets = [(dy, dx) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)
               if dy * dy + dx * dx <= radius * radius + 1]
    px = np.round(xy).astype(int)
    for dy, dx in offsets:
        x, y = px[:, 0] + dx, px[:, 1] + dy
        ok = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        out[y[ok], x[ok]] = colors[labels[ok] % 10]
    return out


def confusion(counts: np.ndarray, mapping: np.ndarray, class_names, height: int = 480,
              row_labels=None) -> go.Figure:
    """c1 category x class counts, rows ordered by matched class, matched cells outlined; ``row_labels``: a name
    per category (default: its matched class). Built once per distinct input (a page shows it on every run) and
    shared: never mutate the returned figure."""
    counts = np.asarray(counts)
    mapping = [int(m) for m in mapping]
    names = tuple(row_labels) if row_labels is not None else tuple(class_names[m] for m in mapping)
    return _confusion(counts.tobytes(), counts.shape, str(counts.dtype), tuple(mapping), tuple(class_names), names,
                      height)


@functools.lru_cache(maxsize=16)
def _confusion(counts: bytes, shape: tuple, dtype: str, mapping: tuple, class_names: tuple, names: tuple,
               height: int) -> go.Figure:
    order = np.argsort(mapping)
    rows = [f"category {c} → {names[c]}" for c in order]
    z = np.frombuffer(counts, dtype).reshape(shape)[order]
    fig = go.Figure(go.Heatmap(z=z, x=list(class_names), y=rows, colorscale="Blues", showscale=False,
                               text=z, texttemplate="%{text}", hovertemplate="%{y}<br>class %{x}: %{z}<extra></extra>"))
    # one layout update for every outline: add_shape re-validates all earlier shapes each call (~25 ms for ten)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10),
                      shapes=[dict(type="rect", x0=mapping[c] - 0.5, x1=mapping[c] + 0.5, y0=r - 0.5, y1=r + 0.5,
                                   line=dict(color="#d62728", width=2)) for r, c in enumerate(order)],
                      xaxis=dict(title="true class", side="top", type="category"),
                      yaxis=dict(title="InfoGAN category (matched class)", autorange="reversed", type="category"))
    return frozen(fig)


def curves(curves: dict[str, list], height: int = 300) -> list[tuple[str, go.Figure]]:
    """Training curves, one small figure per group of related metrics (train and test side by side)."""
    epochs = curves.get("epoch") or list(range(1, 1 + max((len(v) for v in curves.values()), default=0)))
    names = [k for k in curves if k not in ("epoch", "seconds")]
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.removeprefix("test_"), []).append(name)
    figures = []
    for base, members in groups.items():
        fig = go.Figure()
        for m in members:
            fig.add_trace(go.Scatter(x=epochs, y=curves[m], mode="lines+markers" if len(epochs) < 30 else "lines",
                                     name="test" if m.startswith("test_") else "train"))
        fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), title=dict(text=base, font_size=14),
                          xaxis_title="epoch", legend=dict(orientation="h", y=-0.25))
        figures.append((base, fig))
    return figures


def class_labels(fig: go.Figure, encodings: np.ndarray, labels: np.ndarray, class_names, x_range, y_range,
                 plot_size: tuple[float, float], equal_aspect: bool = False) -> go.Figure:
    """Each class's name at the median of its encodings (readable from the back of a classroom), or as near as
    the other names allow, with a line to the median when moved; placed for a plot area of at least ``plot_size``
    pixels showing ``x_range`` and ``y_range`` (see :mod:`explorer.ui.kit.labels`)."""
    present = [k for k in range(len(class_names)) if np.any(labels == k)]
    texts = [f"<b>{class_names[k]}</b>" for k in present]
    centres = np.array([teaching.class_centre(encodings, labels, k) for k in present], float).reshape(-1, 2)
    sizes = np.array([text_box(class_names[k]) for k in present], float).reshape(-1, 2)
    scale = plot_scale(x_range, y_range, plot_size, equal_aspect)
    spots = place(centres, sizes, x_range, y_range, scale)
    moved = np.hypot(*((spots - centres) * scale).T) > LEADER
    fig.update_layout(annotations=list(fig.layout.annotations) + [
        dict(text=text, font=dict(size=FONT_SIZE, color=CLASS_COLOURS[k % 10]), bgcolor="rgba(255,255,255,0.78)",
             borderpad=1, **(dict(x=float(c[0]), y=float(c[1]), showarrow=True, ax=float(s[0]), ay=float(s[1]),
                                  axref="x", ayref="y", arrowhead=0, arrowwidth=1.5, arrowcolor=CLASS_COLOURS[k % 10],
                                  standoff=2) if m else dict(x=float(s[0]), y=float(s[1]), showarrow=False)))
        for k, text, c, s, m in zip(present, texts, centres, spots, moved)])
    return fig


def map_ranges(encodings: np.ndarray, pad: float = 0.05) -> tuple[list[float], list[float]]:
    """Axis ranges of a map of ``encodings``: their bounds, a margin, and the prior's ±3σ square (samples from
    N(0, I) are drawn on these maps)."""
    lo, hi = _bounds(np.asarray(encodings)[:, :2], pad)
    lo, hi = np.minimum(lo, -3.0), np.maximum(hi, 3.0)
    return [float(lo[0]), float(hi[0])], [float(lo[1]), float(hi[1])]


ENCODINGS_MAP_FRAME = 105   # pixels of an encodings map's height outside its plot area: top margin, axis, bottom


def encodings_map(encodings: np.ndarray, labels: np.ndarray, class_names, height: int = 480,
                  ranges: tuple | None = None, min_width: int = 320) -> go.Figure:
    """A plain latent map of the test encodings (the other pages' style) over fixed axis ranges (default
    :func:`map_ranges`); its class names fit a plot ``min_width`` pixels wide or wider."""
    encodings = np.asarray(encodings)
    x_range, y_range = ranges if ranges is not None else map_ranges(encodings)
    fig = latent_map(encodings[:, :2], labels, class_names, marker_size=4, height=height)
    class_labels(fig, encodings, labels, class_names, x_range, y_range, (min_width, height - ENCODINGS_MAP_FRAME))
    fig.update_layout(showlegend=False, uirevision=None)
    fig.update_xaxes(range=list(x_range), autorange=False)
    fig.update_yaxes(range=list(y_range), autorange=False)
    return fig
