"""The Models page's facts about one checkpoint: status, config, metrics, curves and parameter counts. A broken
checkpoint yields its error instead of raising, so the page can list it among the working ones."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import streamlit as st

import explorer
from explorer.checkpoints import CONFIG_FILE, resolve
from explorer.recipes import RECIPES

from . import cache

CURVES_FILE = "curves.json"
HEADLINE = {"ae": "test_recon", "vae": "test_nelbo", "classifier": "test_accuracy", "infogan": "test_c1_accuracy"}


@dataclass
class Card:
    name: str
    kind: str = "?"
    config: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    parameters: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "broken"
        recipe = RECIPES.get(self.name)
        done = self.training.get("epochs_done")
        if recipe is None or done is None:
            return "custom"
        return "final" if done == recipe.epochs else f"training ({done}/{recipe.epochs} epochs)"

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


@st.cache_data(show_spinner=False, ttl=30)
def card(name: str, load: bool = True) -> Card:
    """What the folder says about a checkpoint; ``load``: also load the weights (parameter counts, and the
    error of a broken checkpoint)."""
    c = Card(name)
    try:
        folder = resolve(name)
        doc = json.loads((folder / CONFIG_FILE).read_text())
        c.kind, c.config, c.training = doc.get("kind", "?"), doc.get("config", {}), doc.get("training", {})
        c.metrics = explorer.read_metrics(name)
        curves_path = folder / CURVES_FILE
        c.curves = json.loads(curves_path.read_text()) if curves_path.is_file() else {}
        if load:
            c.parameters = parameter_counts(cache.model(name))
    except (explorer.CheckpointError, OSError, ValueError) as e:
        c.error = str(e)
    return c


def summary_row(c: Card) -> dict:
    return {"model": c.name, "kind": c.kind, "status": c.status,
            "epochs": c.training.get("epochs_done"), "parameters": c.parameters.get("total"),
            "headline metric": c.headline, "problem": c.error or ""}
