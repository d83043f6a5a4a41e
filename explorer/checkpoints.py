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
import io
import json
import math
import os
import re
import reprlib
import stat
import tempfile
import typing
import zipfile
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file
from safetensors.torch import save as safetensors_bytes

from .files import atomic_write, npz_bytes, read_npz
from .models import REGISTRY, Model
from .names import is_name, is_trained

CHECKPOINT_DIR = Path(os.environ.get("EXPLORER_CHECKPOINTS", Path(__file__).resolve().parent.parent / "checkpoints"))
# Models trained in the app (explorer.train_job): never checkpoints/; a folder of the machine's temporary files.
TRAINED_DIR = Path(os.environ.get("EXPLORER_TRAINED",
                                  Path(tempfile.gettempdir()) / f"explorer-trained-{os.getuid()}"))
FORMAT_VERSION = 1
MAX_JSON_BYTES = 4 << 20          # config, metrics and curves files
MAX_ARRAY_BYTES = 256 << 20       # snapshots and precomputed maps
MAX_WEIGHTS_BYTES = 1 << 30
MAX_UNITS = 4096                  # any size in a model config (layer widths, channels, latent size)
MAX_PARAMETERS = 50_000_000       # what a config may build (the largest shipped model has 13.3M)
MAX_JSON_DEPTH = 32               # nesting of objects and lists (the shipped files nest 7 deep)
MAX_JSON_STRING = 1000            # characters of one string, key or value (the shipped files' longest has 48)
MAX_JSON_NUMBER = 40              # characters of one number (an int64 takes 20)
QUOTE = 40                        # characters of a bad value that an error message quotes


class CheckpointError(ValueError):
    """A checkpoint folder is missing, corrupt, truncated or does not match its config."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{shown_path(path)}: {problem}")
        self.path = Path(path)
        self.problem = problem


def shown_path(path: Path) -> str:
    """A checkpoint file as messages name it: relative to the checkpoint root's parent (``checkpoints/<name>/…``),
    else its folder and name, so that an error shown in the app does not reveal the server's directories."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path(CHECKPOINT_DIR).resolve().parent))
    except ValueError:
        return str(Path(*path.parts[-2:]))


_QUOTER = reprlib.Repr()
_QUOTER.maxstring = _QUOTER.maxlong = _QUOTER.maxother = QUOTE
_QUOTER.maxlist = _QUOTER.maxdict = _QUOTER.maxtuple = 4
_QUOTER.maxlevel = 2


def quoted(value) -> str:
    """A value as an error message quotes it: its repr, at most about :data:`QUOTE` characters."""
    text = _QUOTER.repr(value)
    return text if len(text) <= QUOTE + 10 else text[:QUOTE] + "..."


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
        """A shipped checkpoint by name (a folder of ``root``, default ``checkpoints/``; a model trained in the app,
        ``yours-…``, a folder of :data:`TRAINED_DIR`), or a folder by path (a :class:`~pathlib.Path`, or a string
        that is not a plain name)."""
        if is_name(name_or_path):
            default = TRAINED_DIR if is_trained(name_or_path) else CHECKPOINT_DIR
            folder = Path(root or default) / name_or_path
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
        if default is not None and not path.exists():
            return default
        try:
            text = _read(path, MAX_JSON_BYTES)
        except UnicodeDecodeError:
            raise CheckpointError(path, "not valid JSON (not UTF-8 text)") from None
        return parse_json(text, path)

    def document(self) -> dict:
        """``config.json``: {"kind", "config", "training", "format_version"}, checked: a known kind, and a config
        whose every field has its type and lies within bounds (:func:`check_config`)."""
        path = self.file(self.CONFIG)
        doc = self._json(self.CONFIG)
        if not isinstance(doc, dict) or "kind" not in doc or not isinstance(doc.get("config"), dict):
            raise CheckpointError(path, "config must be an object with 'kind' and 'config'")
        if not isinstance(doc["kind"], str) or doc["kind"] not in REGISTRY:
            raise CheckpointError(path, f"unknown model kind {quoted(doc['kind'])}; expected one of "
                                        f"{sorted(REGISTRY)}")
        if not isinstance(doc.get("training", {}), dict):
            raise CheckpointError(path, "training must be an object")
        check_config(doc["kind"], doc["config"], path)
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
        if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
            raise CheckpointError(self.file(self.METRICS), "metrics must be an object of sections (objects)")
        return doc

    def curves(self) -> dict:
        """``curves.json``: per-epoch numbers ({} when there are none)."""
        doc = self._json(self.CURVES, default={})
        if not isinstance(doc, dict) or not all(isinstance(v, list) for v in doc.values()):
            raise CheckpointError(self.file(self.CURVES), "curves must be an object of per-epoch lists")
        return doc

    def arrays(self, filename: str) -> dict[str, np.ndarray]:
        """Every array of an ``.npz`` file of the folder: plain numbers or text, each header checked before any data
        is read, at most :data:`MAX_ARRAY_BYTES` in all, floats finite (:func:`explorer.files.read_npz`)."""
        path = self.file(filename)
        _check_file(path, MAX_ARRAY_BYTES)
        try:
            return read_npz(path, MAX_ARRAY_BYTES)
        except (OSError, ValueError, EOFError) as e:
            raise CheckpointError(path, f"unreadable arrays ({str(e)[:160]})") from None

    def snapshots(self) -> dict[str, np.ndarray]:
        """``snapshots.npz``: epochs [S], encodings [S, N, d], labels [N] of the test split during training."""
        path = self.file(self.SNAPSHOTS)
        if not path.exists():
            raise CheckpointError(path, "no training snapshots saved with this model")
        arrays = self.arrays(self.SNAPSHOTS)
        try:
            epochs, encodings, labels = arrays["epochs"], arrays["encodings"], arrays["labels"]
        except KeyError as e:
            raise CheckpointError(path, f"unreadable snapshots (no {e})") from None
        kinds = {"epochs": "iu", "encodings": "f", "labels": "iu"}
        for key, kind in kinds.items():
            if arrays[key].dtype.kind not in kind:
                raise CheckpointError(path, f"{key} are stored as {arrays[key].dtype}; expected "
                                            f"{'floats' if kind == 'f' else 'whole numbers'}")
        if (epochs.ndim, encodings.ndim, labels.ndim) != (1, 3, 1) or len(encodings) != len(epochs) \
                or encodings.shape[1] != len(labels):
            raise CheckpointError(path, f"inconsistent snapshot shapes: epochs {list(epochs.shape)}, encodings "
                                        f"{list(encodings.shape)}, labels {list(labels.shape)}")
        return {"epochs": epochs.astype(np.int64), "encodings": encodings.astype(np.float32),
                "labels": labels.astype(np.int64)}

    def weights_sha256(self) -> str:
        """SHA-256 of the weights file: what a precomputed map or a record belongs to."""
        import hashlib

        return hashlib.sha256(self.file(self.WEIGHTS).read_bytes()).hexdigest()

    def build(self, device: str | torch.device | None = None, doc: dict | None = None) -> Model:
        """The model ``config.json`` (or ``doc``, as :meth:`document` read it) describes, with freshly initialised
        weights (``device="meta"``: shapes only, nothing allocated)."""
        doc = doc or self.document()
        return _model_from(doc["kind"], doc["config"], self.file(self.CONFIG), device)

    def load(self, device: str | torch.device | None = None) -> Model:
        """The model with its weights, in eval mode, on ``device`` (default :func:`best_device`). The weights
        file's header is checked against the shapes the config builds (on the meta device) before any tensor is
        allocated."""
        path = self.file(self.WEIGHTS)
        _check_file(path, MAX_WEIGHTS_BYTES)
        doc = self.document()
        skeleton = self.build("meta", doc)
        count = sum(v.numel() for v in skeleton.state_dict().values())
        if count > MAX_PARAMETERS:
            raise CheckpointError(self.file(self.CONFIG), f"the config builds {count:,} parameters, over the "
                                                          f"{MAX_PARAMETERS:,} limit")
        _check_header(skeleton, path)
        model = self.build(doc=doc)
        _load_weights(model, path)
        model.name = self.name
        model.training_info = doc.get("training", {})
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

    def zip_bytes(self) -> bytes:
        """``config.json`` and ``model.safetensors`` as a zip file's bytes: unpacked into a folder, the model loads
        with :func:`load_model` (the folder's path)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for filename in (self.CONFIG, self.WEIGHTS):
                _check_file(self.file(filename), MAX_WEIGHTS_BYTES)
                z.write(self.file(filename), filename)
        return buffer.getvalue()

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


# --- checks before anything is allocated ---------------------------------------------------------------------------

def _check_file(path: Path, limit: int) -> None:
    """A regular file (not a FIFO, device or directory) of at most ``limit`` bytes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CheckpointError(path, "missing file") from None
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(path, "not a regular file")
    if info.st_size > limit:
        raise CheckpointError(path, f"{info.st_size:,} bytes is over the {limit:,}-byte limit")


def _read(path: Path, limit: int) -> str:
    _check_file(path, limit)
    return path.read_text()


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_OPEN, _CLOSE = np.frombuffer(b"[{", np.uint8), np.frombuffer(b"]}", np.uint8)


class _LongNumber(Exception):
    pass


def _number(kind):
    def parse(text: str):
        if len(text) > MAX_JSON_NUMBER:
            raise _LongNumber(len(text))
        return kind(text)
    return parse


def json_depth(text: str) -> int:
    """How deep a JSON text's objects and lists nest, counted without parsing it (its strings left out)."""
    chars = np.frombuffer(_JSON_STRING.sub("", text).encode(), np.uint8)
    steps = np.isin(chars, _OPEN).astype(np.int32) - np.isin(chars, _CLOSE)
    return int(np.cumsum(steps).max(initial=0))


def _longest_string(doc) -> str:
    """The longest string of a parsed JSON document, key or value (its nesting already bounded)."""
    if isinstance(doc, str):
        return doc
    parts = [*doc, *doc.values()] if isinstance(doc, dict) else doc if isinstance(doc, list) else []
    return max((_longest_string(p) for p in parts), key=len, default="")


def parse_json(text: str, path: Path):
    """A JSON document whose nesting, strings and numbers are bounded (:data:`MAX_JSON_DEPTH`,
    :data:`MAX_JSON_STRING`, :data:`MAX_JSON_NUMBER`); anything else raises :class:`CheckpointError`."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise CheckpointError(path, f"nested {depth:,} deep; the limit is {MAX_JSON_DEPTH}")
    try:
        doc = json.loads(text, parse_int=_number(int), parse_float=_number(float))
    except _LongNumber as e:
        raise CheckpointError(path, f"a number of {e.args[0]:,} characters; the limit is {MAX_JSON_NUMBER}") from None
    except json.JSONDecodeError as e:
        raise CheckpointError(path, f"not valid JSON ({e})") from None
    longest = _longest_string(doc)
    if len(longest) > MAX_JSON_STRING:
        raise CheckpointError(path, f"a string of {len(longest):,} characters ({quoted(longest)}); the limit is "
                                    f"{MAX_JSON_STRING:,}")
    return doc


def _check_value(name: str, hint, value, path: Path) -> None:
    """One config field against its annotation: str, bool, int or float (finite), or a tuple of ints."""
    def fail(what: str):
        raise CheckpointError(path, f"config field {quoted(name)} = {quoted(value)}: {what}")

    def size(v) -> None:
        if isinstance(v, bool) or not isinstance(v, int):
            fail("expected a whole number")
        if not 1 <= v <= MAX_UNITS:
            fail(f"expected 1 to {MAX_UNITS}")

    origin = typing.get_origin(hint)
    if hint is str:
        if not isinstance(value, str):
            fail("expected a string")
    elif hint is bool:
        if not isinstance(value, bool):
            fail("expected true or false")
    elif hint is int:
        size(value)
    elif hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            fail("expected a finite number")
        if not 0 <= value < (1 if name == "dropout" else 1e6):
            fail("out of range")
    elif origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= 16:
            fail("expected a list of 1 to 16 whole numbers")
        if args and args[-1] is not Ellipsis and len(value) != len(args):
            fail(f"expected {len(args)} numbers")
        for v in value:
            size(v)
    else:
        fail(f"unsupported field type {hint}")


def check_config(kind: str, values: dict, path: Path) -> None:
    """A model config as ``config.json`` holds it: the fields of its kind's config class, each of its type and
    within bounds, and a known dataset."""
    from .data import DATASETS

    config_cls = REGISTRY[kind][1]
    hints = typing.get_type_hints(config_cls)
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise CheckpointError(path, f"unknown {kind} config fields {quoted(unknown)}")
    missing = sorted(n for n, f in fields.items() if n not in values and f.default is dataclasses.MISSING
                     and f.default_factory is dataclasses.MISSING)
    if missing:
        raise CheckpointError(path, f"{kind} config lacks {missing}")
    for name, value in values.items():
        _check_value(name, hints[name], value, path)
    if "dataset" in values and values["dataset"] not in DATASETS:
        raise CheckpointError(path, f"unknown dataset {quoted(values['dataset'])}; expected one of "
                                    f"{sorted(DATASETS)}")


def _check_header(skeleton: Model, path: Path) -> None:
    """The weights file's tensor names, shapes and dtypes (read from its header only) against a model built on
    the meta device."""
    expected = skeleton.state_dict()
    try:
        with safe_open(str(path), framework="pt") as f:
            header = {key: (tuple(f.get_slice(key).get_shape()), f.get_slice(key).get_dtype()) for key in f.keys()}
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(path, f"corrupt or truncated safetensors file ({e})") from None
    missing = sorted(set(expected) - set(header))
    unexpected = sorted(set(header) - set(expected))
    if missing or unexpected:
        raise CheckpointError(path, f"weights do not match the config: missing {missing[:5]}"
                                    f"{'...' if len(missing) > 5 else ''}, unexpected {unexpected[:5]}")
    for key, (shape, dtype) in header.items():
        want = expected[key]
        if shape != tuple(want.shape):
            raise CheckpointError(path, f"{key} has shape {list(shape)}, the config builds {list(want.shape)}")
        floating = dtype in ("F16", "BF16", "F32", "F64")
        if floating != want.is_floating_point():
            raise CheckpointError(path, f"{key} is stored as {dtype}; the model holds {want.dtype}")


# --- models from configs and weights --------------------------------------------------------------------------------

def _model_from(kind: str, values: dict, path: Path, device=None) -> Model:
    model_cls, config_cls = REGISTRY[kind]
    typed = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    try:
        config = config_cls(**typed)
    except (TypeError, ValueError) as e:
        raise CheckpointError(path, f"bad {kind} config: {e}") from None
    if device is None:
        return model_cls(config)
    with torch.device(device):
        return model_cls(config)


def _load_weights(model: Model, path: Path) -> None:
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(path, f"corrupt or truncated safetensors file ({e})") from None
    for key, value in state.items():
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise CheckpointError(path, f"{key} holds NaN or infinite values")
    model.load_state_dict(state, strict=True)


# --- the public API -------------------------------------------------------------------------------------------------

def _scan(root: Path | None) -> tuple[list[str], list[tuple[str, str]]]:
    """(model names, ignored entries as (shown name, reason)) of ``root``. A model is a folder holding a
    config.json whose name is valid UTF-8 and fully matches the naming rule (:func:`explorer.names.is_name`)."""
    root = Path(root or CHECKPOINT_DIR)
    if not root.is_dir():
        return [], []
    models, ignored = [], []
    for path in sorted(root.iterdir()):
        raw = os.fsencode(path.name)
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            ignored.append((_shown_name(raw), "the name is not valid UTF-8"))
            continue
        if not is_name(name):
            ignored.append((_shown_name(raw), "the name is outside the naming rule (a-z, 0-9 and single hyphens)"))
        elif not path.is_dir():
            ignored.append((name, "not a folder"))
        elif not (path / CheckpointFolder.CONFIG).is_file():
            ignored.append((name, f"no {CheckpointFolder.CONFIG}"))
        else:
            models.append(name)
    return models, ignored


def _shown_name(raw: bytes) -> str:
    """A folder name that is not a model's, printable and short: undecodable bytes as U+FFFD, control characters
    as ``\\xNN``, at most :data:`QUOTE` characters."""
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in raw.decode("utf-8", "replace"))
    return text if len(text) <= QUOTE else text[:QUOTE] + "..."


def list_models(root: Path | None = None) -> list[str]:
    """Names of the checkpoint folders in ``root``: folders holding a config.json, named by the naming rule (the
    rest is :func:`ignored_folders`)."""
    return _scan(root)[0]


def ignored_folders(root: Path | None = None) -> list[tuple[str, str]]:
    """The entries of ``root`` that are not models, as (shown name, why): a name that is not valid UTF-8 or outside
    the naming rule, a file, a folder without config.json."""
    return _scan(root)[1]


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
