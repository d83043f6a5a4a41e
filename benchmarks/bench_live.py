"""Speed of the live widgets and of the clicks that still go to the server, measured in headless Chromium and
printed as a table (no pass/fail): ``python benchmarks/bench_live.py``.

1. Drags and hovers: the mouse pressed (or not, for a hover) and moved every ~16 ms for 2 s across the InfoGAN c2
   slider, the 2-D latent grid pad, the Gaps planes and the 2-D Latent map. Per widget: pointer moves, moves that
   changed the value, new images among those, script runs during the drag, and the latency from each pointer
   move's event time to the animation frame that draws its image (median, p95), over --drags drags.
2. Release -> Python: the time from mouse up to the page holding what Python sent back for the released value.
   Clicks shown in the browser (InfoGAN's c1 categories, "New noise"): from the click's event time to the
   animation frame that shows its image, and whether that frame was the browser's switch frame.
3. Clicks that go to the server: pointer down -> the decoded image loaded in the page (2-D map point, 2-D map
   empty space, UMAP empty space on a 16-D VAE map, Gaps), median over --clicks; and Next through the Lesson's
   steps (each sets its view up): press -> the last change in the page's main area, per step in order.
4. What a page view of the live parts costs: bytes of each payload and the server time to prepare it (uncached).

Writes its section of docs/benchmarks.md, and the figures the README quotes from it.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
from explorer import generated, live  # noqa: E402

DOC = REPO / "docs" / "benchmarks.md"
TARGET_MOVE = "median ≤ 16.7 ms, p95 ≤ 33 ms; ≥ 90 % new images; 0 runs"
TARGET_CLICK = "≤ 150 ms median"
TARGET_SWITCH = "shown in the frame after the click"
TARGET_LESSON = "≤ 500 ms median"


def _pool(records: list[dict]) -> dict:
    import browser_app as b

    moves = [m for r in records for m in r["moves"]]
    figures = b.drag_figures({"moves": moves, "runs": sum(r["runs"] for r in records)})
    figures["drags"] = len(records)
    return figures


def drags(page, url: str, n: int) -> dict:
    import browser_app as b

    out = {}

    def run(which: str, locate, press: bool, echo: str | None = None):
        b.open_page(page, url, which)
        b.install_paint_probe(page)
        records, echoes = [], []
        for i in range(n):
            track = which in ("gan", "beta", "denoise")
            y0, y1 = (0.5, 0.5) if track else (0.3 + 0.1 * i, 0.6 - 0.05 * i)
            x0, x1 = ((0.5, 0.9) if which == "gan" else (0.0, 1.0) if track else (0.2, 0.8))[::1 if i % 2 == 0 else -1]
            record = b.sweep(page, locate(), (x0, y0), (x1, y1), 2.0, press=press)
            if echo:
                started = time.perf_counter()
                page.wait_for_function(echo, timeout=20_000)
                echoes.append((time.perf_counter() - started) * 1e3)
            records.append(record)
            b.wait_idle(page)
        figures = _pool(records)
        if echoes:
            figures["echo_ms"] = statistics.median(echoes)
        return figures

    shadow = ("[...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')].map(e => e.shadowRoot && "
              "e.shadowRoot.querySelector('{sel}')).find(Boolean)")
    codes = shadow.format(sel=".lse-codes")
    pad = shadow.format(sel=".lse-pad")
    out["InfoGAN c2 slider (drag)"] = run(
        "gan", lambda: page.locator(".lse-track").first, True,
        f"() => {{ const r = {codes}; const c = r.parentNode.querySelector('canvas').dataset.codes; "
        f"return r.dataset.server === c; }}")
    out["Latent grid pad (drag)"] = run(
        "grid", lambda: page.locator(".lse-area").first, True,
        f"() => {{ const r = {pad}; return r.dataset.server === r.querySelector('canvas').dataset.z; }}")
    book = shadow.format(sel=".lse-flipbook")
    for which, title in (("beta", "From AE to VAE, β slider (drag)"), ("denoise", "Denoise, noise slider (drag)")):
        out[title] = run(which, lambda: page.locator(".lse-flipbook .lse-track").first, True,
                         f"() => {{ const r = {book}; return r.dataset.server === r.dataset.index; }}")
    out["Gaps planes (hover)"] = run("gaps", lambda: page.locator(".st-key-gaps_map_ae .nsewdrag").first, False)
    out["Latent map, 2-D VAE (hover)"] = run("map", lambda: page.locator(".st-key-map_chart .nsewdrag").first,
                                             False)
    return out


SWITCH_PROBE = """(canvases) => { window.__clicks = [];
    window.addEventListener('click', (e) => { const t = e.timeStamp;
        requestAnimationFrame(() => window.__clicks.push({ms: performance.now() - t,
                                                        frame: eval(canvases)()[0].dataset.frame})); }, true); }"""


def switch_clicks(page, url: str, n: int) -> dict:
    """InfoGAN's category control and "New noise": mouse clicks, and the time from each click to the animation
    frame that shows its image (from the server's switch frames, before the server answers)."""
    import browser_app as b

    b.open_page(page, url, "gan")
    page.evaluate(SWITCH_PROBE, b.LIVE_CANVASES)
    categories = page.locator(".st-key-gan_c1 button")
    targets = {"InfoGAN c1 category (click)": lambda i: categories.nth(0 if i % 2 else i % 9 + 1),  # another one
               "InfoGAN New noise (click)": lambda i: page.locator(".st-key-gan_new_noise button")}
    out = {}
    for title, locate in targets.items():
        page.evaluate("() => { window.__clicks = []; }")
        for i in range(n):
            box = locate(i).bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_function("(k) => window.__clicks.length > k", arg=i)
            b.wait_idle(page)
            page.wait_for_timeout(400)
        record = page.evaluate("() => window.__clicks")
        ms = sorted(r["ms"] for r in record)
        out[title] = {"clicks": len(record), "switched": sum(r["frame"].startswith("switch:") for r in record),
                      "median_ms": statistics.median(ms), "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]}
    return out


def clicks(page, url: str, n: int) -> dict:
    import browser_app as b

    out = {}

    def timed_clicks(targets, timeout_ms: float = 30_000) -> list[float]:
        times = []
        for i in range(n):
            b.install_latency_probe(page)
            targets(i)
            page.wait_for_function("() => window.__probe.loads.length > 0", timeout=timeout_ms)
            times.append(page.evaluate("() => window.__probe.loads[0].t - window.__probe.input"))
            b.wait_idle(page)
            page.wait_for_timeout(450)
        return times

    def click_times(which: str, query: str, targets) -> list[float]:
        b.open_page(page, url, which, query)
        return timed_clicks(targets)

    def map_point(i: int) -> None:
        page.locator(b.PLOT).first.scroll_into_view_if_needed()
        traces = b.trace_points(page)
        curve = 1 + i % 10
        b.hover_then_click(page, traces[curve]["x"][b.isolated_point(traces, curve)],
                           traces[curve]["y"][b.isolated_point(traces, curve)], expect_curve=curve)

    def map_empty(i: int) -> None:
        page.locator(b.PLOT).first.scroll_into_view_if_needed()
        grid = b.trace_points(page)[0]
        k = (len(grid["x"]) * (i + 1)) // (n + 2)
        b.hover_then_click(page, grid["x"][k], grid["y"][k], expect_curve=0)

    out["2-D map: a point"] = click_times("map", "", map_point)
    out["2-D map: empty space"] = click_times("map", "", map_empty)
    b.open_page(page, url, "map")
    b.select_option(page, "Model", "VAE · 16-D latent")
    b.select_option(page, "Projection", "UMAP")
    times = timed_clicks(map_empty, timeout_ms=240_000)
    out["UMAP map (16-D VAE): empty space"] = times[1:] if len(times) > 1 else times   # the first: numba compile

    def gaps_click(i: int) -> None:
        box = page.locator(".st-key-gaps_map_vae .nsewdrag").first.bounding_box()
        page.mouse.move(box["x"] + (0.3 + 0.04 * i) * box["width"], box["y"] + 0.4 * box["height"])
        page.wait_for_timeout(100)
        page.mouse.click(box["x"] + (0.3 + 0.04 * i) * box["width"], box["y"] + 0.4 * box["height"])

    out["Gaps: a click on a plane"] = click_times("gaps", "", gaps_click)

    out["Lesson: Next ▶ → the step's view settled"] = lesson_steps(page, url)
    return {k: {"median_ms": statistics.median(v), "all": v if k.startswith("Lesson") else sorted(v)}
            for k, v in out.items()}


def lesson_steps(page, url: str) -> list[float]:
    """Next ▶ through every Lesson step (each sets its view up): press → the last change in the page."""
    import browser_app as b

    from explorer.ui.teaching.lesson import steps

    b.open_page(page, url, "lesson")
    b.install_settle_probe(page)
    b.settled_ms(page)
    times = []
    for _ in steps.STEPS[1:]:
        page.locator(".st-key-lesson_next button").click()
        times.append(b.settled_ms(page))
    return times


def payloads() -> dict:
    """Bytes and uncached server time of the live parts of one page view."""
    from explorer.ui.kit.images import png_data_uri, to_uint8

    out = {}
    for name in ("mnist-vae-2d", "mnist-vae-16d"):
        model = explorer.load_model(name)
        started = time.perf_counter()
        data = live.decoder_payload(model, name)
        out[f"{name} decoder"] = (len(data), (time.perf_counter() - started) * 1e3)
    from explorer import quality
    from explorer.ui.teaching import data as lesson_data
    from explorer.ui.shell.bundle import bundle

    qmap = lesson_data.quality_map(bundle("mnist-ae-2d"))
    started = time.perf_counter()
    data = live.verdict_payload(qmap, "mnist-ae-2d")
    label = f"mnist-ae-2d hover verdicts (its {quality.GRID} × {quality.GRID} quality map)"
    out[label] = (len(data), (time.perf_counter() - started) * 1e3)
    gan = explorer.load_model("mnist-infogan")
    import torch

    torch.set_num_threads(1)                          # as in the app (explorer.ui.shell.cache)
    started = time.perf_counter()
    uris = [png_data_uri(np.concatenate(list(to_uint8(live.code_frames(gan, 0, code, 0.0, 7))), axis=1))
            for code in ("c2", "c3")]
    uris.append(png_data_uri(np.concatenate(list(to_uint8(live.switch_frames(gan, range(10), 0, 0.0, 0.0, 7))),
                                            axis=1)))
    out["InfoGAN frames: c2 + c3 (2 × 81), categories + next seed (11)"] = (
        sum(len(u) for u in uris), (time.perf_counter() - started) * 1e3)
    out.update(book_payloads())
    return out


def book_payloads() -> dict:
    """The flipbooks' bytes and their uncached server time (run in a bare Streamlit cache: first call)."""
    import json

    from explorer.ui.teaching.family import data as family_data

    out = {}
    started = time.perf_counter()
    book = family_data.denoise_book("mnist", explorer.load_dataset("mnist", "test")[0][0].tobytes(),
                                    "salt and pepper", 0)
    size = len(json.dumps(book.payload))
    out["Denoise flipbook (31 stops × 5 images)"] = (size, (time.perf_counter() - started) * 1e3)
    started = time.perf_counter()
    book = family_data.beta_book("mnist", tuple(family_data.beta_names("mnist")))
    size = len(json.dumps(book.payload))
    out["β flipbook (7 stops, first view per dataset)"] = (size, (time.perf_counter() - started) * 1e3)
    return out


def page_bytes(url: str) -> dict:
    """Websocket bytes the browser receives for one fresh view of each live page."""
    import browser_app as b

    out = {}
    for which in ("gan", "grid", "gaps"):
        with b.chromium(1366, 768) as page:
            received = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(len(p))))
            b.open_page(page, url, which)
            out[which] = sum(received)
    return out


def table(r: dict) -> str:
    lines = ["| Live widget | Target | Moves | Value changes | New images | Runs during | Move → frame, median / p95 "
             "| Release → Python |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, f in r["drags"].items():
        echo = f"{f['echo_ms']:.0f} ms" if "echo_ms" in f else "–"
        lines.append(f"| {name} | {TARGET_MOVE} | {f['moves']} | {f['value_changes']} | {f['new_images']} "
                     f"({f['new_images'] / max(f['value_changes'], 1):.0%}) | {f['runs_during']} | "
                     f"**{f['median_ms']:.1f} / {f['p95_ms']:.1f} ms** | {echo} |")
    lines += ["", "| Click shown in the browser | Target | Clicks | Shown in the frame after the click | "
                  "Click → frame, median / p95 |", "|---|---|---:|---:|---:|"]
    for name, f in r["switches"].items():
        lines.append(f"| {name} | {TARGET_SWITCH} | {f['clicks']} | {f['switched']} | "
                     f"**{f['median_ms']:.1f} / {f['p95_ms']:.1f} ms** |")
    lines += ["", "| Click that goes to the server | Target | Median | All (ms) |", "|---|---|---:|---|"]
    for name, f in r["clicks"].items():
        target = TARGET_LESSON if name.startswith("Lesson") else TARGET_CLICK
        lines.append(f"| {name} | {target} | **{f['median_ms']:.0f} ms** | "
                     f"{', '.join(f'{t:.0f}' for t in f['all'])} |")
    lines += ["", "| Live payload | Bytes | Server time to prepare (uncached) |", "|---|---:|---:|"]
    for name, (size, ms) in r["payloads"].items():
        lines.append(f"| {name} | {size / 1024:,.0f} KiB | {ms:.0f} ms |")
    pb = r["page_bytes"]
    lines += ["", f"Websocket bytes of one fresh page view (everything the server sends, live parts included): "
                  f"InfoGAN codes **{pb['gan'] / 1024:,.0f} KiB** (target < 1 MB), Latent grid "
                  f"{pb['grid'] / 1024:,.0f} KiB, Gaps {pb['gaps'] / 1024:,.0f} KiB."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drags", type=int, default=3)
    parser.add_argument("--clicks", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    import browser_app as b
    from benchmarks.bench_app import hardware

    r = {"payloads": payloads()}
    with b.streamlit_server(preload=True) as (url, _):
        with b.chromium(1366, 768) as page:
            b.open_page(page, url, "home")
            print("drags and hovers …", flush=True)
            r["drags"] = drags(page, url, args.drags)
            print("category and noise clicks …", flush=True)
            r["switches"] = switch_clicks(page, url, args.clicks)
        with b.chromium(1500, 1000) as page:             # each map whole on screen
            b.open_page(page, url, "home")
            print("clicks …", flush=True)
            r["clicks"] = clicks(page, url, args.clicks)
        r["page_bytes"] = page_bytes(url)
    text = table(r)
    stamp = report.stamp()
    print(text)
    doc = (f"## Live widgets and server clicks\n\nMeasured {stamp} by `python benchmarks/bench_live.py` (its "
           f"docstring says what each figure is), drags at 1366 × 768, clicks at 1500 × 1000 (each map whole on "
           f"screen). Latency is from a pointer move's event time to the animation frame that draws its image."
           f"\n\n{text}\n\n**Hardware:** {hardware()}."
           f"{' ' + args.note if args.note else ''}\n")
    write_section(args.out, "live", doc)
    if args.out == DOC:                               # the README quotes this section's figures
        generated.write_block(REPO / "README.md", *report.readme_block("live", doc))
    print(f"wrote {args.out}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
