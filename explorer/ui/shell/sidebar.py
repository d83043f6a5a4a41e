"""The sidebar every page shares: dataset choice and where the models run."""

from __future__ import annotations

import os

import streamlit as st

import explorer
from explorer import names
from explorer.ui.shell import glossary, url, yours
from explorer.ui.shell.navigation import ensure_navigation

DATASET_KEY = "dataset"
LIVE_KEY = "live_widgets"
CHOICES_KEY = "sidebar_model_choices"   # the keys of the model choices this session has shown (pick_model's)


def _dataset_from_url() -> None:
    """A dataset named in a link (``?dataset=fashion`` or its title, ``?dataset=Fashion-MNIST``) becomes the
    session's dataset: Streamlit's own binding takes it on a session's first page only, and the title only."""
    raw = url.arrived(DATASET_KEY)
    if not raw:
        return
    by_text = {**{n: n for n in explorer.DATASETS}, **{d.title: n for n, d in explorer.DATASETS.items()}}
    if raw in by_text:
        st.session_state[DATASET_KEY] = by_text[raw]


def render(chooses_dataset: bool = True) -> None:
    """The sidebar's first part; on a page whose content chooses its own dataset (the Lesson) the dataset control
    is replaced by a note, and the session's choice is kept for the other pages."""
    _dataset_from_url()
    for key in st.session_state.get(CHOICES_KEY, ()):   # kept while other pages are shown: re-assigning turns
        if key in st.session_state:                     # widget state into session state that outlives the page
            st.session_state[key] = st.session_state[key]
    names = list(explorer.DATASETS)
    if chooses_dataset:
        st.sidebar.selectbox("Dataset", names, format_func=lambda n: explorer.DATASETS[n].title,
                             **url.shared(DATASET_KEY))
    else:
        st.session_state[DATASET_KEY] = st.session_state.get(DATASET_KEY, names[0])
        st.sidebar.caption("**Dataset:** each step of this page uses the dataset that shows its point, and says "
                           "which.")
    device = explorer.best_device()
    where = "GPU" if device.type in ("cuda", "mps") else "CPU"
    st.sidebar.caption(f"Models run on the **{where}** (`{device}`).")
    st.sidebar.toggle("Live widgets", value=live_enabled(), key=LIVE_KEY)
    st.sidebar.caption("On: images are decoded in your browser while you drag or hover. Off: Streamlit's own "
                       "sliders, each step answered by the server.")
    yours.heartbeat()


def footer() -> None:
    """The sidebar's last part, after the page's own sidebar controls: the glossary and the link to this view."""
    with st.sidebar:
        with st.popover("Glossary", icon=":material/menu_book:", width="stretch"):
            glossary.render()
        url.link_control()


def live_enabled() -> bool:
    """Whether pages use the live widgets of :mod:`explorer.ui.widgets.live` (``EXPLORER_LIVE=0`` starts with them off)."""
    return bool(st.session_state.get(LIVE_KEY, os.environ.get("EXPLORER_LIVE", "1") != "0"))


def current_dataset() -> str:
    ensure_navigation()
    return st.session_state.get(DATASET_KEY, next(iter(explorer.DATASETS)))


def pick_model(suffixes: tuple[str, ...], key: str, label: str = "Model") -> str | None:
    """A sidebar choice among the current dataset's shipped models of these kinds (``suffixes`` such as "vae-2d")
    and, after them, the models of these kinds trained in this session (:mod:`explorer.ui.shell.yours`, marked
    "Yours"); returns the model name, or None (with an explanation) when there is none. The choice survives page
    switches and dataset changes because it names the kind, not the dataset's model; a model just trained is
    offered selected the first time a page that can show it is opened."""
    ds = current_dataset()
    if key not in st.session_state.setdefault(CHOICES_KEY, []):
        st.session_state[CHOICES_KEY].append(key)
    shipped = set(explorer.list_models())
    available = [s for s in suffixes if names.join(ds, s) in shipped]
    trained = [n for n in yours.models(ds) if names.parse_trained(n).suffix in suffixes]
    options = available + trained
    if not options:
        st.warning(f"No {' / '.join(names.label(s) for s in suffixes)} checkpoint is shipped for "
                   f"{explorer.DATASETS[ds].title}. Train one with `python -m explorer.train {names.join(ds, suffixes[0])}`.")
        return None
    if fresh := yours.newest_for(key, trained):
        st.session_state[key] = fresh
    if st.session_state.get(key, options[0]) not in options:
        st.session_state[key] = options[0]
    choice = st.sidebar.radio(label, options, format_func=_choice_label, **url.shared(key))
    return choice if names.is_trained(choice) else names.join(ds, choice)


def _choice_label(option: str) -> str:
    return yours.label(option) if names.is_trained(option) else names.label(option)
