"""Speed and faithfulness of the Your own page, printed as a table (no pass/fail): ``python
benchmarks/bench_own.py``.

1. Server side, per drawing (median of --repeats): preparing the image and every model's reading together
   (four reconstructions, codes, posterior, classifier, InfoGAN's Q and G, nearest test images, the map
   position), and the UMAP placement alone.
2. In headless Chromium at 1366 × 768, timed in the page from the pointerup that ends a mouse stroke on the
   drawing pad (down, moves, up): -> the rings on the maps moved, and -> every image of the readings shown (the
   preparation steps, the reconstructions, G's image and the nearest test images replaced and decoded), median
   over --strokes strokes.
3. The MNIST classifier's accuracy on the test digits as shipped and after the page's preparation (re-cropped,
   re-scaled, re-centred): the preparation matches the data when they agree within a point.

Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import explorer  # noqa: E402
from benchmarks import report  # noqa: E402
from explorer import own_image, readings  # noqa: E402
from explorer.latent import encode  # noqa: E402
from explorer.projection import load_shipped  # noqa: E402
from explorer.checkpoints import CheckpointFolder  # noqa: E402

ROWS = ("own-steps", "own-reconstructions", "own-regenerated", "own-nearest")   # explorer/ui/own_views.py
# In the page: from the pointerup that ends a stroke to (a) the rings on the maps at new positions and (b) every
# image row of the readings replaced by the new one and each of its images decoded (checked at each DOM change).
PROBE = """(rows) => {
    const pins = () => JSON.stringify([...document.querySelectorAll('.lse-pin')]
        .filter(p => p.style.display !== 'none').map(p => p.dataset.pin));
    const row = (name) => document.querySelector('.' + name);
    const p = window.__ownProbe = {up: null, rings: null, images: null, before: null, rows: null};
    window.addEventListener('pointerup', () => {
        Object.assign(p, {up: performance.now(), rings: null, images: null, before: pins(),
                          rows: rows.map(row)});
    }, true);
    const check = () => {
        if (p.up === null) return;
        const now = performance.now(), shown = pins();
        if (p.rings === null && shown !== p.before && shown !== '[]') p.rings = now - p.up;
        if (p.images === null) {
            const current = rows.map(row);
            const replaced = current.every((r, i) => r && (r !== p.rows[i] || rows[i] === 'own-nearest'));
            const imgs = current.flatMap(r => r ? [...r.querySelectorAll('img')] : []);
            if (replaced && imgs.length && imgs.every(i => i.complete && i.naturalWidth > 0)) p.images = now - p.up;
        }
    };
    new MutationObserver(check).observe(document.body, {subtree: true, childList: true, attributes: true});
    document.addEventListener('load', check, true);
}"""


def server_side(repeats: int) -> dict:
    torch.set_num_threads(1)                          # as in the app (explorer.ui.shell.cache)
    ds = "mnist"
    models = {n: explorer.load_model(n) for n in ("mnist-ae-2d", "mnist-vae-2d", "mnist-ae-16d", "mnist-vae-16d",
                                                  "mnist-classifier", "mnist-infogan")}
    images, _ = explorer.load_dataset(ds, "test")
    vectors = encode(models["mnist-vae-16d"], images)
    umap, _ = load_shipped(CheckpointFolder.find("mnist-vae-16d"), "umap")
    mapping = np.asarray(explorer.read_metrics("mnist-infogan")["eval"]["c1_mapping"])
    grey = np.zeros((280, 280), np.float32)
    rng = np.random.default_rng(0)
    everything, placement = [], []
    for i in range(repeats):
        grey[:] = 0
        x0, x1 = sorted(rng.integers(40, 240, 2))
        grey[60:220, x0:x0 + 20] = 1.0
        grey[60:80, x0:x1 + 20] = 1.0
        started = time.perf_counter()
        image = own_image.prepare(grey, ds).image
        for name in ("mnist-ae-2d", "mnist-vae-2d", "mnist-ae-16d", "mnist-vae-16d"):
            readings.reconstruction(models[name], image)
            readings.code(models[name], image)
        readings.posterior(models["mnist-vae-2d"], image)
        readings.top_classes(models["mnist-classifier"], image)
        readings.gan_reading(models["mnist-infogan"], image, mapping)
        readings.nearest_images(image, images)
        code = readings.code(models["mnist-vae-16d"], image)
        t = time.perf_counter()
        readings.place_on_map(code, vectors, umap.coords)
        placement.append((time.perf_counter() - t) * 1e3)
        everything.append((time.perf_counter() - started) * 1e3)
    return {"all": statistics.median(everything), "umap": statistics.median(placement)}


def accuracy() -> dict:
    images, labels = explorer.load_dataset("mnist", "test")
    x = images.astype(np.float32) / 255
    prepared = np.stack([own_image.prepare(im, "mnist", invert=False).image for im in x])
    classifier = explorer.load_model("mnist-classifier")
    acc = lambda a: float((classifier.predict_proba(torch.from_numpy(a[:, None])).argmax(1).numpy()  # noqa: E731
                           == labels).mean())
    return {"original": acc(x), "prepared": acc(prepared), "images": len(x)}


def strokes(url: str, n: int) -> tuple[list[float], list[float]]:
    """(pointer up -> rings moved, pointer up -> every image of the readings shown), in ms, timed in the page."""
    import browser_app as b

    images, rings = [], []
    with b.chromium(1366, 768) as page:
        b.open_page(page, url, "own")
        page.evaluate(PROBE, list(ROWS))
        canvas = page.locator("canvas.draw-canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        for i in range(n):
            fx = 0.2 + 0.6 * (i % 5) / 4
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + 0.15 * box["height"])
            page.mouse.down()
            page.mouse.move(box["x"] + (1 - fx) * box["width"], box["y"] + 0.85 * box["height"], steps=12)
            page.mouse.up()
            page.wait_for_function("() => window.__ownProbe.rings !== null && window.__ownProbe.images !== null",
                                   timeout=30_000)
            probe = page.evaluate("() => window.__ownProbe")
            rings.append(probe["rings"])
            images.append(probe["images"])
            b.wait_idle(page)
            if i % 3 == 2:                        # a fresh pad now and then
                page.get_by_role("button", name="Clear the drawing").click()
                page.get_by_text("as soon as you lift the pen").wait_for()
                b.wait_idle(page)
    return rings, images


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--strokes", type=int, default=9)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    import browser_app as b
    from benchmarks.bench_app import hardware

    load = [os.getloadavg()[0]]              # first, so that the load is other work's, not this benchmark's
    with b.streamlit_server(preload=True) as (url, _):
        rings, times = strokes(url, args.strokes)
    load.append(os.getloadavg()[0])
    server = server_side(args.repeats)
    acc = accuracy()
    text = "\n".join([
        "| Your own page | Target | Median |", "|---|---|---:|",
        f"| stroke end → rings moved (browser) | ≤ 300 ms | **{statistics.median(rings):.0f} ms** "
        f"({', '.join(f'{t:.0f}' for t in rings)}) |",
        f"| stroke end → every image shown (browser) | ≤ 300 ms | **{statistics.median(times):.0f} ms** "
        f"({', '.join(f'{t:.0f}' for t in times)}) |",
        f"| preparation + every model's reading (server) | ≤ 50 ms | **{server['all']:.1f} ms** |",
        f"| placement on the UMAP map (nearest codes) | ≤ 20 ms | **{server['umap']:.2f} ms** |",
        "", f"MNIST classifier on the {acc['images']:,} test digits: **{acc['original']:.2%}** as shipped, "
            f"**{acc['prepared']:.2%}** after the page's preparation (target: within 1 point)."])
    print(text)
    doc = (f"## Your own image\n\nMeasured {report.stamp()} by `python benchmarks/bench_own.py` (its docstring says "
           f"what each figure is).\n\n{text}\n\n**Hardware:** {hardware()}; 1-minute load average {load[0]:.2f} before "
           f"the browser run (other work), {load[1]:.2f} after it.\n")
    report.write_section(args.out, "own", doc)
    print(json.dumps({"server": server, "accuracy": acc, "images": times, "rings": rings, "load": load}))


if __name__ == "__main__":
    main()
