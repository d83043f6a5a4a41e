"""The home page's pieces: a strip of example images and the list of shipped models (the guide to the pages is
:mod:`explorer.ui.shell.pages`)."""

from __future__ import annotations

import numpy as np

import explorer
from explorer import names

from explorer.ui.kit.images import enlarge


def class_strip(images: np.ndarray, labels: np.ndarray, per_class: int = 2) -> np.ndarray:
    """A strip of the first ``per_class`` test images of each class, classes left to right."""
    picks = np.array([np.flatnonzero(labels == k)[:per_class] for k in range(10)])     # [class, example]
    rows = [np.hstack([np.pad(images[i], ((1, 1), (1, 1)), constant_values=96) for i in row]) for row in picks.T]
    strip = np.vstack(rows)
    return enlarge(strip, strip.shape[0] * 3)


def model_rows(dataset: str) -> list[dict]:
    """Shipped models of a dataset with their kind and state, read from their metrics (no model is loaded)."""
    from explorer.ui.models.card import card

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
