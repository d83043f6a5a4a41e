"""How fast the server-answered sliders of Sampling and paths and VAE posterior answer, in a real browser, printed as
a table (no pass/fail): ``python benchmarks/bench_controls.py [--presses 12] [--write]``.

One server (``python -m explorer.ui.shell.serve``), measured once its start-up warm-up has finished; per slider, a
new Chromium profile opens the page and presses ← / → on the focused slider ``--presses`` times (a step each, the
value going back and forth), waiting for the page to settle between presses. For each press, from the key press:

- **answered**: the script's rerun has finished and the new image is in the page (its ``<img>`` has its new source);
- **image loaded**: the browser has fired that image's ``load`` event, which waits for the main thread (the charts
  redrawn with the new points).

``--write`` puts the table into docs/benchmarks.md (section ``controls``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import browser_app as b  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks.bench_app import hardware  # noqa: E402
from benchmarks.bench_first_visit import WARM_DONE, newest_log, wait_for_log  # noqa: E402

SLIDERS = (("Sampling and paths", "Sampling_and_paths", "Samples shown", None),
           ("Sampling and paths", "Sampling_and_paths", "Steps along the path", "Interpolation"),
           ("VAE posterior", "VAE_posterior", "Images per class", None))

PROBE = """() => {
  window.__press = {input: 0, inDom: null, runEnd: null, loaded: null, running: false};
  const p = window.__press, app = document.querySelector('[data-testid=stApp]');
  document.addEventListener('keydown', () => Object.assign(p, {input: performance.now(), inDom: null, runEnd: null,
                                                                loaded: null, running: false}), true);
  const watch = img => { if (!img.closest('[data-testid=stImage]')) return;
    if (p.input && p.inDom === null) p.inDom = performance.now();
    img.addEventListener('load', () => { if (p.input && p.loaded === null) p.loaded = performance.now(); }, {once: true}); };
  new MutationObserver(ms => ms.forEach(m => {
    m.addedNodes.forEach(n => { if (n.tagName === 'IMG') watch(n); else if (n.querySelectorAll) n.querySelectorAll('img').forEach(watch); });
    if (m.type === 'attributes' && m.target.tagName === 'IMG') watch(m.target);
  })).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  new MutationObserver(() => { const s = app.getAttribute('data-test-script-state');
    if (s === 'running') p.running = true; else if (p.running && p.runEnd === null) p.runEnd = performance.now(); })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def press_times(url: str, path: str, label: str, tab: str | None, presses: int) -> tuple[list[float], list[float]]:
    answered, loaded = [], []
    with b.chromium(1366, 768) as page:
        page.goto(f"{url}/{path}")
        b.wait_idle(page, 180_000)
        if tab:
            page.get_by_role("tab", name=tab).click()
            b.wait_idle(page)
        page.evaluate(PROBE)
        slider = page.get_by_role("slider", name=label)
        slider.scroll_into_view_if_needed()
        for i in range(presses):
            slider.focus()
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            page.wait_for_function("() => window.__press.runEnd !== null", timeout=20_000)
            try:      # a value shown before may come back as the same image: no new source, no load event
                page.wait_for_function("() => window.__press.loaded !== null", timeout=3_000)
            except Exception:
                pass
            p = page.evaluate("() => window.__press")
            answered.append(max(p["runEnd"], p["inDom"] or 0) - p["input"])
            if p["loaded"] is not None:
                loaded.append(p["loaded"] - p["input"])
            b.wait_idle(page)
    return answered, loaded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=12)
    parser.add_argument("--note", default="", help="what else ran on the machine (said beside the table)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    lines = ["| page | slider | answered (median) | image loaded (median) | answered, every press (ms) |",
             "|---|---|---:|---:|---|"]
    with b.streamlit_server(preload=True, timeout=120) as (url, _):
        warm = wait_for_log(newest_log(), WARM_DONE)
        print(f"warm-up done {warm:.0f} s after the server answered", flush=True)
        for title, path, label, tab in SLIDERS:
            answered, loaded = press_times(url, path, label, tab, args.presses)
            row = (f"| {title} | {label} | **{statistics.median(answered):.0f} ms** | "
                   f"{statistics.median(loaded):.0f} ms ({len(loaded)} loads) | {', '.join(f'{a:.0f}' for a in sorted(answered))} |")
            print(row, f"(load {os.getloadavg()[0]:.1f})", flush=True)
            lines.append(row)
    text = "\n".join(lines)
    print(text)
    if args.write:
        report.write_section(REPO / "docs" / "benchmarks.md", "controls", (
            "## Server-answered sliders of Sampling and paths and VAE posterior\n\n"
            f"Measured {report.stamp()} by `python benchmarks/bench_controls.py` (see its docstring) at 1366 × 768, "
            f"{args.presses} key presses per slider on a server whose start-up warm-up had finished. *Answered*: "
            "from the key press until the rerun has finished and the new image is in the page; *image loaded*: "
            "until the browser fires the image's load event, after it has redrawn the page's charts.\n\n"
            f"{text}\n\n**Hardware:** {hardware()}. {args.note}\n"))


if __name__ == "__main__":
    main()
