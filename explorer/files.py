"""Writing files safely: :func:`atomic_write` is the one way the project replaces a file (checkpoints, run state,
data caches), so that a reader sees the old content or the new and never a mixture."""

from __future__ import annotations

import io
import os
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


def npz_bytes(arrays: dict[str, np.ndarray], compressed: bool = True) -> bytes:
    """Arrays as an ``.npz`` file's bytes (no pickled objects)."""
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()
