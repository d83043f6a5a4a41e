"""A small AE or VAE trained live in the app ("Train it yourself", issue #33): the settings a student picks,
checked; the training itself through :class:`explorer.train.Loop` (the shipped models' classes and loop); progress
as small numpy frames; the finished model exported into :data:`explorer.checkpoints.TRAINED_DIR`, never
``checkpoints/``. :func:`run` is the target of an :class:`explorer.jobs.JobPool` worker.

Same settings, same seed, same machine: the same weights (torch is seeded by the recipe, the training images are
drawn by the seed, and a frame only reads the model). Compare the tensors, not the files: safetensors writes its
metadata's keys in any order, so two files of the same weights can differ in a few header bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import checkpoints, data, files, names
from .latent import grid_axis, grid_points, percentile_box, tile
from .metrics import knn_accuracy
from .models import AEConfig, VAEConfig
from .recipes import Recipe
from .train import Loop, training_device

KINDS = ("ae", "vae")
LATENT_DIMS = (2, 3)
IMAGES = (1000, 10_000)          # training images a job may use
EPOCHS = (1, 50)
SEEDS = (0, 9999)
BETA = (0.0, 2.0)
MAP_POINTS = 2000                # test images on the live map (and the per-epoch test figures)
FRAME_SECONDS = 0.25             # a progress frame at least this often while training
GRID = 8                         # the decoded grid: GRID x GRID images over the map's 2-98 % box
KNN = 5
KEEP = 300                       # trained models kept on disk (~4.3 MB each), oldest deleted first
NICENESS = 10                    # a trainer's niceness increment: every session's page comes before a training
BATCH = 128                      # the shipped recipes' batch size


@dataclass(frozen=True)
class Settings:
    """What a student chooses. ``beta`` weighs the KL term of a VAE (1: the ELBO); an autoencoder has none (0).
    ``classes``: the classes to train on, () for all."""

    dataset: str = "mnist"
    kind: str = "vae"
    beta: float = 1.0
    latent_dim: int = 2
    images: int = 5000
    classes: tuple[int, ...] = ()
    epochs: int = 10
    seed: int = 0

    def __post_init__(self):
        def whole(name, value, lo, hi):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
                raise ValueError(f"{name} must be a whole number from {lo} to {hi}; got {value!r}")

        if self.dataset not in data.DATASETS:
            raise ValueError(f"dataset must be one of {sorted(data.DATASETS)}; got {self.dataset!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {self.kind!r}")
        beta = self.beta
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not math.isfinite(beta) \
                or not BETA[0] <= beta <= BETA[1]:
            raise ValueError(f"beta must be a number from {BETA[0]:g} to {BETA[1]:g}; got {beta!r}")
        if self.latent_dim not in LATENT_DIMS or isinstance(self.latent_dim, bool):
            raise ValueError(f"latent_dim must be one of {LATENT_DIMS}; got {self.latent_dim!r}")
        whole("images", self.images, *IMAGES)
        whole("epochs", self.epochs, *EPOCHS)
        whole("seed", self.seed, *SEEDS)
        if not isinstance(self.classes, tuple) or len(self.classes) > 10:
            raise ValueError(f"classes must be a tuple of up to 10 class numbers; got {self.classes!r}")
        for c in self.classes:
            whole("a class", c, 0, 9)
        object.__setattr__(self, "classes", tuple(sorted(set(int(c) for c in self.classes))))
        object.__setattr__(self, "beta", 0.0 if self.kind == "ae" else round(float(beta), 4))

    @classmethod
    def from_dict(cls, values: dict) -> Settings:
        """Settings from plain values (a job's spec): unknown keys are an error; a list of classes is a tuple."""
        known = {f.name for f in dataclasses.fields(cls)}
        if not isinstance(values, dict) or set(values) - known:
            raise ValueError(f"unknown settings {sorted(set(values) - known) if isinstance(values, dict) else values!r}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "classes": list(self.classes)}

    @property
    def name(self) -> str:
        """``yours-<dataset>-<kind>-<n>d-<digest>``: the digest stands for every setting."""
        digest = hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]
        return names.trained_name(self.dataset, self.kind, self.latent_dim, digest)

    def recipe(self) -> Recipe:
        config = (AEConfig(self.dataset, self.latent_dim) if self.kind == "ae"
                  else VAEConfig(self.dataset, self.latent_dim, beta=self.beta))
        return Recipe(self.name, config, epochs=self.epochs, batch_size=BATCH, seed=self.seed)

    def label(self) -> str:
        """What the app calls the model: "Yours · VAE β = 0.3 · 2-D · 5,000 images · seed 0"."""
        kind = "Autoencoder" if self.kind == "ae" else ("VAE" if self.beta == 1 else f"β-VAE (β = {self.beta:g})")
        classes = f" · classes {','.join(map(str, self.classes))}" if self.classes else ""
        return (f"Yours · {kind} · {self.latent_dim}-D · {self.images:,} images{classes} · {self.epochs} epochs · "
                f"seed {self.seed}")


def _in_classes(labels: np.ndarray, classes: tuple[int, ...]) -> np.ndarray:
    return np.flatnonzero(np.isin(labels, classes)) if classes else np.arange(len(labels))


def training_subset(settings: Settings, labels: np.ndarray) -> np.ndarray:
    """The training images of a job (indices into the train split, sorted): ``images`` of the chosen classes drawn
    by the seed (all of them when there are fewer)."""
    pool = _in_classes(labels, settings.classes)
    return np.sort(np.random.default_rng(settings.seed).permutation(pool)[:settings.images])


def map_subset(settings: Settings, labels: np.ndarray) -> np.ndarray:
    """The test images on the live map (indices into the test split, sorted): the same for every seed."""
    pool = _in_classes(labels, settings.classes)
    return np.sort(np.random.default_rng(0).permutation(pool)[:MAP_POINTS])


def plane(encodings: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(map coordinates [N, 2], centre [d], axes [2, d]): the raw plane of 2-D codes; for 3-D codes, their first
    two principal components, each signed so that its largest entry is positive (the map does not flip between
    frames)."""
    z = np.asarray(encodings, dtype=np.float64)
    if z.shape[1] == 2:
        return z.astype(np.float32), np.zeros(2), np.eye(2)
    centre = z.mean(0)
    _, _, vt = np.linalg.svd(z - centre, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2][np.arange(2), np.abs(vt[:2]).argmax(1)])[:, None]
    return ((z - centre) @ axes.T).astype(np.float32), centre, axes


def frame(model, x_map: torch.Tensor, labels: np.ndarray) -> dict:
    """The map of the test images and the decoded grid over its 2-98 % box, as small arrays."""
    enc = model.encode(x_map).numpy()
    coords, centre, axes = plane(enc)
    lo, hi = percentile_box(coords, 2, 98)
    points = grid_points(grid_axis(lo[0], hi[0], GRID), grid_axis(lo[1], hi[1], GRID))
    z = (centre + points.astype(np.float64) @ axes).astype(np.float32)
    decoded = model.decode(torch.from_numpy(z)).numpy()[:, 0]
    return {"coords": coords, "labels": labels.astype(np.uint8),
            "grid": tile((decoded * 255).round().astype(np.uint8), GRID, GRID),
            "box": np.array([lo, hi], np.float32)}


_DATA: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}     # a worker keeps what it has read


def _dataset(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    if (name, split) not in _DATA:
        _DATA[(name, split)] = data.load_dataset(name, split)
    return _DATA[(name, split)]


def warm_up() -> None:
    """What a worker does once before its first job: one torch thread, both datasets read, and torch's one-time
    optimiser set-up done (measured: the first Adam in a process took 1.8 s, the next 20 ms)."""
    torch.set_num_threads(1)
    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    for name in data.DATASETS:
        for split in ("train", "test"):
            try:
                _dataset(name, split)
            except data.DatasetNotFoundError:
                pass


def run(spec: dict, control, emit, root: str | None = None) -> None:
    """Train the model ``spec`` describes (:meth:`Settings.from_dict`), sending ``emit("frame", {...})`` at least
    every :data:`FRAME_SECONDS` and after each epoch; honour ``control`` (an :class:`explorer.jobs.Control`) between
    steps: pause, stop (export the model as it is), cancel (export nothing). Ends with ``emit("done", {"name"})`` or
    ``emit("cancelled", {})``."""
    settings = Settings.from_dict(spec)
    device = training_device()
    train_x, train_y = _dataset(settings.dataset, "train")
    test_x, test_y = _dataset(settings.dataset, "test")
    chosen, shown = training_subset(settings, train_y), map_subset(settings, test_y)
    loop = Loop(settings.recipe(), device, (train_x[chosen], train_y[chosen]), (test_x[shown], test_y[shown]))
    labels = test_y[shown]
    steps_per_epoch = math.ceil(len(chosen) / loop.recipe.batch_size)
    total = steps_per_epoch * settings.epochs
    history: dict[str, list[float]] = {"at": [], "recon": [], "kl": []}
    window: dict[str, list[float]] = {"recon": [], "kl": []}
    state = {"epoch": 0, "knn": float("nan"), "seconds": 0.0}

    def send(final: bool = False) -> None:
        if window["recon"]:
            history["at"].append(loop.progress["step"] / steps_per_epoch)
            for key in ("recon", "kl"):
                history[key].append(float(np.mean(window[key])) if window[key] else float("nan"))
        window["recon"], window["kl"] = [], []
        done = loop.progress["step"]
        eta = state["seconds"] / done * (total - done) if done else float("nan")
        emit("frame", {**frame(loop.model, loop.x_test, labels), "epoch": state["epoch"], "epochs": settings.epochs,
                       "step": done, "steps": total, "seconds": state["seconds"], "eta": 0.0 if final else eta,
                       "knn": state["knn"], "images": len(chosen),
                       **{f"curve_{k}": np.array(v, np.float32) for k, v in history.items()}})

    send()                                       # the untrained model's map: the first picture after Train
    last, stopped = time.perf_counter(), False
    for epoch in range(1, settings.epochs + 1):
        epoch_started = time.perf_counter()
        for idx in loop.start_epoch(epoch):
            paused = control.wait_while_paused()
            epoch_started += paused
            last += paused
            if control.ending():
                stopped = True
                break
            step_started = time.perf_counter()
            stats = loop.step(idx)
            state["seconds"] += time.perf_counter() - step_started
            window["recon"].append(stats["recon"])
            if "kl" in stats:
                window["kl"].append(stats["kl"])
            if time.perf_counter() - last >= FRAME_SECONDS:
                send()
                last = time.perf_counter()
        if stopped:
            break
        loop.end_epoch(epoch, time.perf_counter() - epoch_started)
        loop.task.end_epoch(epoch)
        state["epoch"] = epoch
        state["knn"] = knn_accuracy(loop.model.encode(loop.x_test).numpy(), labels, KNN)
        send()
        last = time.perf_counter()
    if control.cancelled():
        emit("cancelled", {})
        return
    send(final=True)
    name = export(loop, settings, Path(root) if root else checkpoints.TRAINED_DIR, state)
    emit("done", {"name": name, "epochs_done": state["epoch"], "stopped_early": stopped, "knn": state["knn"]})


def export(loop: Loop, settings: Settings, root: Path, state: dict) -> str:
    """The model's folder ``root/<name>``: config.json, model.safetensors, metrics.json, curves.json, swapped in
    whole. Returns the name."""
    folder = root / settings.name
    root.mkdir(parents=True, exist_ok=True)
    training = {"trained_in": "the app (Train it yourself)", "settings": settings.to_dict(),
                "epochs_done": state["epoch"], "steps": loop.progress["step"],
                "wall_time_s": round(state["seconds"], 1), "device": str(loop.device),
                "threads": torch.get_num_threads(), "torch": torch.__version__}
    target = checkpoints.CheckpointFolder(files.staging_folder(folder))
    try:
        target.save_model(loop.model.cpu(), training=training)
        curves = loop.progress["curves"]
        last = {k: v[-1] for k, v in curves.items()} if curves else {}
        target.update_metrics("training", {**last, "knn5_accuracy": None if math.isnan(state["knn"]) else state["knn"]})
        target.write_curves(curves)
        files.swap_in(target.path, folder)
    finally:
        shutil.rmtree(target.path, ignore_errors=True)
    prune(root, KEEP)
    return settings.name


def prune(root: Path, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest trained models' folders of ``root``; the names deleted. (A session that
    still lists a deleted model stops offering it: :func:`explorer.ui.shell.yours.models` checks the folder.)"""
    folders = sorted((p for p in Path(root).iterdir() if p.is_dir() and names.is_trained(p.name)),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return [p.name for p in folders[keep:]]
