"""Shipped checkpoints are tested as shipped: lean, pickle-free, recorded provenance, and every recorded number
reproduced by the evaluation code on the shipped test-split samples."""

import dataclasses
import json
from pathlib import Path

import pytest

import explorer
from explorer import checkpoints, generated
from explorer.evaluate import (BARS, FAMILY_DOCS, GAP_DOCS, bar_results, evaluate_model, gap_tables, published_titles,
                               shipped_evals, shipped_gap_numbers)
from explorer import family_tables
from explorer.recipes import get_recipe

NAMES = explorer.list_models()
REPO = Path(__file__).resolve().parent.parent


def test_checkpoints_stay_lean_and_pickle_free():
    files = [p for p in checkpoints.CHECKPOINT_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 100 * 2**20
    assert not [p for p in files if p.suffix in (".pt", ".pth", ".pkl", ".pickle", ".ckpt")]


@pytest.mark.parametrize("name", NAMES)
def test_provenance_is_recorded(name):
    folder = checkpoints.CHECKPOINT_DIR / name
    required = {"config.json", "model.safetensors", "metrics.json", "curves.json"}
    if get_recipe(name).snapshot_epochs:          # the training replay's models
        required.add("snapshots.npz")
    assert required <= {p.name for p in folder.iterdir()}
    training = json.loads((folder / "config.json").read_text())["training"]
    recipe = get_recipe(name)
    assert training["command"] == f"python -m explorer.train {name}"
    assert training["seed"] == recipe.seed and training["epochs_done"] == recipe.epochs
    assert training["wall_time_s"] > 0
    curves = json.loads((folder / "curves.json").read_text())
    assert curves["epoch"] == list(range(1, recipe.epochs + 1))


@pytest.mark.parametrize("name", NAMES)
def test_checkpoint_was_made_by_the_current_recipe(name):
    """A recipe change (a new option, another epoch count) must come with the checkpoint it produces."""
    config = json.loads((checkpoints.CHECKPOINT_DIR / name / "config.json").read_text())
    recipe = get_recipe(name)
    as_json = lambda value: json.loads(json.dumps(value))  # noqa: E731 (tuples are lists in the file)
    assert config["config"] == as_json(dataclasses.asdict(recipe.model))
    recorded = config["training"]["recipe"]
    assert recorded == as_json({k: v for k, v in dataclasses.asdict(recipe).items() if k != "model"})


def _close(recorded, measured, path=""):
    if isinstance(recorded, dict):
        for key, value in recorded.items():
            if key != "data_source":
                _close(value, measured[key], f"{path}.{key}")
    elif isinstance(recorded, list):
        assert len(recorded) == len(measured), path
        for i, (a, b) in enumerate(zip(recorded, measured)):
            _close(a, b, f"{path}[{i}]")
    elif isinstance(recorded, float):
        assert measured == pytest.approx(recorded, rel=2e-3, abs=2e-3), path
    else:
        assert measured == recorded, path


@pytest.mark.parametrize("name", NAMES)
def test_recorded_metrics_are_reproduced(name):
    recorded = explorer.read_metrics(name)["eval"]
    _close(recorded, evaluate_model(name, source="sample"))


# Bars the shipped checkpoints do not meet yet, said openly (docs/evaluation.md has the numbers). strict=True:
# the day a retrained checkpoint meets them, this test fails until the entry is removed.
KNOWN_MISSES: dict[str, str] = {}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[n]))
                                  if n in KNOWN_MISSES else n for n in sorted(BARS)])
def test_quality_bars_hold(name):
    failing = [row for row in bar_results(name, explorer.read_metrics(name)["eval"]) if not row[-1]]
    assert not failing, failing


# --- the published gap numbers: one function, one number everywhere -------------------------------------------------

@pytest.mark.parametrize("block, path", [(block, path) for block, paths in GAP_DOCS.items() for path in paths])
def test_published_gap_tables_are_the_recorded_numbers(block, path):
    """README.md and docs/teaching.md show the tables made from metrics.json's ``eval.gaps``, which
    test_recorded_metrics_are_reproduced recomputes from the shipped files through explorer.quality."""
    numbers = shipped_gap_numbers()
    if not {f"{ds}-{k}-2d" for ds in explorer.DATASETS for k in ("ae", "vae")} <= set(numbers):
        pytest.skip("the 2-D autoencoders are not all shipped")
    assert generated.read_block(REPO / path, block).strip() == gap_tables(numbers)[block].strip()


@pytest.mark.parametrize("block, path", [(block, path) for block, paths in FAMILY_DOCS.items() for path in paths])
def test_published_family_tables_are_the_recorded_numbers(block, path):
    """The README's and docs' denoising, samples and beta tables are made from metrics.json's ``eval``, as the
    pages read them (explorer.family_tables)."""
    if not {f"{ds}-dae" for ds in explorer.DATASETS} <= set(explorer.list_models()):
        pytest.skip("the denoising autoencoders are not all shipped")
    expected = family_tables.tables(shipped_evals(), published_titles())[block]
    assert generated.read_block(REPO / path, block).strip() == expected.strip()


def test_bar_results_hold_a_value_against_its_bar():
    rows = bar_results("mnist-infogan", {"c1_accuracy": 0.96, "rotation_rho": -0.95, "width_rho": 0.5,
                                         "generated_class_accuracy": 0.94})
    assert [(metric, value, ok) for metric, value, _, _, ok in rows] == [
        ("c1_accuracy", 0.96, True), ("abs_rotation_rho", 0.95, True), ("abs_width_rho", 0.5, False),
        ("generated_class_accuracy", 0.94, False)]
    assert bar_results("mnist-vae-2d", {"test_nelbo": 156.0})[0][-1] is False
    assert bar_results("no-such-model", {}) == []
