"""Evaluate an InfoGAN run's latest saved state (runs/<name>-seed<k>/) while it trains: c1 accuracy and the
code sweeps. `python scripts/eval_run_state.py runs/mnist-infogan-seed0`. Monitoring only; never used in training."""

import sys
from pathlib import Path

import torch

from explorer import checkpoints, data
from explorer.evaluate import evaluate_infogan
from explorer.metrics import categorical_information
from explorer.models import InfoGAN
from explorer.recipes import get_recipe
from explorer.resume import load_state

if __name__ == "__main__":
    torch.set_num_threads(1)
    for run in map(Path, sys.argv[1:]):
        recipe = get_recipe(run.name.rsplit("-seed", 1)[0])
        model = InfoGAN(recipe.model)
        progress = load_state(run, {"model": model}, {})
        model.eval()
        images, labels = data.load_dataset(recipe.model.dataset, "test")
        classifier = checkpoints.load_model(f"{recipe.model.dataset}-classifier", device="cpu")
        r = evaluate_infogan(model, classifier, images, labels)
        train_images, _ = data.load_dataset(recipe.model.dataset, "train")      # labels not loaded into use
        with torch.no_grad():
            logits, _ = model.infer_codes(torch.from_numpy(train_images[:, None] / 255.0).float())
        info = categorical_information(torch.softmax(logits, 1).numpy())
        print(f"{run.name} epoch {progress['epoch']}: I(c1; x) on the training images {info:.3f} nats (label-free)")
        print(f"{run.name} epoch {progress['epoch']}: c1 {r['c1_accuracy']:.3f} gen {r['generated_class_accuracy']:.3f}"
              f" rot {r['rotation_code']} {r['rotation_rho']:+.3f} width {r['width_code']} {r['width_rho']:+.3f} | "
              + " ".join(f"{k[4:]} {v:+.2f}" for k, v in r.items() if k.startswith("rho_")))
