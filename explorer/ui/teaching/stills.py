"""Still figures for the Lesson: the same maps, paths, ellipses and bars as the interactive pages, drawn once on the
server with Matplotlib into PNG pixels (numpy in, RGB arrays out, no Streamlit here).

A Plotly figure costs the browser 0.5–3 s to mount here (software WebGL); an image appears in a frame, so a Lesson
step shows its result as soon as the server answers. Each still says what the interactive page shows, and the
Lesson links to that page for exploring.
"""

from __future__ import annotations

import io

import matplotlib.ticker
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from PIL import Image

from explorer import quality, teaching

from explorer.ui.kit.colours import BAD, CLASS_COLOURS, GOOD
from explorer.ui.kit.labels import place
from explorer.ui.teaching.figures import posterior_view

DPI = 100
SCALE = 2                     # pixels per CSS pixel: crisp on a projector and on hi-DPI screens
TEXT = "#31333f"
CLASS_NAME = "class-name"     # the gid of a class name written on a map (moved by _place_class_names)
PATH_COLORS = {"AE · linear": "#e66101", "VAE · linear": "#5e3c99", "VAE · spherical": "#b2abd2"}


def _figure(width: int, height: int, axes: int = 1, scale: int = SCALE):
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI * scale)      # no pyplot: safe in threads
    ax = fig.subplots(1, axes, squeeze=False)
    for a in ax.ravel():
        a.tick_params(labelsize=8, colors=TEXT, length=3)
        for side in ("top", "right"):
            a.spines[side].set_visible(False)
    return fig, list(ax.ravel())


def _pixels(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGB"))


def _scatter(ax, encodings: np.ndarray, labels: np.ndarray, class_names, faint: bool = False) -> None:
    enc = np.asarray(encodings)[:, :2]
    size = 3 if len(enc) > 3000 else 5
    for k in range(len(class_names)):
        sel = labels == k
        if sel.any():
            ax.scatter(enc[sel, 0], enc[sel, 1], s=size, c="#d9d9d9" if faint else CLASS_COLOURS[k % 10],
                       alpha=0.5 if faint else 0.7, linewidths=0, rasterized=True)
    if faint:
        return
    for k, name in enumerate(class_names):
        if np.any(labels == k):
            x, y = teaching.class_centre(enc, labels, k)
            ax.text(x, y, name, ha="center", va="center", fontsize=9, fontweight="bold", color=CLASS_COLOURS[k % 10],
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.75), gid=CLASS_NAME)


def _place_class_names(fig, ax) -> None:
    """Move the class names :func:`_scatter` wrote at their medians to the nearest spots where none covers another
    or leaves the axes (:func:`explorer.ui.kit.labels.place`, with the text's measured size); after the layout."""
    texts = [t for t in ax.texts if t.get_gid() == CLASS_NAME]
    if not texts:
        return
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax.apply_aspect()
    box = ax.get_window_extent(renderer)
    x_range, y_range = ax.get_xlim(), ax.get_ylim()
    scale = np.array([box.width / (x_range[1] - x_range[0]), box.height / (y_range[1] - y_range[0])])
    sizes = np.array([[e.width, e.height] for e in (t.get_window_extent(renderer) for t in texts)])
    spots = place(np.array([t.get_position() for t in texts], float), sizes + 2 * fig.dpi / 72, x_range, y_range,
                  scale)
    for t, spot in zip(texts, spots):
        t.set_position(tuple(spot))


def _frame(ax, encodings: np.ndarray, ranges=None) -> None:
    if ranges is not None:
        ax.set_xlim(*ranges[0])
        ax.set_ylim(*ranges[1])
    else:
        lo, hi = np.percentile(encodings[:, :2], 0.5, axis=0), np.percentile(encodings[:, :2], 99.5, axis=0)
        pad = 0.08 * (hi - lo)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
    ax.set_aspect("equal", adjustable="box")      # the limits stay; the box takes the shape of square units
    ax.set_xlabel("z1", fontsize=9, color=TEXT)
    ax.set_ylabel("z2", fontsize=9, color=TEXT, rotation=0, labelpad=8)


def latent_map(encodings: np.ndarray, labels: np.ndarray, class_names, width: int = 420, height: int = 360,
               rings: tuple[np.ndarray, np.ndarray] | None = None, paths: dict[str, np.ndarray] | None = None,
               ranges=None, title: str = "", scale: int = SCALE, trails: np.ndarray | None = None,
               trail_labels: np.ndarray | None = None) -> np.ndarray:
    """A latent map of the test encodings by class, with prior samples (z, data_like) as rings where data-like and
    crosses where not, in the verdict colours, interpolation paths (name -> z [steps, 2]) with A and B marked, and ``trails`` [steps, N, 2]: where each
    encoding was at earlier steps, as a fading line in its class colour (``trail_labels``: the classes of the trails'
    encodings when they are a subset, default ``labels``)."""
    fig, (ax,) = _figure(width, height, scale=scale)
    if trails is not None and len(trails) > 1:
        trail_labels = labels if trail_labels is None else trail_labels
        for k in range(len(class_names)):
            sel = trail_labels == k
            for j in range(len(trails) - 1):
                segments = np.stack([trails[j][sel, :2], trails[j + 1][sel, :2]], axis=1)
                ax.add_collection(LineCollection(segments, colors=CLASS_COLOURS[k % 10], linewidths=0.6,
                                                 alpha=0.15 + 0.35 * (j + 1) / (len(trails) - 1)))
    _scatter(ax, encodings, labels, class_names)
    view = np.asarray(encodings)[:, :2]
    if rings is not None:
        z, ok = np.asarray(rings[0])[:, :2], np.asarray(rings[1], bool)
        ax.scatter(z[ok, 0], z[ok, 1], s=60, facecolors="none", edgecolors=GOOD, linewidths=2, zorder=3)
        ax.scatter(z[~ok, 0], z[~ok, 1], s=60, marker="x", c=BAD, linewidths=2, zorder=3)
        view = np.concatenate([view, z])
    for name, z in (paths or {}).items():
        z = np.asarray(z)[:, :2]
        color = PATH_COLORS.get(name, "#444")
        ax.plot(z[:, 0], z[:, 1], marker="o", color=color, lw=2.5, ms=3.5, zorder=3,
                ls=":" if "spherical" in name else "-", label=name)
        for point, letter in ((z[0], "A"), (z[-1], "B")):
            ax.plot(*point, "o", ms=11, mfc="white", mec="#111", mew=2, zorder=4)
            ax.text(*point, letter, ha="center", va="center", fontsize=7, fontweight="bold", zorder=5)
    if paths:
        ax.legend(loc="lower left", fontsize=7, frameon=True, framealpha=0.85)
    _frame(ax, view, ranges)
    if title:
        ax.set_title(title, fontsize=10, color=TEXT)
    fig.tight_layout(pad=0.4)
    _place_class_names(fig, ax)
    return _pixels(fig)


def posterior_map(encodings: np.ndarray, labels: np.ndarray, class_names, mu: np.ndarray, sigma: np.ndarray,
                  chosen: np.ndarray, width: int = 460, height: int = 420) -> np.ndarray:
    """The VAE's posterior, zoomed to the chosen images: every test mean faint, the N(0, I) circles, and each chosen
    image's mean with its 1σ (solid) and 2σ (dotted) ellipse in its class colour."""
    fig, (ax,) = _figure(width, height)
    _scatter(ax, encodings, labels, class_names, faint=True)
    for r in (1, 2, 3):
        ax.add_patch(Ellipse((0, 0), 2 * r, 2 * r, fill=False, ec="#2166ac", lw=1.2, ls="--"))
        ax.text(r * 0.7071, r * 0.7071, f"{teaching.prior_mass_inside(r):.0%}", color="#2166ac", fontsize=8,
                clip_on=True)
    for m, s, k in zip(mu, sigma, chosen):
        color = CLASS_COLOURS[int(k) % 10]
        ax.add_patch(Ellipse(m, 2 * s[0], 2 * s[1], fill=True, fc=color, alpha=0.15, ec=color, lw=1.8))
        ax.add_patch(Ellipse(m, 4 * s[0], 4 * s[1], fill=False, ec=color, lw=1, ls=":"))
        ax.plot(*m, "o", color=color, ms=4, mec="white", mew=0.6)
    xlim, ylim = posterior_view(mu, sigma)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("z1", fontsize=9, color=TEXT)
    ax.set_ylabel("z2", fontsize=9, color=TEXT, rotation=0, labelpad=8)
    for k in np.unique(chosen):
        ax.plot([], [], "o", color=CLASS_COLOURS[int(k) % 10], label=class_names[int(k)])
    ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    fig.tight_layout(pad=0.4)
    return _pixels(fig)


def class_mix(mixes: dict[str, np.ndarray], class_names, width: int = 520, height: int = 200) -> np.ndarray:
    """Grouped bars: the share of each class in the test set and among each model's decoded prior samples."""
    colors = {"test set": "#999999", "AE": "#e66101", "VAE": "#5e3c99"}
    fig, (ax,) = _figure(width, height)
    n, k = len(mixes), len(class_names)
    x = np.arange(k)
    for i, (name, values) in enumerate(mixes.items()):
        ax.bar(x + (i - (n - 1) / 2) * 0.8 / n, values, 0.8 / n, label=name, color=colors.get(name, "#444"))
    ax.set_xticks(x, [c[:9] for c in class_names], fontsize=7)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.legend(fontsize=7, ncols=n, loc="upper right", frameon=False)
    fig.tight_layout(pad=0.4)
    return _pixels(fig)


def path_scores(scores: dict[str, tuple[np.ndarray, np.ndarray]], width: int = 520, height: int = 210) -> np.ndarray:
    """Confidence and distance to the nearest real image along each path, the data-like thresholds dashed."""
    fig, (left, right) = _figure(width, height, axes=2)
    for name, (conf, dist) in scores.items():
        t = np.linspace(0, 1, len(conf))
        style = dict(color=PATH_COLORS.get(name, "#444"), lw=2, ls=":" if "spherical" in name else "-", marker="o",
                     ms=3)
        left.plot(t, conf, label=name, **style)
        right.plot(t, dist, **style)
    left.axhline(quality.CONFIDENT, color="#888", ls="--", lw=1)
    right.axhline(quality.CLOSE, color="#888", ls="--", lw=1)
    left.set_ylim(0, 1.03)
    right.set_ylim(bottom=0)
    left.set_title("classifier confidence (data-like: above)", fontsize=8, color=TEXT)
    right.set_title("distance to a real image (data-like: below)", fontsize=8, color=TEXT)
    for ax in (left, right):
        ax.set_xticks([0, 1], ["A", "B"])
    left.legend(fontsize=7, loc="lower left", frameon=False)
    fig.tight_layout(pad=0.4)
    return _pixels(fig)
