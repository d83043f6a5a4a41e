"""Rows of small captioned images as one HTML block (``st.html``) with the pixels inline as PNG data URIs: a new
drawing's ~20 images arrive with the rerun itself instead of as ~20 requests for Streamlit's media files."""

from __future__ import annotations

import html

import numpy as np
from PIL import Image

from explorer.ui.kit.images import png_data_uri, to_uint8

FIGURE = "lse-figure"      # the class of every inline figure (browser tests and benchmarks find images by it)
SCREEN = 112               # an image shown in a step strip is sent at most this many pixels on its longer side
ROW = "display:grid;gap:12px 12px;align-items:start;margin-bottom:8px"
CAPTION = ("font-size:14px;line-height:1.35;opacity:.6;margin-top:4px;text-align:center;hyphens:auto;"
           "overflow-wrap:break-word")


def for_screen(image: np.ndarray, longer: int = SCREEN) -> np.ndarray:
    """``image`` (float in [0, 1] or uint8) as uint8, scaled down (Lanczos) when its longer side exceeds
    ``longer``: an upload of thousands of pixels is not sent to the browser to be shown 80 px wide."""
    pixels = to_uint8(image)
    h, w = pixels.shape[:2]
    if max(h, w) <= longer:
        return pixels
    scale = longer / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(pixels).resize(size, Image.LANCZOS))


def figure(image: np.ndarray, caption: str, width: int | None) -> str:
    """One image and its caption, ``width`` px wide at most (None: as wide as its cell). Images smaller than they
    are shown keep their square pixels."""
    pixels = to_uint8(image)
    h, w = pixels.shape[:2]
    box = f"width:min({width}px,100%)" if width else "width:100%"
    pixelated = ";image-rendering:pixelated" if w < (width or 4 * w) or max(h, w) <= 56 else ""
    alt = html.escape(caption, quote=True)
    return (f'<figure class="{FIGURE}" style="margin:0;{box}"><img src="{png_data_uri(pixels)}" alt="{alt}" '
            f'style="display:block;width:100%;aspect-ratio:{w}/{h};border-radius:4px{pixelated}">'
            f'<figcaption style="{CAPTION}">{html.escape(caption)}</figcaption></figure>')


def figure_row(items: list[tuple[np.ndarray, str, int | None]], name: str) -> str:
    """(image, caption, width) items in equal columns, one row (``name``: its class, for tests and the
    benchmark)."""
    columns = f"grid-template-columns:repeat({len(items)},minmax(0,1fr))"
    return f'<div class="{name}" lang="en" style="{ROW};{columns}">' + "".join(figure(*item) for item in items) + "</div>"
