"""Class names written on a map: each at its cluster's centre, or as near it as the other names allow, never over
another name and never past the plot's edge.

Positions are chosen in pixels for the smallest plot the app draws the figure at (``plot_size``) and stored in data
coordinates. A bigger plot (a wider screen, a zoom) moves the centres apart while the text keeps its size, so names
that do not overlap at the smallest size do not overlap at any larger one. Text boxes are sized from the font size
and the number of characters (:func:`text_box`), an upper bound of the bold sans-serif the charts render in.
"""

from __future__ import annotations

import numpy as np

FONT_SIZE = 15
EM_PER_CHAR = 0.5       # bold sans-serif, measured 0.38–0.47 em per character in Chromium; the bound is wider
LINE_EM = 1.4
PAD = 3                 # pixels around the text (the annotation's border padding and background)
GAP = 2                 # pixels kept free between two names and between a name and the plot's edge
LEADER = 14             # a name moved further than this (pixels) from its centre gets a line to it


def text_box(text: str, size: float = FONT_SIZE) -> tuple[float, float]:
    """(width, height) in pixels that a one-line bold label of ``text`` at ``size`` px fits in."""
    return EM_PER_CHAR * size * len(text) + 2 * PAD, LINE_EM * size + 2 * PAD


def plot_scale(x_range, y_range, plot_size: tuple[float, float], equal_aspect: bool = False) -> np.ndarray:
    """Pixels per data unit along x and y of a plot area ``plot_size`` (width, height) showing the ranges; with
    ``equal_aspect`` one unit is as long on both axes (Plotly's ``scaleanchor`` with ``constrain="domain"``)."""
    span = np.array([x_range[1] - x_range[0], y_range[1] - y_range[0]], float)
    scale = np.asarray(plot_size, float) / span
    return np.full(2, scale.min()) if equal_aspect else scale


def _overlap(boxes: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """Total overlap area of each of ``boxes`` [S, 4] (x0, y0, x1, y1) with all of ``placed`` [P, 4], grown by GAP."""
    if not len(placed):
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], placed[:, 2]) - np.maximum(boxes[:, None, 0], placed[:, 0]) + GAP
    h = np.minimum(boxes[:, None, 3], placed[:, 3]) - np.maximum(boxes[:, None, 1], placed[:, 1]) + GAP
    return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(1)


def place(centres: np.ndarray, sizes: np.ndarray, x_range, y_range, scale: np.ndarray) -> np.ndarray:
    """Label centres [K, 2] in data coordinates: each label (``sizes`` [K, 2], pixels) at its ``centres`` row if it
    fits there, else at the nearest free spot (rings of 8 → 48 directions, 4 px apart) inside the plot; the
    labels are placed widest first. Where no spot is free (a plot far too small) the least-overlapping spot wins."""
    centres = np.asarray(centres, float)
    sizes = np.asarray(sizes, float)
    lo = np.array([x_range[0], y_range[0]], float)
    area = np.array([x_range[1] - x_range[0], y_range[1] - y_range[0]]) * scale      # plot size in pixels
    wanted = (centres - lo) * scale                                                    # pixels, y up
    offsets = [np.zeros((1, 2))]
    for r in range(4, int(area.max()) + 4, 4):
        angles = np.linspace(0, 2 * np.pi, max(8, min(48, r // 2)), endpoint=False)
        offsets.append(r * np.stack([np.cos(angles), np.sin(angles)], 1))
    offsets = np.concatenate(offsets)
    placed = np.zeros((0, 4))
    out = np.empty_like(centres)
    for k in np.argsort(-sizes[:, 0], kind="stable"):
        half = sizes[k] / 2
        spots = np.clip(wanted[k] + offsets, half + GAP, area - half - GAP)    # inside the plot
        cost = _overlap(np.concatenate([spots - half, spots + half], 1), placed)
        free = np.flatnonzero(cost == 0)
        best = spots[free[0] if len(free) else int(np.argmin(cost))]
        placed = np.vstack([placed, np.concatenate([best - half, best + half])])
        out[k] = lo + best / scale
    return out
