"""The drawing pad of the Your own page: a Streamlit Components v2 component (inline, no iframe, no build step).

signature_pad (``vendor/``, MIT) draws the strokes; it is put in front of ``draw.js`` as one inline module (a blob
module cannot import a neighbouring file). ``draw.js`` adds pen width, undo and clear, and on pointer up sends the
ink at once, without a debounce: the pad scaled down to :data:`SIDE` x :data:`SIDE` pixels, each pixel's ink
coverage as base64 of uint8. :func:`drawing` checks that event (:func:`explorer.own_image.drawn_ink`) before any
of it is used.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import streamlit as st

from explorer import own_image

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


def drawing(key: str) -> np.ndarray | None:
    """Mount the pad; the last ink it sent as grey [SIDE, SIDE] in [0, 1], or None when nothing is drawn. A
    malformed event (not what the pad sends) is ignored with a warning."""
    _pad(key=key, data={"side": SIDE, "size": SIZE, "pen": PEN, "label": LABEL}, default={"ink": None},
         on_ink_change=lambda: None)
    value = st.session_state.get(key)
    event = value.get("ink") if hasattr(value, "get") else value
    try:
        return own_image.drawn_ink(event)
    except own_image.ImageInputError as e:
        _log.warning("ignored a drawing event: %s", e)
        st.warning("The drawing could not be read; draw again or clear the pad.")
        return None
