"""Page guards: load what a page needs or show a clear ``st.error`` and stop that page only (the sidebar, the
menu and the other pages keep working).

One path for every page: :func:`or_stop` turns a broken checkpoint or a missing test set into the page's error box,
whatever asked for it (a view, a warm-up, a cached computation). The entry script runs each page inside it, and
:func:`model_or_stop`, :func:`models_or_stop` and :func:`test_set_or_stop` use it to stop a page before it draws
anything."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import numpy as np
import streamlit as st

import explorer
from explorer.checkpoints import shown_path

from explorer.ui.shell import cache

T = TypeVar("T")


def checkpoint_message(e: explorer.CheckpointError) -> str:
    """What the page says about a checkpoint that cannot be loaded: its name, the problem, the file relative to the
    checkpoint root (never a server path)."""
    shown = shown_path(e.path)
    parts = Path(shown).parts
    name = parts[1] if len(parts) > 1 and parts[0] == "checkpoints" else Path(e.path).parent.name
    return (f"**The `{name}` checkpoint cannot be loaded.** {e.problem}  \n`{shown}`  \n"
            "The other models and pages still work; the Models page lists every checkpoint's state.")


def dataset_message(e: explorer.DatasetNotFoundError, dataset: str | None = None) -> str:
    what = f"The {explorer.DATASETS[dataset].title} test images are" if dataset else "A dataset is"
    return f"**{what} missing.** {e}  \nThe Models page still works."


@contextmanager
def or_stop(dataset: str | None = None) -> Iterator[None]:
    """Run a page, a view or a warm-up: a broken checkpoint or a missing dataset becomes an ``st.error`` and a stop
    of this page only (``dataset`` names the data a missing-dataset message is about)."""
    try:
        yield
    except explorer.CheckpointError as e:
        st.error(checkpoint_message(e))
        st.stop()
    except explorer.DatasetNotFoundError as e:
        st.error(dataset_message(e, dataset))
        st.stop()


def guarded(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` (a page's warm-up or view) run inside :func:`or_stop`."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        with or_stop():
            return function(*args, **kwargs)
    return run


def model_or_stop(name: str | None):
    """The loaded model, or an ``st.error`` naming the broken checkpoint and a stop of this page only."""
    if name is None:
        st.stop()
    with or_stop():
        return cache.model(name)


def models_or_stop(*names: str) -> list:
    """Every model of ``names`` loaded, or the first broken one's ``st.error`` and a stop of this page only."""
    return [model_or_stop(name) for name in names]


def test_set_or_stop(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """The dataset's test split, or an ``st.error`` saying how to get it and a stop of this page only."""
    with or_stop(dataset):
        return cache.dataset(dataset, "test")
