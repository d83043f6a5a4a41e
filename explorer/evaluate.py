"""Recompute every quality number of the shipped checkpoints: ``python -m explorer.evaluate [names]``.

Prints a table, writes each model's numbers to ``metrics.json["eval"]`` and the table to ``docs/evaluation.md``;
the gap numbers (:mod:`explorer.quality`) also go into the ``gaps`` blocks of README.md and docs/teaching.md.
All numbers are on the test split (MNIST-10k: 2,000 digits; Fashion-MNIST: 10,000 images), deterministic seeds.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from . import checkpoints, data, names
from . import denoising, elbo, family_tables, files, generated, quality, sample_quality
from .latent import encode
from .metrics import image_moments, match_categories, sweep_correlation

NELBO_SAMPLES = elbo.NELBO_SAMPLES
SWEEP_VALUES = np.linspace(-1, 1, 9)
SWEEP_NOISE = 64
PER_CATEGORY = 100


def _x(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(data.to_float(images))


def evaluate_vae(model, images: np.ndarray) -> dict:
    """Negative ELBO per image (BCE over 784 pixels + KL), averaged over test images and 10 posterior samples: the
    mean of the per-image terms the app shows (:func:`explorer.elbo.split_nelbo`)."""
    return elbo.split_nelbo(model, images, NELBO_SAMPLES)


def evaluate_ae(model, images: np.ndarray) -> dict:
    """Reconstruction error (Bernoulli NLL over 784 pixels, :func:`explorer.elbo.autoencoder_terms`) and MSE."""
    _, x_hat, recon_pixels = elbo.autoencoder_terms(model, images)
    mse = float(((x_hat.astype(np.float32) - data.to_float(images).reshape(-1, 28, 28)) ** 2).mean())
    return {"test_recon": float(recon_pixels.sum(1).mean()), "test_mse": mse}


def evaluate_classifier(model, images: np.ndarray, labels: np.ndarray) -> dict:
    pred = model.predict_proba(_x(images)).argmax(1).numpy()
    return {"test_accuracy": float((pred == labels).mean())}


def evaluate_gaps(model, scorer: quality.QualityScorer, images: np.ndarray, labels: np.ndarray) -> dict:
    """The gap numbers of an AE or VAE (:func:`explorer.quality.gap_numbers`) and what they were measured with."""
    out = quality.gap_numbers(model, scorer, encode(model, images), labels)
    return {**out, "typical_real_distance": scorer.typical_distance, "reference_images": len(scorer.reference)}


def code_sweeps(model, seed: int = 0) -> dict[str, np.ndarray]:
    """Slant and width of images generated while sweeping c2 (c3 = 0) and c3 (c2 = 0) over -1..1 for 64 noise
    vectors with random c1: arrays [64, 9] keyed "c2_slant", "c2_width", "c3_slant", "c3_width"."""
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(SWEEP_NOISE, model.noise_dim, generator=gen)
    c1 = torch.randint(10, (SWEEP_NOISE,), generator=gen)
    n_values = len(SWEEP_VALUES)
    zz = z.repeat_interleave(n_values, 0)
    cc = c1.repeat_interleave(n_values, 0)
    swept = torch.tensor(SWEEP_VALUES, dtype=torch.float32).repeat(SWEEP_NOISE)
    zero = torch.zeros_like(swept)
    out = {}
    for code, (c2, c3) in {"c2": (swept, zero), "c3": (zero, swept)}.items():
        slant, width = image_moments(model.generate(cc, c2, c3, zz).numpy())
        out[f"{code}_slant"] = slant.reshape(SWEEP_NOISE, n_values)
        out[f"{code}_width"] = width.reshape(SWEEP_NOISE, n_values)
    return out


def evaluate_infogan(model, classifier, images: np.ndarray, labels: np.ndarray) -> dict:
    logits, _ = model.infer_codes(_x(images))
    pred = logits.argmax(1).numpy()
    mapping, accuracy = match_categories(pred, labels)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (pred, labels), 1)

    sweeps = code_sweeps(model)
    rho = {k: sweep_correlation(SWEEP_VALUES, v) for k, v in sweeps.items()}
    # Which code is rotation (slant) and which is width: the assignment with the larger total |rho|.
    straight = abs(rho["c2_slant"]) + abs(rho["c3_width"])
    crossed = abs(rho["c3_slant"]) + abs(rho["c2_width"])
    rotation_code, width_code = ("c2", "c3") if straight >= crossed else ("c3", "c2")

    gen = torch.Generator().manual_seed(1)
    c1 = torch.arange(10).repeat_interleave(PER_CATEGORY)
    z = torch.randn(len(c1), model.noise_dim, generator=gen)
    cont = torch.rand(len(c1), 2, generator=gen) * 2 - 1
    generated = model.generate(c1, cont[:, 0], cont[:, 1], z)
    predicted_class = classifier.predict_proba(generated).argmax(1).numpy()
    generated_accuracy = float((predicted_class == mapping[c1.numpy()]).mean())
    per_category = [float((predicted_class[c1.numpy() == k] == mapping[k]).mean()) for k in range(10)]

    return {
        "c1_accuracy": accuracy, "c1_mapping": mapping.tolist(), "c1_confusion": confusion.tolist(),
        "rotation_code": rotation_code, "width_code": width_code,
        "rotation_rho": rho[f"{rotation_code}_slant"], "width_rho": rho[f"{width_code}_width"],
        **{f"rho_{k}": v for k, v in rho.items()},
        "generated_class_accuracy": generated_accuracy, "generated_class_accuracy_per_category": per_category,
    }


def evaluate_dae(model, autoencoder, images: np.ndarray) -> dict:
    """The denoising curves (PSNR and SSIM of every :data:`explorer.denoising.METHODS` at each noise amount, salt
    and pepper and Gaussian) and the bar's margin: the DAE's smallest PSNR gain over the median filter."""
    clean = data.to_float(images).reshape(-1, 28, 28)
    curves = {kind: denoising.curve(model, autoencoder, clean, kind) for kind in ("salt and pepper", "gaussian")}
    gains = denoising.gains_over_median(curves["salt and pepper"])
    return {"denoising": curves, "min_psnr_gain_over_median": float(min(gains))}


SAMPLE_CONTROLS = {"vae": ("temperature", (0.5, 0.75, 1.0, 1.25, 1.5)),
                   "infogan": ("noise_scale", (0.5, 0.75, 1.0, 1.25, 1.5))}


def sample_scores(model, judge: sample_quality.SampleJudge, value: float) -> dict[str, float]:
    """One generator's sample scores at one setting of its control (:data:`SAMPLE_CONTROLS`)."""
    if model.kind == "vae":
        images = sample_quality.vae_samples(model, temperature=value)
    else:
        images = sample_quality.gan_samples(model, noise_scale=value)
    return judge.score(images).as_dict()


def evaluate_samples(model, classifier, images: np.ndarray) -> dict:
    """Sample quality (:mod:`explorer.sample_quality`) at every setting of the model's control, and of real test
    images against the same reference."""
    reference, comparison = sample_quality.real_split(data.to_float(images).reshape(-1, 28, 28))
    judge = sample_quality.SampleJudge(classifier, reference)
    control, values = SAMPLE_CONTROLS[model.kind]
    return {"control": control, "values": list(values),
            "scores": [sample_scores(model, judge, v) for v in values],
            "real": judge.score(comparison).as_dict(), "samples": sample_quality.SAMPLES}


def evaluate_model(name: str, source: str = "auto") -> dict:
    """Every number for one shipped checkpoint, computed on the test split from ``source``."""
    model = checkpoints.load_model(name, device="cpu")
    images, labels = data.load_dataset(model.dataset, "test", source=source)
    result: dict = {}
    if model.kind == "vae":
        result.update(evaluate_vae(model, images))
    elif model.kind == "ae":
        result.update(evaluate_ae(model, images))
    elif model.kind == "classifier":
        result.update(evaluate_classifier(model, images, labels))
    if model.kind in ("ae", "vae", "infogan"):
        classifier = checkpoints.load_model(names.model_name(model.dataset, "classifier"), device="cpu")
        if model.kind == "infogan":
            result.update(evaluate_infogan(model, classifier, images, labels))
        else:
            result["gaps"] = evaluate_gaps(model, quality.QualityScorer(classifier, images), images, labels)
        if model.kind == "infogan" or (model.kind == "vae" and model.latent_dim == 16):
            result["samples"] = evaluate_samples(model, classifier, images)
    if model.kind == "dae":
        autoencoder = checkpoints.load_model(names.model_name(model.dataset, "ae", 16), device="cpu")
        result.update(evaluate_dae(model, autoencoder, images))
    result["test_images"] = int(len(images))
    result["data_source"] = data.dataset_source(model.dataset, "test") if source == "auto" else source
    return result


BARS = {  # the quality bars of the foundation issue: (metric, "<=" or ">=", bound)
    "mnist-vae-2d": [("test_nelbo", "<=", 155)], "mnist-vae-16d": [("test_nelbo", "<=", 112)],
    "fashion-vae-2d": [("test_nelbo", "<=", 258)], "fashion-vae-16d": [("test_nelbo", "<=", 238)],
    "mnist-classifier": [("test_accuracy", ">=", 0.98)], "fashion-classifier": [("test_accuracy", ">=", 0.91)],
    "mnist-dae": [("min_psnr_gain_over_median", ">", 0)], "fashion-dae": [("min_psnr_gain_over_median", ">", 0)],
    "mnist-infogan": [("c1_accuracy", ">=", 0.95), ("abs_rotation_rho", ">=", 0.9), ("abs_width_rho", ">=", 0.9),
                      ("generated_class_accuracy", ">=", 0.95)],
}


def bar_results(name: str, result: dict) -> list[tuple[str, float, str, float, bool]]:
    rows = []
    for metric, op, bound in BARS.get(name, []):
        value = abs(result[metric[4:]]) if metric.startswith("abs_") else result[metric]
        holds = {"<=": value <= bound, ">=": value >= bound, ">": value > bound}[op]
        rows.append((metric, value, op, bound, holds))
    return rows


def published(value: float) -> str:
    """A recorded number as the docs' tables and the app's Models page write it: four significant digits."""
    return f"{value:.4g}"


def format_table(results: dict[str, dict]) -> str:
    lines = ["| model | metric | value | bar | holds |", "|---|---|---|---|---|"]
    for name, result in results.items():
        shown = set()
        for metric, value, op, bound, ok in bar_results(name, result):
            lines.append(f"| {name} | {metric} | {published(value)} | {op} {bound} | {'yes' if ok else '**no**'} |")
            shown.add(metric.removeprefix("abs_"))
        for key, value in result.items():
            if key in shown or not isinstance(value, float):
                continue
            lines.append(f"| {name} | {key} | {published(value)} | | |")
        for key, value in result.get("gaps", {}).items():
            if isinstance(value, float) and key not in ("typical_real_distance", "reference_images"):
                lines.append(f"| {name} | gaps.{key} | {published(value)} | | |")
    return "\n".join(lines)


GAP_DOCS = {"gaps": ("README.md", "docs/teaching.md"), "gaps-detail": ("docs/teaching.md",)}
FAMILY_DOCS = {"beta": ("docs/teaching.md", "docs/evaluation.md"), "denoising": ("README.md", "docs/evaluation.md"),
               "samples": ("README.md", "docs/evaluation.md")}


def shipped_evals() -> dict[str, dict]:
    """``metrics.json["eval"]`` of every shipped checkpoint, by name."""
    return {name: checkpoints.read_metrics(name).get("eval", {}) for name in checkpoints.list_models()}


def published_titles() -> dict[str, str]:
    titles = {ds: spec.title for ds, spec in data.DATASETS.items()}
    return {"fashion": titles.pop("fashion"), **titles}          # the dataset the lessons show best, first


def gap_tables(numbers: dict[str, dict]) -> dict[str, str]:
    """The published gap tables (block name -> Markdown) from each model's ``eval.gaps`` numbers."""
    titles = published_titles()
    return {"gaps": quality.gaps_table(numbers, titles), "gaps-detail": quality.gaps_detail_table(numbers, titles)}


def shipped_gap_numbers() -> dict[str, dict]:
    """``eval.gaps`` of every shipped AE and VAE, by name (what the published tables show)."""
    out = {}
    for name in checkpoints.list_models():
        gaps = checkpoints.read_metrics(name).get("eval", {}).get("gaps")
        if gaps:
            out[name] = gaps
    return out


FAMILY_SECTIONS = """## Denoising: mean PSNR (dB) on the test split

The bar: the denoising autoencoder beats the 3 × 3 median filter at every amount from 0.1 to 0.5
(`min_psnr_gain_over_median` above). Best per column in bold.

<!-- begin denoising -->
<!-- end denoising -->

## VAE samples vs GAN samples

1,000 samples each against 1,000 real test images, in the classifier's 128-D features
(`explorer/sample_quality.py`); "real test images" are 1,000 others, the floor.

<!-- begin samples -->
<!-- end samples -->

## The AE -> VAE continuum

<!-- begin beta -->
<!-- end beta -->
"""


def _order(name: str) -> tuple[bool, str]:
    """Classifiers first: the gap, sample and InfoGAN measures use them."""
    return not name.endswith("classifier"), name


PROG = "python -m explorer.evaluate"


def main(argv: list[str] | None = None) -> None:
    """The command line; an OSError (a checkpoint folder or a doc that cannot be written, a full disk) ends it with
    one line on stderr."""
    with files.one_line_errors(PROG, "Make the checkpoint folders and docs writable, or pass --no-write."):
        _main(argv)


def _main(argv: list[str] | None) -> None:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="checkpoint names (default: all shipped)")
    parser.add_argument("--source", default="auto", choices=data.SOURCES, help="where the test split comes from")
    parser.add_argument("--no-write", action="store_true", help="print only; leave metrics.json and docs alone")
    parser.add_argument("--tables", action="store_true",
                        help="rewrite the published tables from the recorded numbers, recomputing nothing")
    args = parser.parse_args(argv)
    if args.tables:
        recorded = shipped_evals()
        write_docs({name: recorded[name] for name in sorted(recorded, key=_order) if recorded[name]})
        return
    names = args.names or checkpoints.list_models()
    # Classifiers first: the gap and InfoGAN measures use them.
    names = sorted(names, key=_order)
    if not args.no_write:                           # before any evaluation, not after it
        for name in names:
            files.check_writable(checkpoints.CheckpointFolder.find(name).path)
    results = {}
    for name in names:
        started = time.perf_counter()
        result = evaluate_model(name, args.source)
        results[name] = result
        print(f"{name}: evaluated in {time.perf_counter() - started:.1f} s", flush=True)
        if not args.no_write:
            checkpoints.CheckpointFolder.find(name).update_metrics("eval", result)
    print(format_table(results))
    if not args.no_write and not args.names:
        write_docs(results)


def write_docs(results: dict[str, dict]) -> None:
    """docs/evaluation.md from ``results`` (name -> eval numbers), and every published table's block in the
    README and the docs from the recorded numbers."""
    doc = data.REPO_ROOT / "docs" / "evaluation.md"
    doc.parent.mkdir(exist_ok=True)
    files.atomic_write(doc, "# Evaluation of the shipped checkpoints\n\nWritten by `python -m explorer.evaluate` "
                       "on the test splits (MNIST-10k: 2,000 digits; Fashion-MNIST: 10,000 images).\n\n"
                       + format_table(results) + "\n\n" + FAMILY_SECTIONS)
    blocks = {**gap_tables(shipped_gap_numbers()), **family_tables.tables(shipped_evals(), published_titles())}
    for block, paths in {**GAP_DOCS, **FAMILY_DOCS}.items():
        for path in paths:
            generated.write_block(data.REPO_ROOT / path, block, blocks[block])


if __name__ == "__main__":
    main()
