"""Checkpoint folders and the models rebuilt from them.

A folder holds ``config.json`` (the model's kind and config, and how it was trained), ``model.safetensors``, and
optionally ``metrics.json``, ``curves.json`` (per epoch), ``snapshots.npz`` (test encodings during training) and
``projection-<method>.npz`` (precomputed maps). :class:`CheckpointFolder` owns every one of those files: no other
module opens them. Weights load through safetensors (no pickle), strictly, in eval mode, onto CUDA when present,
then Apple MPS, then the CPU (``$EXPLORER_DEVICE`` overrides). Every failure raises :class:`CheckpointError`
naming the file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from safetensors.torch import save as safetensors_bytes

from .files import atomic_write, npz_bytes
from .models import REGISTRY, Model

CHECKPOINT_DIR = Path(os.environ.get("EXPLORER_CHECKPOINTS", Path(__file__).resolve().parent.parent / "checkpoints"))
FORMAT_VERSION = 1
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CheckpointError(ValueError):
    """A checkpoint folder is missing, corrupt, truncated or does not match its config."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


def checkpoint_name(dataset: str, kind: str, latent_dim: int | None = None) -> str:
    """The shipped naming scheme: ``<dataset>-<kind>`` (``-<d>d`` for an AE or VAE's latent size)."""
    return f"{dataset}-{kind}" + (f"-{latent_dim}d" if latent_dim is not None else "")


def best_device() -> torch.device:
    if forced := os.environ.get("EXPLORER_DEVICE"):
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


class CheckpointFolder:
    """One checkpoint folder: reads and writes each of its files."""

    CONFIG = "config.json"
    WEIGHTS = "model.safetensors"
    METRICS = "metrics.json"
    CURVES = "curves.json"
    SNAPSHOTS = "snapshots.npz"

    def __init__(self, path: Path | str):
        self.path = Path(path)

    @classmethod
    def find(cls, name_or_path: str | Path, root: Path | None = None) -> CheckpointFolder:
        """A shipped checkpoint by name (a folder of ``root``, default ``checkpoints/``), or a folder by path (a
        :class:`~pathlib.Path`, or a string that is not a plain name)."""
        if isinstance(name_or_path, str) and NAME.match(name_or_path):
            folder = Path(root or CHECKPOINT_DIR) / name_or_path
        else:
            folder = Path(name_or_path)
        if not (folder / cls.CONFIG).is_file():
            available = ", ".join(list_models(root)) or "none"
            raise CheckpointError(folder, f"no such checkpoint; available: {available}")
        return cls(folder)

    def __repr__(self) -> str:
        return f"CheckpointFolder({str(self.path)!r})"

    @property
    def name(self) -> str:
        return self.path.name

    def file(self, filename: str) -> Path:
        return self.path / filename

    def has(self, filename: str) -> bool:
        return self.file(filename).is_file()

    # --- reading --------------------------------------------------------------------------------------------------

    def _json(self, filename: str, default=None):
        path = self.file(filename)
        if default is not None and not path.is_file():
            return default
        try:
            return json.loads(path.read_text())
        except FileNotFoundError:
            raise CheckpointError(path, "missing file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise CheckpointError(path, f"not valid JSON ({e})") from None

    def document(self) -> dict:
        """``config.json``: {"kind", "config", "training", "format_version"}."""
        doc = self._json(self.CONFIG)
        if not isinstance(doc, dict) or "kind" not in doc or not isinstance(doc.get("config"), dict):
            raise CheckpointError(self.file(self.CONFIG), "config must be an object with 'kind' and 'config'")
        return doc

    @property
    def kind(self) -> str:
        return self.document()["kind"]

    @property
    def training(self) -> dict:
        """How the checkpoint was trained (command, recipe, seed, epochs done, wall time …)."""
        return self.document().get("training", {})

    def is_final(self) -> bool:
        """Whether the checkpoint finished the recipe of its name (only final checkpoints get shipped maps)."""
        from .recipes import RECIPES

        recipe = RECIPES.get(self.name)
        return recipe is not None and self.training.get("epochs_done") == recipe.epochs

    def metrics(self) -> dict:
        """``metrics.json`` ({} when there is none): "training" (the last epoch's numbers) and "eval"."""
        doc = self._json(self.METRICS, default={})
        if not isinstance(doc, dict):
            raise CheckpointError(self.file(self.METRICS), "metrics must be a JSON object")
        return doc

    def curves(self) -> dict:
        """``curves.json``: per-epoch numbers ({} when there are none)."""
        doc = self._json(self.CURVES, default={})
        if not isinstance(doc, dict):
            raise CheckpointError(self.file(self.CURVES), "curves must be a JSON object")
        return doc

    def arrays(self, filename: str) -> dict[str, np.ndarray]:
        """Every array of an ``.npz`` file of the folder (pickled objects refused)."""
        path = self.file(filename)
        if not path.is_file():
            raise CheckpointError(path, "missing file")
        try:
            with np.load(path, allow_pickle=False) as f:
                return {key: f[key] for key in f.files}
        except (OSError, ValueError, EOFError) as e:
            raise CheckpointError(path, f"unreadable arrays ({e})") from None

    def snapshots(self) -> dict[str, np.ndarray]:
        """``snapshots.npz``: epochs [S], encodings [S, N, d], labels [N] of the test split during training."""
        path = self.file(self.SNAPSHOTS)
        if not path.is_file():
            raise CheckpointError(path, "no training snapshots saved with this model")
        arrays = self.arrays(self.SNAPSHOTS)
        try:
            epochs, encodings, labels = arrays["epochs"], arrays["encodings"], arrays["labels"]
        except KeyError as e:
            raise CheckpointError(path, f"unreadable snapshots (no {e})") from None
        if encodings.ndim != 3 or len(encodings) != len(epochs) or encodings.shape[1] != len(labels):
            raise CheckpointError(path, f"inconsistent snapshot shapes {encodings.shape}")
        return {"epochs": epochs.astype(np.int64), "encodings": encodings.astype(np.float32),
                "labels": labels.astype(np.int64)}

    def weights_sha256(self) -> str:
        """SHA-256 of the weights file: what a precomputed map or a record belongs to."""
        import hashlib

        return hashlib.sha256(self.file(self.WEIGHTS).read_bytes()).hexdigest()

    def build(self) -> Model:
        """The model ``config.json`` describes, with freshly initialised weights."""
        doc = self.document()
        return _model_from(doc["kind"], doc["config"], self.file(self.CONFIG))

    def load(self, device: str | torch.device | None = None) -> Model:
        """The model with its weights, in eval mode, on ``device`` (default :func:`best_device`)."""
        model = self.build()
        _load_weights(model, self.file(self.WEIGHTS))
        model.name = self.name
        model.training_info = self.training
        return model.to(device or best_device()).eval()

    # --- writing --------------------------------------------------------------------------------------------------

    def _write_json(self, filename: str, doc) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        atomic_write(self.file(filename), json.dumps(doc, indent=2) + "\n")

    def save_model(self, model: Model, training: dict | None = None, half: bool = False) -> None:
        """Write ``model.safetensors`` (float16 floats when ``half``) and ``config.json``."""
        state = {}
        for key, value in model.state_dict().items():
            value = value.detach().cpu().contiguous()
            state[key] = value.half() if half and value.is_floating_point() else value
        self.path.mkdir(parents=True, exist_ok=True)
        atomic_write(self.file(self.WEIGHTS), safetensors_bytes(state, metadata={"format": "pt", "kind": model.kind}))
        self._write_json(self.CONFIG, {"format_version": FORMAT_VERSION, "kind": model.kind,
                                       "config": dataclasses.asdict(model.config), "training": training or {}})

    def update_metrics(self, section: str, values: dict) -> None:
        """Set one section of ``metrics.json`` ("training" or "eval"), keeping the others."""
        metrics = self.metrics() if self.has(self.METRICS) else {}
        metrics[section] = values
        self._write_json(self.METRICS, metrics)

    def write_curves(self, curves: dict) -> None:
        self._write_json(self.CURVES, curves)

    def write_arrays(self, filename: str, arrays: dict[str, np.ndarray]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        atomic_write(self.file(filename), npz_bytes(arrays))

    def write_snapshots(self, snapshots: dict[int, np.ndarray], labels: np.ndarray) -> None:
        """Test encodings by epoch (see :meth:`snapshots`)."""
        epochs = sorted(snapshots)
        self.write_arrays(self.SNAPSHOTS, {"epochs": np.array(epochs, dtype=np.int64),
                                           "encodings": np.stack([snapshots[e] for e in epochs]),
                                           "labels": np.asarray(labels)})


# --- models from configs and weights --------------------------------------------------------------------------------

def _model_from(kind: str, values: dict, path: Path) -> Model:
    if kind not in REGISTRY:
        raise CheckpointError(path, f"unknown model kind {kind!r}; expected one of {sorted(REGISTRY)}")
    model_cls, config_cls = REGISTRY[kind]
    fields = {f.name for f in dataclasses.fields(config_cls)}
    unknown = set(values) - fields
    if unknown:
        raise CheckpointError(path, f"unknown {kind} config fields {sorted(unknown)}")
    typed = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    try:
        return model_cls(config_cls(**typed))
    except TypeError as e:
        raise CheckpointError(path, f"bad {kind} config: {e}") from None


def _load_weights(model: Model, path: Path) -> None:
    if not path.is_file():
        raise CheckpointError(path, "missing weights file")
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(path, f"corrupt or truncated safetensors file ({e})") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(path, f"weights do not match the config: missing {missing[:5]}"
                                    f"{'...' if len(missing) > 5 else ''}, unexpected {unexpected[:5]}")
    for key, value in state.items():
        if value.shape != expected[key].shape:
            raise CheckpointError(path, f"{key} has shape {list(value.shape)}, the config builds "
                                        f"{list(expected[key].shape)}")
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise CheckpointError(path, f"{key} holds NaN or infinite values")
    model.load_state_dict(state, strict=True)


# --- the public API -------------------------------------------------------------------------------------------------

def list_models(root: Path | None = None) -> list[str]:
    """Names of the checkpoint folders (those with a config.json) in ``root``."""
    root = Path(root or CHECKPOINT_DIR)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / CheckpointFolder.CONFIG).is_file())


def load_model(name_or_path: str | Path, device: str | torch.device | None = None,
               root: Path | None = None) -> Model:
    """Rebuild a model from its checkpoint folder (a name in ``checkpoints/`` or a path), in eval mode."""
    return CheckpointFolder.find(name_or_path, root).load(device)


def read_metrics(name_or_path: str | Path, root: Path | None = None) -> dict:
    """A checkpoint's ``metrics.json`` ({} when it has none)."""
    return CheckpointFolder.find(name_or_path, root).metrics()


def save_model(model: Model, folder: Path, training: dict | None = None, half: bool = False) -> Path:
    """Write a model's ``config.json`` and ``model.safetensors`` into ``folder``; returns the folder."""
    CheckpointFolder(folder).save_model(model, training, half)
    return Path(folder)
