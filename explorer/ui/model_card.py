"""The Models page's facts about one checkpoint: status, config, metrics, curves and parameter counts. A broken
checkpoint yields its error instead of raising, so the page can list it among the working ones."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

import explorer
from explorer.checkpoints import CheckpointFolder
from explorer.recipes import RECIPES

from . import cache

HEADLINE = {"ae": "test_recon", "vae": "test_nelbo", "classifier": "test_accuracy", "infogan": "test_c1_accuracy",
            "dae": "test_psnr"}


@dataclass
class Card:
    name: str
    kind: str = "?"
    config: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    parameters: dict[str, int] = field(default_factory=dict)
    final: bool = False
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "broken"
        recipe = RECIPES.get(self.name)
        done = self.training.get("epochs_done")
        if recipe is None or done is None:
            return "custom"
        return "final" if self.final else f"training ({done}/{recipe.epochs} epochs)"

    @property
    def headline(self) -> str:
        key = HEADLINE.get(self.kind)
        for section in ("eval", "training"):
            value = self.metrics.get(section, {}).get(key)
            if isinstance(value, (int, float)):
                return f"{key} = {value:.4g}"
        return ""


def parameter_counts(model) -> dict[str, int]:
    """Parameters per top-level part of a model (encoder, decoder, generator, trunk, q_head …) and in total."""
    parts = {child: sum(p.numel() for p in module.parameters()) for child, module in model.named_children()}
    return {**parts, "total": model.parameter_count()}


@st.cache_data(show_spinner=False, ttl=30, max_entries=64)
def card(name: str, load: bool = True) -> Card:
    """What the folder says about a checkpoint; ``load``: also load the weights (parameter counts, and the
    error of a broken checkpoint)."""
    c = Card(name)
    try:
        folder = CheckpointFolder.find(name)
        doc = folder.document()
        c.kind, c.config, c.training = doc["kind"], doc["config"], doc.get("training", {})
        c.metrics = folder.metrics()
        c.curves = folder.curves()
        c.final = folder.is_final()
        if load:
            c.parameters = parameter_counts(cache.model(name))
    except (explorer.CheckpointError, OSError, ValueError) as e:
        c.error = str(e)
    return c


def summary_row(c: Card) -> dict:
    return {"model": c.name, "kind": c.kind, "status": c.status,
            "epochs": c.training.get("epochs_done"), "parameters": c.parameters.get("total"),
            "headline metric": c.headline, "problem": c.error or ""}
