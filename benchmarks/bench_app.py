"""Speed of the app, measured and printed as a table (no pass/fail): ``python benchmarks/bench_app.py``.

1. Slider -> new image on screen: median in headless Chromium of a key press on a Streamlit slider (InfoGAN c2,
   grid z1; the live widgets turned off, as their fallback) to the ``load`` event of the new image, over --presses
   presses each. The live widgets are measured by benchmarks/bench_live.py.
2. Click-anywhere decode on a UMAP map, server side: map position -> vector (Delaunay barycentric / kNN) ->
   decoded image, median over 200 positions; and its ratio against umap-learn's ``inverse_transform``.
3. First page interactive after the server is up: a fresh browser opens Home and the Latent map.
4. A UMAP with custom parameters on all Fashion-MNIST test points (10,000): the first fit in a fresh process (as
   in a freshly started server, numba's on-disk cache filled by the setup script), a second fit in that process,
   and the first fit with an empty numba cache (numba compiling everything).

Writes docs/benchmarks.md. Uses the shipped checkpoints (``$EXPLORER_CHECKPOINTS`` to point elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import explorer  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks.report import write_section  # noqa: E402
from explorer import projection  # noqa: E402
from explorer.latent import decode  # noqa: E402

TARGETS = {"slider": "≤ 100 ms median", "click": "≤ 5 ms", "first": "≤ 3 s", "umap": "≤ 15 s"}


def hardware() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU (models on the CPU)"
    load = os.getloadavg()[0]
    return (f"{cpu}, {os.cpu_count()} cores, {mem} GB RAM, {gpu}; Python {platform.python_version()}, "
            f"torch {torch.__version__}; load average {load:.1f} when measured")


# --- 2 and 4: server-side numbers ---------------------------------------------------------------------------------

def click_decode(name: str, n: int = 200) -> dict:
    """Map position -> decoded image on the model's UMAP map (precomputed when shipped)."""
    model = explorer.load_model(name)
    shipped = projection.load_shipped(explorer.checkpoints.CheckpointFolder.find(name), "umap")
    if shipped is not None:
        proj, vectors = shipped
    else:
        images, _ = explorer.load_dataset(model.dataset, "test")
        source, vectors = projection.map_vectors(model, images)
        proj = projection.umap(source)
    inverse = projection.InverseMap(proj, vectors)
    lo, hi = proj.coords.min(0), proj.coords.max(0)
    points = np.random.default_rng(0).uniform(lo, hi, (n, 2))
    inverse(points[0]), decode(model, inverse(points[0]).vector[None])          # warm
    inv_times, total_times = [], []
    for p in points:
        t0 = time.perf_counter()
        vector = inverse(p).vector
        t1 = time.perf_counter()
        decode(model, vector[None])
        t2 = time.perf_counter()
        inv_times.append(t1 - t0)
        total_times.append(t2 - t0)
    return {"points": len(proj.coords), "inverse_ms": 1e3 * statistics.median(inv_times),
            "total_ms": 1e3 * statistics.median(total_times)}


def umap_inverse_transform(name: str, repeats: int = 3) -> float:
    """Seconds per call of umap-learn's inverse_transform (one position) on the same data."""
    import umap

    model = explorer.load_model(name)
    images, _ = explorer.load_dataset(model.dataset, "test")
    source, _ = projection.map_vectors(model, images)
    reducer = umap.UMAP(**projection.UMAP_DEFAULTS, random_state=0, n_jobs=1).fit(source)
    point = np.median(reducer.embedding_, axis=0, keepdims=True)
    reducer.inverse_transform(point)                                              # compile
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        reducer.inverse_transform(point)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


_UMAP_FITS = """
import json, sys, time
import explorer
from explorer import projection
model = explorer.load_model(sys.argv[1])
images, _ = explorer.load_dataset(model.dataset, "test")
source, _ = projection.map_vectors(model, images)
t0 = time.perf_counter()
projection.umap(source, n_neighbors=30, min_dist=0.25)      # the first fit in this process: imports umap-learn
t1 = time.perf_counter()
projection.umap(source, n_neighbors=10, min_dist=0.05)
print(json.dumps({"points": len(source), "first_s": t1 - t0, "second_s": time.perf_counter() - t1}))
"""


def custom_umap(name: str) -> dict:
    """Two custom fits in a fresh process, as in a freshly started server: with numba's on-disk cache as the setup
    script leaves it, and with an empty cache (what the very first fit on a machine costs without that step)."""
    import tempfile

    def run(env: dict) -> dict:
        out = subprocess.run([sys.executable, "-c", _UMAP_FITS, name], cwd=REPO, capture_output=True, text=True,
                             check=True, env={**os.environ, **env})
        return json.loads(out.stdout.strip().splitlines()[-1])

    cached = run({})
    with tempfile.TemporaryDirectory() as empty:
        cold = run({"NUMBA_CACHE_DIR": empty})
    return {"points": cached["points"], "fresh_s": cached["first_s"], "warm_s": cached["second_s"],
            "cold_cache_s": cold["first_s"]}


def warm_up_seconds() -> float:
    """The background warm-up, in a fresh process (as on a fresh server)."""
    code = "from explorer import projection; print(projection.warm_up())"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


# --- 1 and 3: in the browser --------------------------------------------------------------------------------------

def first_page_preloaded() -> dict:
    """The first pages again, the server started by ``python -m explorer.ui.shell.serve`` (imports done before it
    answers)."""
    import browser_app as b

    out = {}
    with b.streamlit_server(preload=True) as (url, up):
        out["server_up_s"] = up
        with b.chromium() as page:
            out["home_s"] = b.time_first_page(page, url, "home", "text=Pick the dataset in the sidebar")
        with b.chromium() as page:
            out["map_s"] = b.time_first_page(page, url, "map", b.PLOT + " .gl-container canvas")
    return out


def browser_figures(presses: int) -> dict:
    import browser_app as b

    out = {}
    with b.streamlit_server(env={"EXPLORER_LIVE": "0"}) as (url, up):   # Streamlit's sliders: the fallback
        out["server_up_s"] = up
        with b.chromium() as page:
            out["home_s"] = b.time_first_page(page, url, "home", "text=Pick the dataset in the sidebar")
        with b.chromium() as page:                    # a fresh profile again: nothing cached in the browser
            out["map_s"] = b.time_first_page(page, url, "map", b.PLOT + " .gl-container canvas")
            for which, index in (("gan", 0), ("grid", 4)):
                if which == "gan" and "mnist-infogan" not in explorer.list_models():
                    continue
                b.open_page(page, url, which)
                sliders = page.get_by_role("slider")
                slider = sliders.nth(index if which == "gan" else sliders.count() - 2)
                times = []
                for i in range(presses):
                    b.install_latency_probe(page)
                    times.append(b.latency_after_key(page, slider, "ArrowRight" if i % 2 == 0 else "ArrowLeft"))
                    page.wait_for_timeout(250)
                out[f"slider_{which}_ms"] = statistics.median(times)
                out[f"slider_{which}_all"] = sorted(times)
    return out


def table(r: dict) -> str:
    rows = [
        ("Streamlit slider (live widgets off) → new image on screen (median, headless Chromium)", TARGETS["slider"],
         (f"InfoGAN c2: **{r['slider_gan_ms']:.0f} ms**; " if "slider_gan_ms" in r else "InfoGAN: no checkpoint; ")
         + f"grid z1: **{r['slider_grid_ms']:.0f} ms** ({r['presses']} presses each)"),
        ("Click-anywhere decode on a UMAP map (server side, median of 200)", TARGETS["click"],
         f"**{r['click']['total_ms']:.2f} ms** (position → vector {r['click']['inverse_ms']:.3f} ms + decode) on "
         f"{r['click']['points']:,} points; umap-learn `inverse_transform` {r['inverse_transform_s']:.2f} s per "
         f"call: **{r['inverse_transform_s'] * 1e3 / r['click']['inverse_ms']:,.0f}× slower** than the position → "
         f"vector step"),
        ("First page interactive after the server is up (fresh browser)", TARGETS["first"],
         f"`python -m explorer.ui.shell.serve`: Home **{r['preloaded']['home_s']:.1f} s**, Latent map "
         f"**{r['preloaded']['map_s']:.1f} s** (server up in {r['preloaded']['server_up_s']:.1f} s); plain "
         f"`streamlit run streamlit_app.py`: Home {r['home_s']:.1f} s, Latent map {r['map_s']:.1f} s (server up "
         f"in {r['server_up_s']:.1f} s: the first visitor waits for torch's import)"),
        ("UMAP with custom parameters on all test points", TARGETS["umap"],
         f"**{r['umap']['fresh_s']:.1f} s** on {r['umap']['points']:,} points as the first fit in a freshly "
         f"started process; {r['umap']['warm_s']:.1f} s for the next; {r['umap']['cold_cache_s']:.0f} s with an "
         f"empty numba cache (a machine where the setup script's warm-up has not run; background warm-up in a "
         f"fresh process: {r['warm_up_s']:.1f} s)"),
    ]
    lines = ["| Figure | Target | Measured |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--map-model", help="model whose UMAP map is clicked (default: fashion-vae-16d, "
                                            "else mnist-vae-16d)")
    parser.add_argument("--umap-model", help="model for the custom UMAP fit (default as --map-model)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--note", default="", help="a sentence on the conditions, written under the table")
    args = parser.parse_args(argv)
    shipped = explorer.list_models()
    fallback = next((n for n in ("fashion-vae-16d", "mnist-vae-16d") if n in shipped), None)
    args.map_model = args.map_model or fallback
    args.umap_model = args.umap_model or args.map_model
    if args.map_model is None or "mnist-vae-2d" not in shipped:
        raise SystemExit(f"needs mnist-vae-2d and a 16-D VAE checkpoint; shipped: {shipped}")

    r = {"presses": args.presses, "hardware": hardware()}
    print("browser: first page, sliders …", flush=True)
    r.update(browser_figures(args.presses))
    r["preloaded"] = first_page_preloaded()
    print("custom UMAP in fresh processes …", flush=True)
    r["umap"] = custom_umap(args.umap_model)
    print("click-anywhere decode …", flush=True)
    r["click"] = click_decode(args.map_model)
    print("umap-learn inverse_transform …", flush=True)
    r["inverse_transform_s"] = umap_inverse_transform(args.map_model)
    print("background warm-up in a fresh process …", flush=True)
    r["warm_up_s"] = warm_up_seconds()

    text = table(r)
    stamp = report.stamp()
    print()
    print(text)
    print(f"\nHardware: {r['hardware']}")
    doc = (f"Measured {stamp} by `python benchmarks/bench_app.py` (see its docstring for what "
           f"each figure is).\n\n{text}\n\n**Hardware:** {r['hardware']}.{' ' + args.note if args.note else ''}\n\n"
           f"Slider latencies, all presses (ms): InfoGAN {', '.join(f'{t:.0f}' for t in r.get('slider_gan_all', []))}; "
           f"grid {', '.join(f'{t:.0f}' for t in r['slider_grid_all'])}.\n")
    write_section(args.out, "app", doc)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
