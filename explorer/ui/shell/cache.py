"""Cached loaders shared by every page (``st.cache_resource`` for models and the datasets: shared across sessions,
never mutated; ``st.cache_data`` for small arrays and records)."""

from __future__ import annotations

import os

import numpy as np
import streamlit as st
import torch

import explorer
from explorer.names import model_name
from explorer.quality import QualityScorer


@st.cache_resource(show_spinner="Loading model…", max_entries=32)
def model(name: str):
    """A loaded model (raises CheckpointError for a broken checkpoint; pages show it with st.error)."""
    _inference_threads()
    return explorer.load_model(name)


@st.cache_resource
def _inference_threads() -> int:
    """One CPU thread per torch op in the app (``$EXPLORER_TORCH_THREADS`` to change): the app's work is small
    (one image per slider step), and on a busy 2-core machine a second intra-op thread waits for a core: a
    generator forward took 72 ms median with 2 threads and 1.2 ms with 1 while another process kept a core busy."""
    threads = int(os.environ.get("EXPLORER_TORCH_THREADS", "1"))
    torch.set_num_threads(threads)
    return threads


@st.cache_resource(show_spinner="Loading dataset…", max_entries=8)
def dataset(name: str, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 [N, 28, 28], labels [N]), one read-only copy for every session: pages read it several times a
    run, and ``st.cache_data`` would hand each call its own unpickled copy (1.6 MB for the MNIST sample)."""
    images, labels = explorer.load_dataset(name, split)
    for array in (images, labels):
        array.setflags(write=False)
    return images, labels


@st.cache_data(max_entries=32)
def metrics(name: str) -> dict:
    return explorer.read_metrics(name)


@st.cache_resource(show_spinner="Preparing the decode-quality scorer…", max_entries=4)
def quality_scorer(dataset_name: str) -> QualityScorer:
    images, _ = dataset(dataset_name, "test")
    return QualityScorer(model(model_name(dataset_name, "classifier")), images)


@st.cache_data(show_spinner=False, max_entries=32)
def test_vectors(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(what the latent map projects, what its way back returns) for the test split (see explorer.projection)."""
    from explorer.projection import map_vectors   # measured: +0.47 s of import (scikit-learn) for Home

    images, _ = dataset(model(name).dataset, "test")
    return map_vectors(model(name), images)


@st.cache_data(show_spinner=False, max_entries=32)
def encodings(name: str) -> np.ndarray:
    """An AE/VAE's encodings of the test split [N, latent_dim]."""
    return test_vectors(name)[1]
