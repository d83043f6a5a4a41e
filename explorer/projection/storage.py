"""Precomputed maps beside a checkpoint: ``projection-<method>.npz`` in its
:class:`~explorer.checkpoints.CheckpointFolder`, stamped with the SHA-256 of the weights it was made from."""

from __future__ import annotations

import json

import numpy as np

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
    arrays = folder.arrays(projection_file(method))
    if json.loads(str(arrays["meta"])).get("weights_sha256") != folder.weights_sha256():
        return None
    return from_arrays(arrays)
