"""Writing files safely: :func:`atomic_write` is the one way the project replaces a file (checkpoints, run state,
data caches), so that a reader sees the old content or the new and never a mixture."""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np

MAX_NPZ_ARRAYS = 64
PLAIN_KINDS = "biufU"             # bool, integers, floats and text: what the project's .npz files hold


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


def check_writable(folder: Path) -> None:
    """Make ``folder`` (and its parents) and write and remove a file in it, so that a command that will write there
    fails before its work rather than after; an OSError names ``folder``."""
    folder = Path(folder)
    probe = folder / f".write-test-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise type(e)(e.errno, e.strerror, str(folder)) from None


@contextlib.contextmanager
def one_line_errors(prog: str, advice: str):
    """Around a command's ``main``: an OSError ends it with one line on stderr (the command, what went wrong, on
    which file, then ``advice``: what to do) and exit status 1, instead of a traceback."""
    try:
        yield
    except OSError as e:
        where = f": {e.filename}" if e.filename is not None else ""
        what = e.strerror or str(e) or type(e).__name__
        print(f"{prog}: {what}{where}. {advice}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None


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


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def npz_layout(path: Path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Each array of an ``.npz`` file as (shape, dtype), read from its ``.npy`` header alone (no data inflated).
    Raises :class:`ValueError`, naming no path, for a file that is not a zip of plain ``.npy`` arrays (bool, numbers,
    text), a header whose data size differs from the size the zip records for it, or over
    :data:`MAX_NPZ_ARRAYS` arrays."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            if len(members) > MAX_NPZ_ARRAYS:
                raise ValueError(f"{len(members):,} members; the limit is {MAX_NPZ_ARRAYS}")
            return dict(_npy_header(z, member) for member in members)
    except zipfile.BadZipFile as e:
        raise ValueError(f"not an npz (zip) file: {_short(str(e), 80)}") from None


def _npy_header(z: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[str, tuple[tuple[int, ...], np.dtype]]:
    name = member.filename
    if not name.endswith(".npy"):
        raise ValueError(f"member {_short(name)!r} is not an .npy array")
    key = name[:-4]
    with z.open(member) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"unsupported .npy version {version}")
        except (ValueError, EOFError, SyntaxError, TypeError):
            raise ValueError(f"{_short(key)!r} has no valid .npy header") from None
        header = f.tell()
    if dtype.hasobject or dtype.kind not in PLAIN_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(f"{_short(key)!r} holds {_short(str(dtype))}, not plain numbers or text")
    if any(n < 0 for n in shape):
        raise ValueError(f"{_short(key)!r} has a negative size in its shape {_short(str(shape))}")
    size = math.prod(shape) * dtype.itemsize
    if header + size != member.file_size:
        raise ValueError(f"{_short(key)!r}: its header claims {_short(str(shape))} {dtype} ({size:,} bytes), "
                         f"the file holds {member.file_size - header:,}")
    return key, (tuple(shape), dtype)


def read_npz(path: Path, limit: int) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` file, read only after its headers are checked (:func:`npz_layout`) and their
    data adds up to at most ``limit`` bytes; floating-point arrays must be finite. Raises :class:`ValueError`
    naming the array but not the path."""
    layout = npz_layout(path)
    total = sum(math.prod(shape) * dtype.itemsize for shape, dtype in layout.values())
    if total > limit:
        raise ValueError(f"its arrays hold {total:,} bytes; the limit is {limit:,}")
    with np.load(path, allow_pickle=False) as f:
        arrays = {key: f[key] for key in layout}
    for key, a in arrays.items():
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise ValueError(f"{_short(key)!r} holds NaN or infinite values")
    return arrays
