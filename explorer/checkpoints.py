"""Checkpoint folders <-> models: ``config.json`` + ``model.safetensors`` (+ metrics and curves as JSON).

Weights load through safetensors (no pickle), strictly, in eval mode, onto CUDA when present, then Apple MPS,
then the CPU (``$EXPLORER_DEVICE`` overrides). Every failure raises :class:`CheckpointError` naming the file.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .models import REGISTRY, Model

CHECKPOINT_DIR = Path(os.environ.get("EXPLORER_CHECKPOINTS", Path(__file__).resolve().parent.parent / "checkpoints"))
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
METRICS_FILE = "metrics.json"
FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint folder is missing, corrupt, truncated or does not match its config."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


def best_device() -> torch.device:
    if forced := os.environ.get("EXPLORER_DEVICE"):
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def list_models(root: Path | None = None) -> list[str]:
    """Names of the checkpoint folders (those with a config.json) in ``root``."""
    root = Path(root or CHECKPOINT_DIR)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / CONFIG_FILE).is_file())


def resolve(name_or_path: str | Path, root: Path | None = None) -> Path:
    path = Path(name_or_path)
    if path.is_dir():
        return path
    folder = Path(root or CHECKPOINT_DIR) / str(name_or_path)
    if not folder.is_dir():
        raise CheckpointError(folder, f"no such checkpoint; available: {', '.join(list_models(root)) or 'none'}")
    return folder


# --- config -------------------------------------------------------------------------------------------------------

def config_from_dict(kind: str, values: dict, path: Path):
    if kind not in REGISTRY:
        raise CheckpointError(path, f"unknown model kind {kind!r}; expected one of {sorted(REGISTRY)}")
    config_cls = REGISTRY[kind][1]
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    unknown = set(values) - set(fields)
    if unknown:
        raise CheckpointError(path, f"unknown {kind} config fields {sorted(unknown)}")
    typed = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    try:
        return config_cls(**typed)
    except TypeError as e:
        raise CheckpointError(path, f"bad {kind} config: {e}") from None


def read_config(folder: Path) -> dict:
    path = folder / CONFIG_FILE
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(path, "missing config file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(path, f"not valid JSON ({e})") from None
    if not isinstance(doc, dict) or "kind" not in doc or not isinstance(doc.get("config"), dict):
        raise CheckpointError(path, "config must be an object with 'kind' and 'config'")
    return doc


def build_model(doc: dict, path: Path) -> Model:
    model_cls = REGISTRY.get(doc["kind"], (None,))[0]
    config = config_from_dict(doc["kind"], doc["config"], path)
    return model_cls(config)


# --- save / load --------------------------------------------------------------------------------------------------

def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_json(path: Path, doc) -> None:
    atomic_write_text(Path(path), json.dumps(doc, indent=2) + "\n")


def save_model(model: Model, folder: Path, training: dict | None = None, half: bool = False) -> Path:
    """Write ``config.json`` and ``model.safetensors`` (float16 floats when ``half``) atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {}
    for key, value in model.state_dict().items():
        value = value.detach().cpu().contiguous()
        if half and value.is_floating_point():
            value = value.half()
        state[key] = value
    tmp = folder / (WEIGHTS_FILE + ".tmp")
    save_file(state, str(tmp), metadata={"format": "pt", "kind": model.kind})
    os.replace(tmp, folder / WEIGHTS_FILE)
    doc = {"format_version": FORMAT_VERSION, "kind": model.kind,
           "config": dataclasses.asdict(model.config), "training": training or {}}
    write_json(folder / CONFIG_FILE, doc)
    return folder


def load_weights(model: Model, path: Path) -> None:
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


def load_model(name_or_path: str | Path, device: str | torch.device | None = None,
               root: Path | None = None) -> Model:
    """Rebuild a model from its checkpoint folder (a name in ``checkpoints/`` or a path), in eval mode."""
    folder = resolve(name_or_path, root)
    doc = read_config(folder)
    model = build_model(doc, folder / CONFIG_FILE)
    load_weights(model, folder / WEIGHTS_FILE)
    model.name = folder.name
    model.training_info = doc.get("training", {})
    return model.to(device or best_device()).eval()


def read_metrics(name_or_path: str | Path, root: Path | None = None) -> dict:
    path = resolve(name_or_path, root) / METRICS_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise CheckpointError(path, f"not valid JSON ({e})") from None
