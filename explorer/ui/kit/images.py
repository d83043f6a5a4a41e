"""Images for the screen: crisp upscaling (no browser blur), class-tinted sprites, PNG data URIs, mosaics."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from explorer.latent import tile



def to_uint8(images: np.ndarray) -> np.ndarray:
    """Float images in [0, 1] (or uint8) as uint8; a NaN pixel (a decoder fed an infinite latent) is black."""
    a = np.asarray(images)
    if a.dtype == np.uint8:
        return a
    return (np.clip(np.nan_to_num(a, nan=0.0), 0, 1) * 255).round().astype(np.uint8)


def enlarge(image: np.ndarray, size: int = 280) -> np.ndarray:
    """A 28x28 image blown up to ``size`` pixels with nearest-neighbour pixels (uint8)."""
    img = to_uint8(image)
    factor = max(1, size // img.shape[0])
    return np.repeat(np.repeat(img, factor, 0), factor, 1)


def png_bytes(pixels: np.ndarray) -> bytes:
    """PNG bytes of uint8 pixels [H, W] (grey), [H, W, 3] (RGB) or [H, W, 4] (RGBA)."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def png_data_uri(pixels: np.ndarray) -> str:
    """A PNG data URI of uint8 pixels [H, W] (grey), [H, W, 3] (RGB) or [H, W, 4] (RGBA)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode()


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


def tinted_sprite(image: np.ndarray, color: str) -> np.ndarray:
    """An RGBA sprite: the class colour where there is ink, transparent elsewhere (Embedding Projector style)."""
    ink = to_uint8(image)
    rgba = np.empty(ink.shape + (4,), np.uint8)
    rgba[..., :3] = hex_to_rgb(color)
    rgba[..., 3] = ink
    return rgba


def mosaic(images: np.ndarray, cols: int, pad: int = 1, separator: int = 96) -> np.ndarray:
    """Images [N, 28, 28] as one uint8 mosaic of ``cols`` columns (blank cells fill the last row), with grey
    separators so that black backgrounds stay apart."""
    images = to_uint8(images)
    rows = -(-len(images) // cols)
    cells = np.concatenate([images, np.zeros((rows * cols - len(images), 28, 28), np.uint8)])
    out = tile(cells, rows, cols, pad=pad)
    out[tile(np.zeros_like(cells), rows, cols, pad=pad) == 255] = separator
    return out
