"""Resumable training state without pickle: tensors in safetensors, everything else in JSON, both written
atomically (a run killed with -9 resumes from its last completed epoch)."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save as safetensors_bytes

from .files import atomic_write

STATE_FILE = "state.safetensors"


def flatten_optimizer(prefix: str, state_dict: dict, tensors: dict, meta: dict) -> None:
    scalars = {}
    for index, slots in state_dict["state"].items():
        for key, value in slots.items():
            if torch.is_tensor(value):
                tensors[f"{prefix}.{index}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{index}.{key}"] = value
    meta[prefix] = {"param_groups": state_dict["param_groups"], "scalars": scalars}


def unflatten_optimizer(prefix: str, tensors: dict, meta: dict) -> dict:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith(prefix + "."):
            index, slot = key[len(prefix) + 1:].split(".", 1)
            state.setdefault(int(index), {})[slot] = value
    for key, value in meta[prefix]["scalars"].items():
        index, slot = key.split(".", 1)
        state.setdefault(int(index), {})[slot] = value
    return {"state": state, "param_groups": meta[prefix]["param_groups"]}


def save_state(folder: Path, modules: dict, optimizers: dict, progress: dict) -> None:
    """Write modules' and optimizers' state plus JSON ``progress`` (epoch, curves ...) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors: dict[str, torch.Tensor] = {}
    meta: dict = {"progress": progress}
    for name, module in modules.items():
        for key, value in module.state_dict().items():
            tensors[f"{name}/{key}"] = value.detach().cpu().contiguous()
    for name, opt in optimizers.items():
        flatten_optimizer(f"opt:{name}", opt.state_dict(), tensors, meta)
    tensors["rng:torch"] = torch.get_rng_state()
    # One file (the JSON rides in the safetensors header), replaced atomically: never half old, half new.
    atomic_write(folder / STATE_FILE, safetensors_bytes(tensors, metadata={"meta": json.dumps(meta)}))


def load_state(folder: Path, modules: dict, optimizers: dict) -> dict | None:
    """Restore what :func:`save_state` wrote; returns ``progress``, or None when there is no state."""
    path = folder / STATE_FILE
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = json.loads(f.metadata()["meta"])
            tensors = {key: f.get_tensor(key) for key in f.keys()}
        for name, module in modules.items():
            prefix = name + "/"
            module.load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)},
                                   strict=True)
        for name, opt in optimizers.items():
            opt.load_state_dict(unflatten_optimizer(f"opt:{name}", tensors, meta))
        torch.set_rng_state(tensors["rng:torch"])
        return meta["progress"]
    except (SafetensorError, OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
        raise RunStateError(path, f"{type(e).__name__}: {e}") from None


class RunStateError(RuntimeError):
    """A run's saved state cannot be resumed from."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: cannot resume from this run state ({problem}). Delete it, or rerun with --fresh "
                         "to start the run again.")
        self.path = path
