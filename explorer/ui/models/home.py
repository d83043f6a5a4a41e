"""The home page's pieces: a strip of example images and the list of shipped models (the guide to the pages is
:mod:`explorer.ui.shell.pages`)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer import names

from explorer.ui.kit.images import enlarge
from explorer.ui.shell import guards, pages, sidebar
from explorer.ui.models.card import card


def class_strip(images: np.ndarray, labels: np.ndarray, per_class: int = 2) -> np.ndarray:
    """A strip of the first ``per_class`` test images of each class, classes left to right."""
    picks = np.array([np.flatnonzero(labels == k)[:per_class] for k in range(10)])     # [class, example]
    rows = [np.hstack([np.pad(images[i], ((1, 1), (1, 1)), constant_values=96) for i in row]) for row in picks.T]
    strip = np.vstack(rows)
    return enlarge(strip, strip.shape[0] * 3)


def model_rows(dataset: str) -> list[dict]:
    """Shipped models of a dataset with their kind and state, read from their metrics (no model is loaded)."""
    rows = []
    for name in explorer.list_models():
        c = card(name, load=False)
        if c.config.get("dataset") != dataset:
            continue
        rows.append({"model": name, "what": names.label(name) if names.parse(name) else c.kind,
                     "status": c.status, "headline metric": c.headline})
    return rows


def markdown_table(rows: list[dict]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]).replace("|", "\\|") for h in head) + " |" for r in rows]
    return "\n".join(lines)


def view() -> None:
    """The Home page under its title: what the app shows, where to start, the shipped models."""
    st.markdown("Look inside neural networks that learned to draw **handwritten digits** (MNIST) and **clothes** "
                "(Fashion-MNIST): autoencoders, variational autoencoders (VAEs) and an InfoGAN. Each squeezes a "
                "28×28 image into a few numbers (its *latent code*) or draws an image from a few numbers. These pages "
                "let you see where images land in that code space, and what the networks draw everywhere in between.")

    ds = sidebar.current_dataset()
    images, labels = guards.test_set_or_stop(ds)
    st.image(class_strip(images, labels), caption=" · ".join(explorer.DATASETS[ds].classes), width="stretch",
             output_format="PNG")

    cols = st.columns(2)
    for i, page in enumerate(pages.in_group("explore")):
        with cols[i % 2].container(border=True):
            st.page_link(page.path, label=f"**{page.title}**", icon=":material/arrow_forward:", width="stretch")
            st.caption(page.blurb)
    st.markdown("**Lessons and teaching views**")
    for page in pages.in_group("teach"):
        st.page_link(page.path, label=f"**{page.title}**: {page.blurb}", icon=":material/school:")

    st.subheader(f"Shipped {explorer.DATASETS[ds].title} models")
    rows = model_rows(ds)
    if rows:
        st.markdown(markdown_table(rows))    # a markdown table: st.dataframe would import pandas (~0.7 s)
    else:
        st.warning("No checkpoints are shipped for this dataset yet: `python -m explorer.train all`.")
    st.caption("Pick the dataset in the sidebar; every page follows it.")
