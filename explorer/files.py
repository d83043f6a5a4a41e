"""Writing files safely: :func:`atomic_write` is the one way the project replaces a file (checkpoints, run state,
data caches), so that a reader sees the old content or the new and never a mixture."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import numpy as np


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path``: a temporary file beside it, flushed to disk, then renamed over it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def staging_folder(target: Path) -> Path:
    """An empty folder beside ``target`` to build its replacement in (see :func:`swap_in`)."""
    target = Path(target)
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, target: Path) -> None:
    """Put a complete folder in place of ``target``: every file of the new version or every file of the old, never
    a mix. The new folder's files are flushed to disk, the old folder is renamed aside, the new one renamed into
    place (the directory entries flushed), then the old one deleted. Should the process die between the two
    renames, the old version is left beside it as ``.<name>.previous``."""
    staging, target = Path(staging), Path(target)
    for path in staging.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        os.rename(target, previous)
    os.rename(staging, target)
    _fsync_dir(target.parent)
    if previous.exists():
        shutil.rmtree(previous)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def npz_bytes(arrays: dict[str, np.ndarray], compressed: bool = True) -> bytes:
    """Arrays as an ``.npz`` file's bytes (no pickled objects)."""
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()
