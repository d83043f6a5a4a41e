"""Page guards: load what a page needs or show a clear ``st.error`` and stop that page only (the sidebar, the
menu and the other pages keep working)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer.checkpoints import shown_path

from explorer.ui.shell import cache


def model_or_stop(name: str | None):
    """The loaded model, or an ``st.error`` naming the broken checkpoint and a stop of this page only."""
    if name is None:
        st.stop()
    try:
        return cache.model(name)
    except explorer.CheckpointError as e:
        st.error(f"**The `{name}` checkpoint cannot be loaded.** {e.problem}  \n`{shown_path(e.path)}`  \n"
                 "The other models and pages still work; the Models page lists every checkpoint's state.")
        st.stop()


def test_set_or_stop(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """The dataset's test split, or an ``st.error`` saying how to get it and a stop of this page only."""
    try:
        return cache.dataset(dataset, "test")
    except explorer.DatasetNotFoundError as e:
        st.error(f"**The {explorer.DATASETS[dataset].title} test images are missing.** {e}  \n"
                 "The Models page still works.")
        st.stop()
