"""Image panels: a decoded or real image shown large, losslessly."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.ui.kit.images import enlarge


def image_panel(image: np.ndarray, caption: str, size: int = 224) -> None:
    st.image(enlarge(image, size), caption=caption, width=size, output_format="PNG")
