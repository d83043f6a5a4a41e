"""The switch from Streamlit's legacy ``pages/`` mode to ``st.navigation`` (docs/architecture.md says why)."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_navigation() -> None:
    """Streamlit (1.36+) runs ``pages/*.py`` directly, skipping ``streamlit_app.py`` and its ``st.navigation``, when a
    server's first session opens a page URL before any ``st.navigation`` call has run in the process (the legacy
    ``pages/`` directory mode; AppTest resets to it on every run). Pages call this (through
    ``sidebar.current_dataset``): it switches to ``st.navigation`` mode and reruns through the entry script."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
