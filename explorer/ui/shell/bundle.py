"""One model and what the app keeps about it, resolved once per page run and handed down: the views and the cached
computations below them get the bundle, not the model's name, so a decode path does not look the model, its
dataset, its scorer and its encodings up again at every step.

A bundle is shared by every session (``st.cache_resource``) and read-only. Cached computations that take one hash it
as its model's name (:data:`HASH`, their ``hash_funcs``), so their caches stay shared by every session too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import streamlit as st

import explorer
from explorer.models import Model
from explorer.quality import QualityScorer

from explorer.ui.shell import cache


@dataclass(frozen=True, eq=False)
class Bundle:
    name: str
    model: Model
    images: np.ndarray           # the dataset's test images (shared, read-only)
    labels: np.ndarray

    @property
    def dataset(self) -> str:
        return self.model.dataset

    @property
    def classes(self) -> tuple[str, ...]:
        return explorer.DATASETS[self.dataset].classes

    @cached_property
    def encodings(self) -> np.ndarray:
        """The test images' 2-D or 16-D codes (AE / VAE)."""
        return cache.encodings(self.name)

    @cached_property
    def scorer(self) -> QualityScorer:
        """The dataset's decode-quality scorer (its classifier and the test images)."""
        return cache.quality_scorer(self.dataset)


HASH = {Bundle: lambda b: b.name}


@st.cache_resource(show_spinner=False, max_entries=64)
def bundle(name: str) -> Bundle:
    """The model ``name`` and its test set (raises CheckpointError for a broken checkpoint, as :func:`cache.model`)."""
    model = cache.model(name)
    images, labels = cache.dataset(model.dataset, "test")
    return Bundle(name, model, images, labels)
