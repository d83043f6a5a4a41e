"""Speed of the AE-versus-VAE lesson's decode-quality maps, printed as a table (no pass/fail):
``python benchmarks/bench_teaching.py [--runs 15] [--write]``.

1. A 50 x 50 decode-quality heatmap: decode the 2,500 grid points and score them (classifier confidence + pixel
   distance to the nearest of 2,000 real test images), median and best of --runs runs after a warm-up, per
   dataset and model; with its parts, and the same scoring done the straightforward way (``predict_proba`` on the
   whole batch + :func:`explorer.metrics.nearest_distances`) for comparison.

``--write`` puts the table into docs/teaching.md's ``teaching-speed`` block (the gap numbers themselves are
:mod:`explorer.quality`'s, written by ``python -m explorer.evaluate``). Uses the shipped checkpoints
(``$EXPLORER_CHECKPOINTS`` to point elsewhere).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import explorer  # noqa: E402
from bench_app import hardware  # noqa: E402
from benchmarks import report  # noqa: E402
from explorer import generated, quality  # noqa: E402
from explorer.latent import decode, encode  # noqa: E402
from explorer.metrics import nearest_distances  # noqa: E402
from explorer.quality import QualityScorer  # noqa: E402

DOC = REPO / "docs" / "teaching.md"
TARGET_MS = 200


def times_ms(fn, runs: int) -> list[float]:
    fn()                                                     # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def median_ms(fn, runs: int) -> float:
    return statistics.median(times_ms(fn, runs))


def heatmap_timing(ds: str, kind: str, runs: int) -> dict:
    images, _ = explorer.load_dataset(ds, "test")
    classifier = explorer.load_model(f"{ds}-classifier")
    model = explorer.load_model(f"{ds}-{kind}-2d")
    scorer = QualityScorer(classifier, images)
    encodings = encode(model, images)
    z = quality.plane_points(*quality.plane_axes(encodings))
    decoded = decode(model, z)

    def plain_score():
        probs = classifier.predict_proba(torch.from_numpy(decoded[:, None])).numpy()
        return probs.max(1), nearest_distances(decoded, scorer.reference) / scorer.typical_distance

    total = times_ms(lambda: scorer.score(decode(model, z)), runs)
    return {
        "dataset": explorer.DATASETS[ds].title, "model": f"{ds}-{kind}-2d", "points": len(z),
        "decode + score": statistics.median(total), "best": min(total),
        "decode": median_ms(lambda: decode(model, z), runs),
        "confidence": median_ms(lambda: scorer._proba(decoded), runs),
        "nearest image": median_ms(lambda: scorer._nearest.distances(decoded), runs),
        "plain scoring": median_ms(plain_score, max(3, runs // 3)),
        "whole map": median_ms(lambda: quality.quality_map(model, scorer, encodings), max(3, runs // 3)),
    }


def timing_table(rows: list[dict]) -> str:
    cols = ["decode + score", "best", "decode", "confidence", "nearest image", "plain scoring", "whole map"]
    out = ["| dataset | model | grid points | " + " | ".join(f"{c} (ms)" for c in cols) + " |",
           "|---|---|---:|" + "---:|" * len(cols)]
    for r in rows:
        out.append(f"| {r['dataset']} | `{r['model']}` | {r['points']:,} | "
                   + " | ".join(f"**{r[c]:.0f}**" if c == "decode + score" else f"{r[c]:.0f}" for c in cols) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per measurement (median reported)")
    parser.add_argument("--datasets", nargs="+", default=list(explorer.DATASETS))
    parser.add_argument("--write", action="store_true", help="update docs/teaching.md")
    parser.add_argument("--threads", type=int, help="torch threads (the app uses $EXPLORER_TORCH_THREADS, 1)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    timings = [heatmap_timing(ds, kind, args.runs) for ds in args.datasets for kind in ("ae", "vae")]
    when = report.stamp()
    worst = max(r["decode + score"] for r in timings)
    best = min(r["best"] for r in timings)
    text = "\n\n".join([
        f"Measured {when} on {hardware()}; torch threads: {torch.get_num_threads()}.",
        f"**A 50 × 50 decode-quality heatmap (decode + score): median {worst:.0f} ms for the slowest model, "
        f"fastest single run {best:.0f} ms** (target ≤ {TARGET_MS} ms; {args.runs} runs per model; the load "
        "average says how much else was running: with other work on both cores the medians grow, the best "
        "runs much less).",
        timing_table(timings),
    ])
    print(text)
    if args.write:
        generated.write_block(DOC, "teaching-speed", text)
        print(f"\nwrote {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
