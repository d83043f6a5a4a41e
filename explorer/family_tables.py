"""The published tables of the rest of the family (README, docs/teaching.md, docs/evaluation.md) from the numbers
``python -m explorer.evaluate`` records in each checkpoint's ``metrics.json["eval"]``: one source for the app, the
docs and the tests."""

from __future__ import annotations

from . import denoising
from .names import beta_name, model_name
from .recipes import BETAS


def beta_models(ds: str) -> list[tuple[float, str]]:
    """The AE -> VAE continuum by beta: the 2-D autoencoder (0), the beta-VAEs, and the 2-D VAE (1)."""
    pairs = [(0.0, model_name(ds, "ae", 2)), (1.0, model_name(ds, "vae", 2)),
             *((b, beta_name(ds, b)) for b in BETAS)]
    return sorted(pairs)


def beta_table(evals: dict[str, dict], datasets: dict[str, str]) -> str:
    """Per dataset and beta: plane data-like, prior samples data-like, reconstruction and KL (nats)."""
    lines = ["| | β | plane decoding data-like | N(0, I) samples data-like | reconstruction (nats) | KL (nats) |",
             "|---|---:|---:|---:|---:|---:|"]
    for ds, title in datasets.items():
        for beta, name in beta_models(ds):
            e = evals.get(name)
            if not e:
                continue
            kl = f"{e['test_kl']:.1f}" if "test_kl" in e else "—"
            lines.append(f"| {title} | {beta:g} | {100 * e['gaps']['fraction_data_like']:.0f} % | "
                         f"{100 * e['gaps']['prior_data_like']:.0f} % | {e['test_recon']:.1f} | {kl} |")
    return "\n".join(lines)


def denoising_table(evals: dict[str, dict], datasets: dict[str, str]) -> str:
    """Mean test PSNR (dB) of every method at each salt-and-pepper amount, per dataset."""
    rows = []
    header = None
    for ds, title in datasets.items():
        e = evals.get(model_name(ds, "dae"))
        if not e:
            continue
        curve = e["denoising"]["salt and pepper"]
        shown = [i for i, a in enumerate(curve["amounts"]) if a > 0]     # at 0 the noisy input is the original
        header = header or [curve["amounts"][i] for i in shown]
        for method in denoising.METHODS:
            values = [curve["psnr"][method][i] for i in shown]
            best = [max(curve["psnr"][m][i] for m in denoising.METHODS) for i in shown]
            cells = [f"**{v:.1f}**" if v == b else f"{v:.1f}" for v, b in zip(values, best)]
            rows.append(f"| {title} | {method} | " + " | ".join(cells) + " |")
    if header is None:
        return ""
    return "\n".join([f"| | salt-and-pepper amount → | {' | '.join(f'{a:g}' for a in header)} |",
                      "|---|---|" + "---:|" * len(header), *rows])


def samples_table(evals: dict[str, dict], datasets: dict[str, str]) -> str:
    """VAE (temperature 1) vs GAN (noise scale 1) vs real images: sharpness, Fréchet distance, precision,
    recall."""
    lines = ["| | samples | sharpness (real = 1) | Fréchet distance | precision | recall |", "|---|---|---:|---:|---:|---:|"]
    for ds, title in datasets.items():
        record = None
        for label, name in (("VAE 16-D, temperature 1", model_name(ds, "vae", 16)),
                            ("InfoGAN, noise scale 1", model_name(ds, "infogan"))):
            record = (evals.get(name) or {}).get("samples")
            if not record:
                continue
            s = record["scores"][record["values"].index(1.0)]
            lines.append(f"| {title} | {label} | {s['sharpness']:.2f} | {s['frechet']:.1f} | {s['precision']:.2f} | "
                         f"{s['recall']:.2f} |")
        if record:
            r = record["real"]
            lines.append(f"| {title} | real test images | {r['sharpness']:.2f} | {r['frechet']:.1f} | "
                         f"{r['precision']:.2f} | {r['recall']:.2f} |")
    return "\n".join(lines)


def tables(evals: dict[str, dict], datasets: dict[str, str]) -> dict[str, str]:
    """Block name -> Markdown."""
    return {"beta": beta_table(evals, datasets), "denoising": denoising_table(evals, datasets),
            "samples": samples_table(evals, datasets)}
