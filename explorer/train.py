"""Train the shipped models: ``python -m explorer.train mnist-vae-2d [...]`` or ``python -m explorer.train all``.

Seeded, resumable (state saved atomically after every epoch in ``runs/<name>/``; rerun the same command to resume),
per-epoch metrics and curves, and the test encodings at several epochs (``snapshots.npz``) for the training replay.
The finished model is exported to ``checkpoints/<name>/`` when the recipe runs as written; ``--max-steps`` (a few real
steps, for smoke tests) and ``--epochs`` / ``--seed`` overrides export to ``runs/exports/`` unless ``--out`` says
otherwise. A run stopped inside an epoch saves nothing for that epoch.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.optim.swa_utils import AveragedModel, update_bn
from tqdm import tqdm

from . import checkpoints, data, files, noise
from .metrics import match_categories, psnr
from .models import REGISTRY
from .recipes import RECIPES, Recipe, get_recipe
from .resume import load_state, save_state



def training_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def batches(n: int, batch_size: int, seed: int, epoch: int):
    """Shuffled index batches; the order depends on (seed, epoch) only, so a resumed run sees the same order."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100_003 + epoch))
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]


def random_shift(x: torch.Tensor, pixels: int) -> torch.Tensor:
    """Translate each image by up to ``pixels`` in x and y (zero fill). Differentiable, so G trains through it."""
    if pixels <= 0:
        return x
    padded = F.pad(x, (pixels,) * 4)
    offsets = torch.randint(0, 2 * pixels + 1, (len(x), 2))
    return torch.stack([padded[i, :, dy:dy + 28, dx:dx + 28] for i, (dy, dx) in enumerate(offsets.tolist())])


def set_learning_rates(optimizers: dict, recipe: Recipe, epoch: int) -> None:
    """Each group's base rate, or a tenth of it during the recipe's last ``lr_drop_epochs`` epochs."""
    factor = 0.1 if epoch > recipe.epochs - recipe.lr_drop_epochs else 1.0
    for opt in optimizers.values():
        for group in opt.param_groups:
            group["lr"] = group.setdefault("base_lr", group["lr"]) * factor


class Task:
    """What differs between model families: optimisers, one training step, and the per-epoch test measures."""

    def __init__(self, recipe: Recipe, model, device: torch.device):
        self.recipe, self.model, self.device = recipe, model, device
        self.modules = {"model": model}
        self.optimizers = {"model": torch.optim.Adam(model.parameters(), lr=recipe.lr)}

    def step(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
        return self.update(self.model.loss(x))

    def update(self, terms: dict[str, torch.Tensor]) -> dict[str, float]:
        """One optimiser step on ``terms["loss"]``; the terms as numbers."""
        opt = self.optimizers["model"]
        opt.zero_grad(set_to_none=True)
        terms["loss"].backward()
        opt.step()
        return {k: v.item() for k, v in terms.items()}

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
        return {}

    @torch.no_grad()
    def snapshot(self, x: torch.Tensor) -> np.ndarray | None:
        return None

    def start_epoch(self, epoch: int) -> None:
        """Called before each epoch's first step."""

    def end_epoch(self, epoch: int) -> None:
        """Called after each epoch, before its state is saved."""

    def finish(self, x_train: torch.Tensor) -> bool:
        """Turn the last training state into the model that is exported; True if that changed the model."""
        return False


class AutoencoderTask(Task):
    @torch.no_grad()
    def evaluate(self, x, y):
        self.model.eval()
        if self.model.kind == "vae":
            gen = torch.Generator(device=self.device).manual_seed(0)
            terms = self.model.negative_elbo(x, generator=gen)
            out = {"test_" + k: float(v.mean()) for k, v in terms.items()}
        else:
            out = {"test_recon": float(self.model.loss(x)["recon"])}
        self.model.train()
        return out

    @torch.no_grad()
    def snapshot(self, x):
        self.model.eval()
        encoder = self.model.encoder(x.flatten(1))
        self.model.train()
        return encoder[:, :self.model.latent_dim].cpu().numpy().astype(np.float16)


class ClassifierTask(Task):
    def step(self, x, y):
        return self.update(self.model.loss(random_shift(x, self.recipe.training.shift_pixels), y))

    @torch.no_grad()
    def evaluate(self, x, y):
        self.model.eval()
        terms = {"test_" + k: float(v) for k, v in self.model.loss(x, y).items()}
        self.model.train()
        return terms


def from_epoch(schedule: tuple | None, epoch: int, before):
    """The value of a schedule ``(first_epoch, value)`` in ``epoch``: ``before`` until its first epoch (and when
    there is no schedule)."""
    if schedule is None:
        return before
    first, value = schedule
    return value if epoch >= first else before


class InfoGANTask(Task):
    """Alternating D and G+Q updates; the information loss trains Q and the shared trunk on both steps.

    Its options are :class:`explorer.recipes.InfoGANTraining`. ``cont_weight_from`` = (epoch, weight) sets the
    continuous codes' information weight (lambda_cont) from that epoch on; before it, ``cont_weight`` applies.
    ``q_shift_from`` = (epoch, pixels) makes the information loss read the fakes through a random shift of up to
    that many pixels from that epoch on (D's real/fake term still sees them unshifted), so that Q cannot tell
    categories apart by exact position.

    Optional finishing steps for the image readers (trunk + Q head):
    ``average_epochs`` averages their weights over the ends of the last that many epochs (stochastic weight
    averaging, Izmailov et al. 2018, https://arxiv.org/abs/1803.05407), and ``recalibrate_bn`` recomputes their
    BatchNorm statistics on the real training images, which needs no labels (averaged weights always get it: their
    copied statistics are stale). G is always the last iterate.
    """

    def __init__(self, recipe, model, device):
        self.recipe, self.model, self.device = recipe, model, device
        self.options = options = recipe.training
        betas = tuple(options.betas)
        self.d_head = nn.Linear(model.config.d_hidden, 1).to(device)
        self.modules = {"model": model, "d_head": self.d_head}
        self.optimizers = {
            "d": torch.optim.Adam([*model.trunk.parameters(), *self.d_head.parameters()], lr=recipe.lr, betas=betas),
            "g": torch.optim.Adam([*model.generator.parameters(), *model.q_head.parameters()],
                                  lr=options.g_lr, betas=betas),
        }
        self.cont_weight = options.cont_weight
        self.q_shift = 0
        self.average_epochs = options.average_epochs
        if self.average_epochs:
            self.readers_average = AveragedModel(self.readers())
            self.modules["readers_average"] = self.readers_average

    def readers(self) -> nn.Sequential:
        """The modules that read images: the shared trunk, then the Q head."""
        return nn.Sequential(self.model.trunk, self.model.q_head)

    def start_epoch(self, epoch):
        self.cont_weight = from_epoch(self.options.cont_weight_from, epoch, self.options.cont_weight)
        self.q_shift = from_epoch(self.options.q_shift_from, epoch, 0)

    def _info_features(self, fake: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """The trunk features the information loss scores: ``h`` (the trunk's features of ``fake``), or those of
        the fakes shifted at random while ``q_shift_from`` is on."""
        return self.model.trunk(random_shift(fake, self.q_shift)) if self.q_shift else h

    def end_epoch(self, epoch):
        if self.average_epochs and epoch > self.recipe.epochs - self.average_epochs:
            self.readers_average.update_parameters(self.readers())

    def finish(self, x_train):
        readers = self.readers()
        averaged = bool(self.average_epochs and self.readers_average.n_averaged > 0)
        if averaged:
            readers.load_state_dict(self.readers_average.module.state_dict())
        if averaged or self.options.recalibrate_bn:
            update_bn(x_train.split(self.recipe.batch_size), readers)
            return True
        return False

    def step(self, real, y):
        model, n = self.model, len(real)
        c1, cont, z = model.sample_codes(n)
        fake = model.generator(model.latent(c1, cont, z))
        ones, zeros = torch.ones(n, 1, device=self.device), torch.zeros(n, 1, device=self.device)

        h_real, h_fake = model.trunk(real), model.trunk(fake.detach())
        d_loss = (F.binary_cross_entropy_with_logits(self.d_head(h_real), ones)
                  + F.binary_cross_entropy_with_logits(self.d_head(h_fake), zeros))
        h_info = self._info_features(fake.detach(), h_fake)
        info_d = model.information_loss(h_info, c1, cont, self.options.cat_weight, self.cont_weight)["info"]
        self.optimizers["d"].zero_grad(set_to_none=True)
        (d_loss + info_d).backward()
        self.optimizers["d"].step()

        h = model.trunk(fake)
        g_loss = F.binary_cross_entropy_with_logits(self.d_head(h), ones)
        info = model.information_loss(self._info_features(fake, h), c1, cont, self.options.cat_weight,
                                      self.cont_weight)
        self.optimizers["g"].zero_grad(set_to_none=True)
        (g_loss + info["info"]).backward()
        self.optimizers["g"].step()
        return {"d_loss": d_loss.item(), "g_loss": g_loss.item(), **{k: v.item() for k, v in info.items()}}

    @torch.no_grad()
    def evaluate(self, x, y):
        """Monitoring only (labels never reach training): c1 accuracy of Q on real test images."""
        self.model.eval()
        logits, _, _ = self.model.q_head(self.model.trunk(x))
        self.model.train()
        _, acc = match_categories(logits.argmax(1).cpu().numpy(), y.cpu().numpy())
        return {"test_c1_accuracy": acc}


class DenoisingTask(Task):
    """Clean images in, a fresh corruption of each on every step (:class:`explorer.recipes.DenoisingTraining`); the
    noise generator is seeded per epoch, so a resumed run corrupts the same way as an uninterrupted one."""

    def start_epoch(self, epoch):
        self.generator = torch.Generator(device=self.device).manual_seed(self.recipe.seed * 100_003 + epoch + 7)

    def step(self, x, y):
        amounts = torch.rand(len(x), generator=self.generator, device=self.device) * self.recipe.training.max_noise
        return self.update(self.model.loss(noise.salt_and_pepper(x, amounts, self.generator), x))

    @torch.no_grad()
    def evaluate(self, x, y):
        self.model.eval()
        gen = torch.Generator(device=self.device).manual_seed(0)
        noisy = noise.salt_and_pepper(x, self.recipe.training.test_noise, gen)
        denoised = torch.sigmoid(self.model.logits(noisy))
        self.model.train()
        return {"test_recon": float(self.model.loss(noisy, x)["recon"]),
                "test_psnr": float(psnr(denoised.cpu().numpy(), x.cpu().numpy()).mean())}


TASKS = {"ae": AutoencoderTask, "vae": AutoencoderTask, "classifier": ClassifierTask, "infogan": InfoGANTask,
         "dae": DenoisingTask}


def _tensor(images: np.ndarray, device) -> torch.Tensor:
    return torch.from_numpy(data.to_float(images)).to(device)


def _run_snapshots(run_dir: Path) -> dict[int, np.ndarray]:
    """The test encodings a run has saved so far, by epoch (the run folder keeps them as a checkpoint does)."""
    folder = checkpoints.CheckpointFolder(run_dir)
    if not folder.has(folder.SNAPSHOTS):
        return {}
    saved = folder.snapshots()
    return {int(e): enc for e, enc in zip(saved["epochs"], saved["encodings"])}


class Loop:
    """The training loop of one recipe, driven step by step: the command line's :func:`train` and a live job
    (:mod:`explorer.train_job`) run the same object. Seeds torch and builds the model and its :class:`Task`;
    :meth:`start_epoch` gives an epoch's index batches, :meth:`step` trains on one, :meth:`end_epoch` evaluates and
    records the epoch's row."""

    def __init__(self, recipe: Recipe, device: torch.device, train_set: tuple, test_set: tuple):
        self.recipe, self.device = recipe, device
        torch.manual_seed(recipe.seed)
        self.model = REGISTRY[recipe.kind][0](recipe.model).to(device).train()
        self.task = TASKS[recipe.kind](recipe, self.model, device)
        self.x_train, self.y_train = _tensor(train_set[0], device), torch.from_numpy(train_set[1]).to(device)
        self.x_test, self.y_test = _tensor(test_set[0], device), torch.from_numpy(test_set[1]).to(device)
        self.progress = {"epoch": 0, "step": 0, "wall_time": 0.0, "curves": {}}
        self.sums: dict[str, float] = {}
        self.count = 0

    def start_epoch(self, epoch: int) -> list[torch.Tensor]:
        """Set the epoch's learning rates and options; its shuffled index batches."""
        set_learning_rates(self.task.optimizers, self.recipe, epoch)
        self.task.start_epoch(epoch)
        self.sums, self.count = {}, 0
        return batches(len(self.x_train), self.recipe.batch_size, self.recipe.seed, epoch)

    def step(self, idx: torch.Tensor) -> dict[str, float]:
        """One optimiser step on the training images ``idx``; its loss terms."""
        stats = self.task.step(self.x_train[idx], self.y_train[idx])
        for k, v in stats.items():
            self.sums[k] = self.sums.get(k, 0.0) + v
        self.count += 1
        self.progress["step"] += 1
        return stats

    def means(self) -> dict[str, float]:
        """The mean of each loss term over the epoch's steps so far."""
        return {k: v / max(self.count, 1) for k, v in self.sums.items()}

    def end_epoch(self, epoch: int, seconds: float) -> dict[str, float]:
        """The finished epoch's row (training means, test measures, epoch, seconds), added to the curves."""
        row = self.means()
        row.update(self.task.evaluate(self.x_test, self.y_test))
        row["epoch"] = epoch
        row["seconds"] = seconds
        for k, v in row.items():
            self.progress["curves"].setdefault(k, []).append(v)
        self.progress["epoch"] = epoch
        self.progress["wall_time"] += seconds
        return row

    def finish(self) -> dict[str, float]:
        """Turn the last training state into the exported model; the test measures of that model when it changed."""
        return self.task.evaluate(self.x_test, self.y_test) if self.task.finish(self.x_train) else {}


def train(recipe: Recipe, out_dir: Path, runs_dir: Path, max_steps: int | None = None,
          fresh: bool = False) -> Path:
    """Train (or resume) one recipe and export its checkpoint folder; returns that folder."""
    device = training_device()
    run_dir = runs_dir / f"{recipe.name}-seed{recipe.seed}"
    if fresh and run_dir.exists():
        shutil.rmtree(run_dir)
    test_set = data.load_dataset(recipe.model.dataset, "test")
    test_y = test_set[1]
    source = data.dataset_source(recipe.model.dataset, "train")
    loop = Loop(recipe, device, data.load_dataset(recipe.model.dataset, "train"), test_set)
    task, x_test = loop.task, loop.x_test

    progress = load_state(run_dir, task.modules, task.optimizers)
    if progress is None:
        progress = loop.progress
    else:
        loop.progress = progress
        print(f"{recipe.name}: resuming after epoch {progress['epoch']}")
    snapshots = _run_snapshots(run_dir)
    if 0 in recipe.snapshot_epochs and 0 not in snapshots and (snap := task.snapshot(x_test)) is not None:
        snapshots[0] = snap
        checkpoints.CheckpointFolder(run_dir).write_snapshots(snapshots, test_y)

    for epoch in range(progress["epoch"] + 1, recipe.epochs + 1):
        if max_steps is not None and progress["step"] >= max_steps:
            break
        started = time.perf_counter()
        index_batches = loop.start_epoch(epoch)
        bar = tqdm(index_batches, desc=f"{recipe.name} {epoch}/{recipe.epochs}", leave=False, mininterval=2)
        for idx in bar:
            if max_steps is not None and progress["step"] >= max_steps:
                break
            loop.step(idx)
            if loop.count % 20 == 0:
                bar.set_postfix({k: f"{v:.3g}" for k, v in loop.means().items() if k in ("loss", "d_loss", "q_acc")})
        if loop.count < len(index_batches):   # stopped inside the epoch: not a finished epoch, so nothing is saved
            print(f"{recipe.name}: stopped after {loop.count} of {len(index_batches)} batches of epoch {epoch}; the "
                  f"run state stays at epoch {progress['epoch']}", flush=True)
            break
        row = loop.end_epoch(epoch, time.perf_counter() - started)
        if epoch in recipe.snapshot_epochs and (snap := task.snapshot(x_test)) is not None:
            snapshots[epoch] = snap
            checkpoints.CheckpointFolder(run_dir).write_snapshots(snapshots, test_y)
        task.end_epoch(epoch)
        save_state(run_dir, task.modules, task.optimizers, progress)
        print(f"{recipe.name} epoch {epoch}: " + ", ".join(
            f"{k} {v:.4g}" for k, v in row.items() if k not in ("epoch",)), flush=True)

    finished = loop.finish()   # the exported model's figures
    return export(recipe, loop.model, progress, snapshots, test_y, out_dir, source, device, finished)


def export(recipe: Recipe, model, progress: dict, snapshots: dict, test_labels: np.ndarray, out_dir: Path,
           source: str, device, finished: dict[str, float]) -> Path:
    folder = out_dir / recipe.name
    training = {
        "command": f"python -m explorer.train {recipe.name}",
        "recipe": {k: v for k, v in dataclasses.asdict(recipe).items() if k != "model"},
        "seed": recipe.seed,
        "epochs_done": progress["epoch"],
        "steps": progress["step"],
        "wall_time_s": round(progress["wall_time"], 1),
        "device": str(device),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "data_source": source,
    }
    half = recipe.half                # float16 storage; evaluation checks the metrics hold as shipped
    # A complete new folder, swapped in whole: an interrupted export leaves the old checkpoint as it was, and no
    # number of the old one (its evaluation, its precomputed maps) stays beside the new weights.
    target = checkpoints.CheckpointFolder(files.staging_folder(folder))
    try:
        target.save_model(model.cpu(), training=training, half=half)
        last = {k: v[-1] for k, v in progress["curves"].items()} if progress["curves"] else {}
        target.update_metrics("training", {**last, **finished})
        target.write_curves(progress["curves"])
        if snapshots:
            target.write_snapshots(snapshots, test_labels)
        files.swap_in(target.path, folder)
    finally:
        shutil.rmtree(target.path, ignore_errors=True)       # gone after a swap; a half-written one after an error
    print(f"{recipe.name}: exported to {folder} ({progress['epoch']} epochs, {progress['wall_time']:.0f} s)")
    return folder


SCRATCH_EXPORTS = data.REPO_ROOT / "runs" / "exports"


PROG = "python -m explorer.train"


def main(argv: list[str] | None = None) -> None:
    """The command line; an OSError (an --out or --runs folder that cannot be written, a full disk) ends it with
    one line on stderr."""
    with files.one_line_errors(PROG, "Choose writable folders with --out and --runs, or make these writable."):
        _main(argv)


def _main(argv: list[str] | None) -> None:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+", help=f"model names or 'all': {', '.join(RECIPES)}")
    parser.add_argument("--out", type=Path, help="checkpoint folder root (default: checkpoints/ for a recipe run "
                                                  "as written, else runs/exports/)")
    parser.add_argument("--runs", type=Path, default=data.REPO_ROOT / "runs", help="resumable run state root")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs")
    parser.add_argument("--seed", type=int, help="override the recipe's seed")
    parser.add_argument("--max-steps", type=int, help="stop after this many optimiser steps (smoke tests)")
    parser.add_argument("--threads", type=int, help="torch CPU threads")
    parser.add_argument("--fresh", action="store_true", help="discard saved run state and start over")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    names = list(RECIPES) if args.names == ["all"] else args.names
    overrides = {k: v for k, v in (("epochs", args.epochs), ("seed", args.seed)) if v is not None}
    recipes = [dataclasses.replace(get_recipe(name), **overrides) for name in names]
    out = export_root(args.out, args.max_steps, overrides)
    for folder in (out, args.runs):                 # before any training, not after it
        files.check_writable(folder)
    for recipe in recipes:
        train(recipe, out, args.runs, max_steps=args.max_steps, fresh=args.fresh)


def export_root(out: Path | None, max_steps: int | None, overrides: dict) -> Path:
    """Where a run exports: ``--out`` when given; the shipped checkpoints only for a recipe run as written (the
    documented training command); a smoke run (``--max-steps``) or a changed recipe (``--epochs``, ``--seed``) goes
    to a scratch folder, so it can never overwrite a shipped model."""
    if out is not None:
        return out
    if max_steps is None and not overrides:
        return checkpoints.CHECKPOINT_DIR
    print(f"exporting to {SCRATCH_EXPORTS} (a smoke run or changed recipe does not replace a shipped checkpoint; "
          f"--out to choose)", flush=True)
    return SCRATCH_EXPORTS


if __name__ == "__main__":
    main()
