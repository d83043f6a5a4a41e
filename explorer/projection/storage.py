"""Precomputed maps beside a checkpoint: ``projection-<method>.npz`` in its
:class:`~explorer.checkpoints.CheckpointFolder`, stamped with the SHA-256 of the weights it was made from."""

from __future__ import annotations

import json

import numpy as np

from ..checkpoints import CheckpointError, parse_json
from .maps import Projection


def projection_file(method: str) -> str:
    """The file name of a precomputed map in a checkpoint folder."""
    return f"projection-{method}.npz"


def to_arrays(projection: Projection, vectors: np.ndarray | None, weights: str = "") -> dict[str, np.ndarray]:
    """A map as the arrays of its file (no pickle) and, for UMAP, the vectors its way back interpolates (float16:
    ample for interpolation, half the size in the repository). Raw and PCA maps need no vectors to go back.
    ``weights``: the SHA-256 of the checkpoint's weights the map was made from."""
    meta = {"method": projection.method, "params": projection.params, "weights_sha256": weights}
    arrays = {"coords": projection.coords, "meta": np.array(json.dumps(meta))}
    if vectors is not None:
        arrays["vectors"] = np.asarray(vectors, np.float16)
    if projection.mean is not None:
        arrays.update(mean=projection.mean, components=projection.components)
    return arrays


def from_arrays(arrays: dict[str, np.ndarray]) -> tuple[Projection, np.ndarray | None]:
    """(projection, vectors or None) from the arrays of :func:`to_arrays`."""
    meta = json.loads(str(arrays["meta"]))
    proj = Projection(meta["method"], arrays["coords"], arrays.get("mean"), arrays.get("components"),
                      meta.get("params", {}))
    vectors = arrays.get("vectors")
    return proj, None if vectors is None else vectors.astype(np.float32)


def save_shipped(folder, projection: Projection, vectors: np.ndarray | None) -> None:
    """Write a map beside its checkpoint (a :class:`~explorer.checkpoints.CheckpointFolder`), stamped with the
    checkpoint's weights."""
    folder.write_arrays(projection_file(projection.method), to_arrays(projection, vectors, folder.weights_sha256()))


def load_shipped(folder, method: str) -> tuple[Projection, np.ndarray | None] | None:
    """The precomputed map beside a checkpoint, or None when there is none or it was made from other weights
    (a retrained checkpoint: rerun ``python -m explorer.projection``)."""
    if not folder.has(projection_file(method)):
        return None
    path = folder.file(projection_file(method))
    arrays = folder.arrays(projection_file(method))
    problem = layout_problem(arrays)
    if problem:
        raise CheckpointError(path, problem)
    meta = parse_json(str(arrays["meta"]), path)
    if not isinstance(meta, dict) or meta.get("method") != method or not isinstance(meta.get("params", {}), dict):
        raise CheckpointError(path, f"meta must be an object naming the method {method!r}")
    if meta.get("weights_sha256") != folder.weights_sha256():
        return None
    return from_arrays(arrays)


def layout_problem(arrays: dict[str, np.ndarray]) -> str | None:
    """What is wrong with a map file's arrays (None when nothing is): coords [N, 2]; meta one text; vectors [N, d];
    mean [d] and components [2, d] together."""
    coords, meta = arrays.get("coords"), arrays.get("meta")
    if coords is None or meta is None:
        return "a map file needs coords and meta"
    if meta.ndim != 0 or meta.dtype.kind != "U":
        return f"meta must be one text; it is {meta.dtype} {list(meta.shape)}"
    floats = {k: v for k, v in arrays.items() if k != "meta"}
    if any(v.dtype.kind != "f" for v in floats.values()):
        return "coords, vectors, mean and components must be floats"
    shapes = {k: list(v.shape) for k, v in floats.items()}
    vectors, mean, components = arrays.get("vectors"), arrays.get("mean"), arrays.get("components")
    if (coords.ndim != 2 or coords.shape[1] != 2
            or vectors is not None and (vectors.ndim != 2 or len(vectors) != len(coords))
            or (mean is None) != (components is None)
            or mean is not None and (mean.ndim != 1 or components.shape != (2, len(mean)))):
        return f"inconsistent map shapes {shapes}"
    return None
