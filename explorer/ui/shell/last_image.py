"""The image last prepared on the Your own page, kept in the session for other pages to offer (Denoise shows it as
"Your own image"). This module owns that session state."""

from __future__ import annotations

import numpy as np
import streamlit as st

KEY = "own_last_image"       # (dataset, uint8 [28, 28] bytes) of the last prepared image


def remember(dataset: str, pixels: np.ndarray) -> None:
    """Keep a prepared image (uint8 [28, 28]) of ``dataset``."""
    st.session_state[KEY] = (dataset, np.ascontiguousarray(pixels, np.uint8).tobytes())


def last(dataset: str) -> bytes | None:
    """The last prepared image's bytes when it is of ``dataset``, else None."""
    kept = st.session_state.get(KEY)
    return kept[1] if kept and kept[0] == dataset else None
