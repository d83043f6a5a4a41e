"""Precompute the latent maps of the shipped models: ``python -m explorer.projection [names] [--force] [--redo]``
(``--warm-up`` only fills numba's on-disk cache for umap-learn, what the setup script runs)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .maps import pca
from .storage import load_shipped, projection_file, save_shipped
from .umap_backend import UMAP_DEFAULTS, umap, warm_up
from .vectors import map_vectors, needs_projection


def precompute(name: str, root: Path | None = None, log=print) -> list[Path]:
    """Write the PCA and default-parameter UMAP maps of a 16-D or InfoGAN model beside its checkpoint."""
    from ..checkpoints import CheckpointFolder
    from ..data import load_dataset

    folder = CheckpointFolder.find(name, root)
    model = folder.load(device="cpu")
    images, _ = load_dataset(model.dataset, "test")
    source, targets = map_vectors(model, images)
    written = []
    for method in ("pca", "umap"):
        proj = pca(source) if method == "pca" else umap(
            source, **UMAP_DEFAULTS, progress=lambda stage, f: log(f"  {name}: {stage}") if f in (0.0, 1.0) else None)
        save_shipped(folder, proj, targets if method == "umap" else None)
        written.append(folder.file(projection_file(method)))
        log(f"{name}: wrote {written[-1]}")
    return written


def main(argv: list[str] | None = None) -> None:
    from ..checkpoints import CheckpointFolder, list_models

    parser = argparse.ArgumentParser(prog="python -m explorer.projection",
                                     description="Precompute the latent maps of the shipped models.")
    parser.add_argument("names", nargs="*", help="model names (default: every final 16-D or InfoGAN checkpoint)")
    parser.add_argument("--root", type=Path, help="checkpoint folder root (default: checkpoints/)")
    parser.add_argument("--force", action="store_true", help="also for checkpoints that have not finished training")
    parser.add_argument("--redo", action="store_true", help="also maps that are up to date")
    parser.add_argument("--warm-up", action="store_true",
                        help="only fill numba's on-disk cache for umap-learn (what the setup script runs)")
    args = parser.parse_args(argv)
    if args.warm_up:
        print(f"umap-learn ready in {warm_up():.1f} s (numba cache filled)")
        return
    configs = {n: CheckpointFolder.find(n, args.root).document() for n in list_models(args.root)}
    names = args.names or [n for n, doc in configs.items()
                           if needs_projection(doc["kind"], doc["config"].get("latent_dim"))]
    for name in names:
        folder = CheckpointFolder.find(name, args.root)
        if not args.force and not folder.is_final():
            print(f"{name}: skipped (training not finished; --force to map it anyway)")
            continue
        if not args.redo and all(load_shipped(folder, m) is not None for m in ("pca", "umap")):
            print(f"{name}: up to date")
            continue
        precompute(name, args.root)
