"""A student's own image as the models' data: read an upload safely, then prepare it the way each dataset's images
were made. Pure functions: bytes or arrays in, float images in [0, 1] out, every step kept so a teacher can show
it.

- MNIST (LeCun et al.): ink as white on black, the ink's bounding box scaled so that its longer side is 20 px
  (anti-aliased), then placed in 28 x 28 with its centre of mass at the centre.
- Fashion-MNIST (Xiao et al. 2017, the published conversion): trim the background, resize the longer edge to 28
  px, extend the shorter edge to 28 px and centre the object, grey, negated so the object is light on black.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024          # the same as Streamlit's server.maxUploadSize (.streamlit/config.toml)
MAX_PIXELS = 4096 * 4096             # larger images are refused before they are decoded
FORMATS = ("PNG", "JPEG", "MPO", "WEBP", "GIF")  # MPO: a phone's JPEG holding several pictures
INK = 0.1                            # a pixel counts as ink from this intensity (of the image's strongest)
DRAWING_SIDES = (8, 512)             # the smallest and largest side of a drawing the pad may send, in pixels
MAX_SIDE = 512                       # a larger image is scaled down to this longest side as it is read (a 28 x 28
                                     # result needs no more; a 12 MP JPEG then decodes at 1/4 scale, ~2 MB not ~36)


class ImageInputError(ValueError):
    """An image that cannot be used, with a message for the person who gave it."""


@dataclass(frozen=True)
class Prepared:
    image: np.ndarray                # float32 [28, 28] in [0, 1]: what the models get
    steps: tuple[tuple[str, np.ndarray], ...]   # (what was done, the image after it) in order
    inverted: bool                   # whether the input was dark ink on a light background


def read_image(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """An uploaded file as grey float [H, W] in [0, 1]: PNG, JPEG, WebP or GIF (the first frame; a multi-picture
    JPEG's first picture), any size up to ``max_pixels``, colour or grey, 8 or 16 bits, CMYK, turned upright by its
    EXIF orientation; transparency is composited onto white. A larger image comes back scaled down to a longest side
    of :data:`MAX_SIDE` (a JPEG is decoded at the smallest of 1/2, 1/4, 1/8 scale that keeps it that large)."""
    if len(data) == 0:
        raise ImageInputError("The file is empty.")
    if len(data) > max_bytes:
        raise ImageInputError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    try:
        img = Image.open(io.BytesIO(data))          # reads the header only
    except UnidentifiedImageError:
        raise ImageInputError("This file is not an image (PNG, JPEG, WebP or GIF).") from None
    except Image.DecompressionBombError:
        raise ImageInputError("The image has far too many pixels to open safely.") from None
    except ValueError as e:
        raise _refusal(e) from None
    if img.format not in FORMATS:
        raise ImageInputError(f"{img.format} images are not supported; use PNG, JPEG, WebP or GIF.")
    width, height = img.size
    if width * height > max_pixels:
        raise ImageInputError(f"The image is {width} × {height} pixels; the limit is {max_pixels:,} pixels.")
    if width < 1 or height < 1:
        raise ImageInputError("The image has no pixels.")
    try:
        img.seek(0)                                   # an animation: its first frame
        if img.format in ("JPEG", "MPO"):
            img.draft(None, (MAX_SIDE, MAX_SIDE))     # decode scaled down: memory and time fall with the scale
        img.load()
        img = ImageOps.exif_transpose(img)            # a phone's portrait photo is stored sideways
    except (OSError, SyntaxError, Image.DecompressionBombError) as e:
        raise ImageInputError(f"The image is damaged or truncated ({e}).") from None
    except ValueError as e:
        raise _refusal(e) from None
    return scaled_down(to_grey(img))


def scaled_down(grey: np.ndarray, side: int = MAX_SIDE) -> np.ndarray:
    """A grey float image whose longest side is over ``side`` scaled down to it (area-averaged), else as it is."""
    h, w = grey.shape
    if max(h, w) <= side:
        return grey
    size = (max(1, round(w * side / max(h, w))), max(1, round(h * side / max(h, w))))
    return np.asarray(Image.fromarray(grey, "F").resize(size, Image.Resampling.BOX), np.float32)


def _refusal(e: ValueError) -> ImageInputError:
    """Pillow's ValueError while reading as a sentence for the person who gave the file: a compressed metadata
    block (text, colour profile) that inflates past Pillow's limits (``PngImagePlugin.MAX_TEXT_CHUNK``,
    ``MAX_TEXT_MEMORY``), or else a damaged file."""
    if "MAX_TEXT" in str(e):
        return ImageInputError("The image carries a metadata block (text or colour profile) that inflates far "
                               "beyond what an image needs; it cannot be opened safely.")
    return ImageInputError(f"The image is damaged or truncated ({str(e)[:80]}).")


def to_grey(img: Image.Image) -> np.ndarray:
    """Any PIL image as grey float [H, W] in [0, 1] (16-bit and float modes scaled by their range)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(img, np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or a.max() > 255 else 255.0
        return np.clip(a / top, 0, 1).astype(np.float32)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return np.asarray(img.convert("L"), np.float32) / 255.0


def drawn_ink(event: object) -> np.ndarray | None:
    """The drawing pad's event as ink [h, w] in [0, 1] (:func:`drawn_levels` over 255); None for no drawing."""
    levels = drawn_levels(event)
    return None if levels is None else levels.astype(np.float32) / 255.0


def drawn_levels(event: object) -> np.ndarray | None:
    """The drawing pad's event (``explorer.ui.draw``: {"w", "h", "data": base64 of w * h uint8 ink levels, row by
    row}) as uint8 ink levels [h, w]; None for no drawing. Everything is checked before anything is decoded or
    allocated; a malformed event raises :class:`ImageInputError`."""
    if event is None:
        return None
    if not isinstance(event, dict):
        raise ImageInputError(f"expected a drawing (a mapping); got {type(event).__name__}")
    w, h, data = event.get("w"), event.get("h"), event.get("data")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (w, h)):
        raise ImageInputError("the drawing's width and height must be whole numbers")
    if not (DRAWING_SIDES[0] <= w <= DRAWING_SIDES[1] and DRAWING_SIDES[0] <= h <= DRAWING_SIDES[1]):
        raise ImageInputError(f"a drawing of {w} × {h} pixels: each side must be {DRAWING_SIDES[0]} to "
                              f"{DRAWING_SIDES[1]}")
    if not isinstance(data, str):
        raise ImageInputError(f"the drawing's pixels must be base64 text; got {type(data).__name__}")
    if len(data) != 4 * -(-(w * h) // 3):
        raise ImageInputError(f"the drawing's pixels are {len(data)} base64 characters; {w} × {h} pixels take "
                              f"{4 * -(-(w * h) // 3)}")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ImageInputError("the drawing's pixels are not base64") from None
    if len(raw) != w * h:
        raise ImageInputError(f"the drawing holds {len(raw)} pixels; {w} × {h} expected")
    return np.frombuffer(raw, np.uint8).reshape(h, w).copy()


# A drawing as link text: its uint8 ink levels, zlib (level 9), base64url without padding; lossless. Measured on
# the pad (112 x 112, pens of 6, 20 and 40 px, headless Chromium): a 1 260-520 characters, a 7 860-1,120, a 0 or
# an 8 1,700-2,100, a dense scribble over the whole pad 2,200-6,000. zlib's worst case (random noise, which no pen
# draws) is 16,740; the bound admits it, so that every drawing round-trips.
_LINK_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


def ink_text_max(side: int) -> int:
    """The longest link text of a ``side`` x ``side`` drawing: zlib's stored-block worst case, in base64."""
    n = side * side
    return 4 * -(-(n + 5 * (n // 16_000 + 1) + 6) // 3)


def ink_text(levels: np.ndarray) -> str:
    """A drawing's uint8 ink levels as link text (read back by :func:`ink_from_text`)."""
    raw = np.ascontiguousarray(levels, np.uint8).tobytes()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def ink_from_text(text: str, side: int) -> np.ndarray:
    """The uint8 ink levels [side, side] that :func:`ink_text` wrote. The text's length and alphabet are checked
    before it is decoded and the inflated size is bounded while inflating (a zlib bomb stops at side * side + 1
    bytes); anything else raises :class:`ImageInputError`."""
    n = side * side
    if not isinstance(text, str) or not 0 < len(text) <= ink_text_max(side) or len(text) % 4 == 1:
        raise ImageInputError(f"a drawing's text is 1 to {ink_text_max(side)} characters")
    if not _LINK_ALPHABET.fullmatch(text):
        raise ImageInputError("a drawing's text is base64url (A-Z, a-z, 0-9, - and _)")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, n + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise ImageInputError("a drawing's text is not zlib data") from None
    if len(raw) != n or not inflate.eof or inflate.unconsumed_tail or inflate.unused_data:
        raise ImageInputError(f"a drawing's text holds {side} × {side} = {n} ink levels and nothing more")
    return np.frombuffer(raw, np.uint8).reshape(side, side).copy()


def is_dark_on_light(grey: np.ndarray) -> bool:
    """Whether an image shows dark ink on a light background: its border is lighter than mid-grey."""
    g = np.asarray(grey)
    border = np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])
    return float(np.median(border)) > 0.5


def ink_of(grey: np.ndarray, invert: bool | None = None) -> tuple[np.ndarray, bool]:
    """(ink as white on black, whether it was inverted): ``invert`` None detects it (:func:`is_dark_on_light`)."""
    g = np.clip(np.asarray(grey, np.float32), 0, 1)
    flip = is_dark_on_light(g) if invert is None else bool(invert)
    return (1.0 - g if flip else g), flip


def _check_ink(ink: np.ndarray) -> np.ndarray:
    if not np.isfinite(ink).all():
        raise ImageInputError("The image holds invalid values.")
    # the background as zero: subtract its level, read off the border (a photo's paper is not pure white)
    border = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
    ink = np.clip(ink - float(np.median(border)), 0, None)
    if float(ink.max(initial=0)) < 0.05 or float(np.ptp(ink)) < 0.05:
        raise ImageInputError("The image is blank: there is nothing drawn on it (or it is one uniform colour).")
    return ink / float(ink.max())


def _bounding_box(ink: np.ndarray) -> tuple[slice, slice]:
    rows, cols = np.nonzero(ink >= INK)
    return slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1)


def _resize(ink: np.ndarray, longer: int) -> np.ndarray:
    """Scale so that the longer side is ``longer`` px, anti-aliased (PIL's Lanczos filter, clipped to [0, 1])."""
    h, w = ink.shape
    scale = longer / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = Image.fromarray(np.asarray(ink, np.float32), mode="F").resize(size, Image.LANCZOS)
    return np.clip(np.asarray(img, np.float32), 0, 1)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of an image's intensity-weighted centre."""
    a = np.asarray(image, np.float64)
    rows, cols = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    total = a.sum()
    return float((a * rows).sum() / total), float((a * cols).sum() / total)


def _place(small: np.ndarray, by_mass: bool) -> np.ndarray:
    """``small`` in a 28 x 28 field: its centre of mass (or its box's centre) at the field's centre (13.5, 13.5),
    by whole pixels, clipped at the border."""
    field = np.zeros((28, 28), np.float32)
    h, w = small.shape
    if by_mass:
        cy, cx = centre_of_mass(small)
    else:
        cy, cx = (h - 1) / 2, (w - 1) / 2
    top, left = int(round(13.5 - cy)), int(round(13.5 - cx))
    r0, c0 = max(0, top), max(0, left)
    r1, c1 = min(28, top + h), min(28, left + w)
    if r1 > r0 and c1 > c0:
        field[r0:r1, c0:c1] = small[r0 - top:r1 - top, c0 - left:c1 - left]
    return field


def prepare(grey: np.ndarray, dataset: str, invert: bool | None = None) -> Prepared:
    """An image (grey [H, W] in [0, 1]) prepared like ``dataset``'s images ("mnist" or "fashion"), every step
    kept. Raises :class:`ImageInputError` for a blank image."""
    g = np.asarray(grey, np.float32)
    if g.ndim != 2 or min(g.shape) < 1:
        raise ImageInputError(f"expected a grey image [H, W]; got shape {list(g.shape)}")
    ink, flipped = ink_of(g, invert)
    steps = [("your image", g)]
    if flipped:
        steps.append(("inverted: light on black", ink))
    ink = _check_ink(ink)
    box = ink[_bounding_box(ink)]
    steps.append(("cropped to the ink", box))
    if dataset == "mnist":
        small = _resize(box, 20)
        steps.append(("longer side 20 px", small))
        out = _place(small, by_mass=True)
        steps.append(("centre of mass at the centre of 28 × 28", out))
    elif dataset == "fashion":
        small = _resize(box, 28)
        steps.append(("longer side 28 px", small))
        out = _place(small, by_mass=False)
        steps.append(("centred in 28 × 28", out))
    else:
        raise ValueError(f"unknown dataset {dataset!r}")
    out = np.clip(np.nan_to_num(out), 0, 1).astype(np.float32)
    return Prepared(out, tuple(steps), flipped)
