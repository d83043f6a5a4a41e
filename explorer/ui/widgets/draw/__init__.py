"""The drawing pad of the Your own page: a Streamlit Components v2 component (inline, no iframe, no build step).

signature_pad (``vendor/``, MIT) draws the strokes; it is put in front of ``draw.js`` as one inline module (a blob
module cannot import a neighbouring file). ``draw.js`` adds pen width, undo and clear, and on pointer up sends the
ink at once, without a debounce: the pad scaled down to :data:`SIDE` x :data:`SIDE` pixels, each pixel's ink
coverage as base64 of uint8. :func:`drawing` checks that event (:func:`explorer.own_image.drawn_levels`) before
any of it is used.

The drawing can live in the page URL (``link``: :func:`explorer.own_image.ink_text`, lossless). A drawing that
arrives by link is the pad's *base*: the pad paints it under the strokes (in the pen's colour) and Python reads it
exactly as sent, until the pad sends again: then the pad's ink (the base with the new strokes over it) is the
drawing. Undo takes back strokes drawn since, never the base; Clear clears both, and the drawing leaves the URL.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import base64

import numpy as np
import streamlit as st

from explorer import own_image

from explorer.ui.shell import url

SIDE = 112                 # the ink image's side: 4 x 28, ample for cropping to the ink and scaling it to 20 px
SIZE = 260                 # the pad's side on the page, CSS pixels
PEN = {"min": 6, "max": 40, "value": 20}
LABEL = "Drawing pad: draw with the mouse, a pen or a finger; lift it to update"

_HERE = Path(__file__).parent
_log = logging.getLogger(__name__)


def module_js() -> str:
    """signature_pad's ES module, its default export bound to ``SignaturePad`` in a scope of its own, then
    ``draw.js``."""
    lib = (_HERE / "vendor" / "signature_pad.min.js").read_text()
    exports = re.findall(r"export\s*\{\s*(\w+) as default\s*\};?", lib)
    if len(exports) != 1 or re.search(r"^\s*import\b", lib, re.M):
        raise RuntimeError("vendor/signature_pad.min.js: expected one default export and no imports")
    body = re.sub(r"export\s*\{\s*\w+ as default\s*\};?", "", lib)
    body = re.sub(r"^//# sourceMappingURL=.*$", "", body, flags=re.M)
    return (f"const SignaturePad = (() => {{\n{body}\nreturn {exports[0]};\n}})();\n"
            + (_HERE / "draw.js").read_text())


_pad = st.components.v2.component("lse_draw", js=module_js(), css=(_HERE / "draw.css").read_text())


def ink_link(key: str) -> url.Value:
    """The pad's drawing in the page URL under ``key``: uint8 levels [SIDE, SIDE] as bytes in session state."""
    return url.Value(key, lambda text: own_image.ink_from_text(text, SIDE).tobytes(), _link_text, None,
                     f"a drawing from the pad ({SIDE} × {SIDE} ink levels, zlib, base64url)")


def _link_text(raw: bytes) -> str:
    return own_image.ink_text(np.frombuffer(raw, np.uint8))


def _base_key(key: str) -> str:
    return f"_{key}_base"          # session state: {"rev", "levels"}: the linked drawing, until the pad sends


def drawing(key: str, link: str | None = None) -> np.ndarray | None:
    """Mount the pad; the drawing as grey [SIDE, SIDE] in [0, 1], or None when nothing is drawn. A malformed event
    (not what the pad sends) is ignored with a warning. ``link``: the drawing is also in the page URL under that
    key, and a link's drawing is shown on the pad and returned as if it had just been drawn."""
    base_key = _base_key(key)
    if link is not None and url.read(ink_link(link)):
        rev = st.session_state[base_key + "_rev"] = st.session_state.get(base_key + "_rev", 0) + 1   # never reused
        st.session_state[base_key] = {"rev": rev, "levels": st.session_state[link]}
    base = st.session_state.get(base_key)
    shown = {"rev": base["rev"], "data": base64.b64encode(base["levels"]).decode()} if base else None
    _pad(key=key, data={"side": SIDE, "size": SIZE, "pen": PEN, "label": LABEL, "base": shown},
         default={"ink": None}, on_ink_change=lambda: st.session_state.pop(base_key, None))
    if base:
        levels = np.frombuffer(base["levels"], np.uint8).reshape(SIDE, SIDE)
    else:
        value = st.session_state.get(key)
        try:
            levels = own_image.drawn_levels(value.get("ink") if hasattr(value, "get") else value)
        except own_image.ImageInputError as e:
            _log.warning("ignored a drawing event: %s", e)
            st.warning("The drawing could not be read; draw again or clear the pad.")
            levels = None
    if link is not None:
        fits = levels is not None and levels.shape == (SIDE, SIDE)
        st.session_state[link] = levels.tobytes() if fits else None
        url.write(ink_link(link))
    return None if levels is None else levels.astype(np.float32) / 255.0


def unlink(key: str, link: str) -> None:
    """The pad is not shown: its drawing (and a linked one) leaves the page URL."""
    st.session_state.pop(_base_key(key), None)
    st.session_state[link] = None
    url.write(ink_link(link))
