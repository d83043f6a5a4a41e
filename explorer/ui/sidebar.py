"""The sidebar every page shares: dataset choice and where the models run."""

from __future__ import annotations

import streamlit as st

import explorer

DATASET_KEY = "dataset"


def render() -> None:
    names = list(explorer.DATASETS)
    st.sidebar.selectbox("Dataset", names, key=DATASET_KEY,
                         format_func=lambda n: explorer.DATASETS[n].title)
    device = explorer.best_device()
    where = "GPU" if device.type in ("cuda", "mps") else "CPU"
    st.sidebar.caption(f"Models run on the **{where}** (`{device}`).")


def current_dataset() -> str:
    return st.session_state.get(DATASET_KEY, next(iter(explorer.DATASETS)))
