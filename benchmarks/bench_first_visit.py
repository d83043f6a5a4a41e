"""The first visit of every page on a fresh server, in a real browser, printed as a table (no pass/fail):
``python benchmarks/bench_first_visit.py [--pages gaps replay …] [--datasets mnist fashion] [--write]``.

For each dataset and page: a new server process (``python -m explorer.ui.shell.serve``, as deployed), a new headless
Chromium profile; Home opens (and the dataset is chosen in the sidebar), then the page's menu link is clicked, as a
teacher would. The figure is the time from that click until the page has settled: the script has stopped, no
spinner, progress bar or skeleton is shown, and every Plotly chart has drawn, with nothing busy again for
``--quiet`` seconds afterwards (the quiet wait is not counted).

Two moments are measured on each fresh server: **at once**, the click as soon as Home has settled (the server has
just answered its health check: whatever it warms in the background may still be running), and **after warm-up**,
on another fresh server, the click once the server's start-up warm-up (:mod:`explorer.ui.shell.warm`) has logged
that it finished. ``--write`` puts the table into docs/benchmarks.md (section ``first-visit``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import browser_app as b  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks.bench_app import hardware  # noqa: E402
from explorer.ui.shell.pages import PAGES  # noqa: E402

TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}
WARM_DONE = "explorer warm-up: done"          # the line explorer.ui.shell.warm logs when it has finished

# Busy: the script runs, or something on the page still says it is working or has not drawn.
BUSY_PROBE = """() => {
  window.__busy = {last: performance.now(), since: null};
  const busy = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return true;
    if (document.querySelector('[data-testid=stSpinner], [data-testid=stProgress], [data-testid=stSkeleton]'))
      return true;
    for (const chart of document.querySelectorAll('[data-testid=stPlotlyChart]'))
      if (!chart.querySelector('.main-svg')) return true;
    return false;
  };
  const tick = () => { if (busy()) window.__busy.last = performance.now(); };
  window.__busyTimer = setInterval(tick, 20);
}"""


def settle(page, started: float, quiet: float, timeout: float = 180.0) -> float:
    """Seconds from ``started`` (performance.now(), ms) to the last busy moment, once nothing has been busy for
    ``quiet`` seconds."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        now, last = page.evaluate("() => [performance.now(), window.__busy.last]")
        if now - last >= quiet * 1000 and last >= started:
            return (last - started) / 1000
        if now - last >= quiet * 1000 and last < started and now - started >= quiet * 1000:
            return 0.0
        time.sleep(0.05)
    raise TimeoutError("the page did not settle")


def wait_for_log(log: Path, line: str, timeout: float = 600.0) -> float:
    started = time.perf_counter()
    while line not in log.read_text(errors="replace"):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"no {line!r} in {log}")
        time.sleep(0.2)
    return time.perf_counter() - started


def visit(page_title: str, ds: str, after_warm_up: bool, quiet: float, width: int, height: int) -> dict:
    """One fresh server, one fresh browser: Home, the dataset, then the page's link; seconds to settle."""
    with b.streamlit_server(preload=True, timeout=120) as (url, up):
        log = max((REPO / "artifacts").glob("streamlit-*.log"), key=lambda p: p.stat().st_mtime)
        with b.chromium(width, height) as page:
            page.goto(url + "/")
            b.wait_idle(page, 180_000)
            if ds != "mnist":
                b.set_dataset(page, TITLES[ds])
            warm = wait_for_log(log, WARM_DONE) if after_warm_up else None
            page.evaluate(BUSY_PROBE)
            if page_title == "Home":
                t0 = page.evaluate("() => performance.now()")
                page.locator("[data-testid=stSidebarNav] a", has_text="Home").first.click()
            else:
                more = page.locator("[data-testid=stSidebarNavViewButton]")
                if more.count() and "more" in more.inner_text().lower():
                    more.click()
                t0 = page.evaluate("() => performance.now()")
                page.locator("[data-testid=stSidebarNav] a", has_text=page_title).first.click()
            seconds = settle(page, t0, quiet)
            return {"seconds": seconds, "server_up": up, "warm_up": warm}


def table(rows: list[dict], datasets: list[str]) -> str:
    head = "| page | " + " | ".join(f"{TITLES[ds]}: at once | {TITLES[ds]}: after warm-up" for ds in datasets) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(datasets)]
    for title in dict.fromkeys(r["page"] for r in rows):
        cells = []
        for ds in datasets:
            for warm in (False, True):
                r = [x["seconds"] for x in rows if x["page"] == title and x["ds"] == ds and x["warm"] == warm]
                cells.append(f"{statistics.median(r):.1f} s" if r else "–")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", help="page titles (default: every page)")
    parser.add_argument("--datasets", nargs="*", default=["mnist", "fashion"], choices=list(TITLES))
    parser.add_argument("--moments", nargs="*", default=["at-once", "after-warm-up"],
                        choices=["at-once", "after-warm-up"])
    parser.add_argument("--quiet", type=float, default=2.0, help="seconds with nothing busy that end a visit")
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--note", default="", help="what else ran on the machine (said beside the table)")
    parser.add_argument("--write", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args(argv)
    width, height = map(int, args.size.split("x"))
    titles = args.pages or [p.title for p in PAGES]
    rows, warm_ups = [], []
    for ds in args.datasets:
        for title in titles:
            for moment in args.moments:
                load = os.getloadavg()[0]
                r = visit(title, ds, moment == "after-warm-up", args.quiet, width, height)
                rows.append({"page": title, "ds": ds, "warm": moment == "after-warm-up", **r})
                if r["warm_up"] is not None:
                    warm_ups.append(r["warm_up"])
                print(f"{TITLES[ds]:>13} · {title:<20} · {moment:<13} {r['seconds']:6.2f} s "
                      f"(server up {r['server_up']:.1f} s, load {load:.1f})", flush=True)
    text = table(rows, args.datasets)
    print(text)
    if args.write:
        waits = (f" The warm-up logged its end {min(warm_ups):.0f}–{max(warm_ups):.0f} s after Home had settled."
                 if warm_ups else "")
        report.write_section(REPO / "docs" / "benchmarks.md", "first-visit", (
            "## First visit of every page on a fresh server\n\n"
            f"Measured {report.stamp()} by `python benchmarks/bench_first_visit.py` at {width} × {height}: a new "
            "server (`python -m explorer.ui.shell.serve`) and a new Chromium profile per figure; Home, the dataset "
            "in the sidebar, then the page's menu link; seconds from the click until the page has settled (script "
            "stopped, no spinner or progress bar, every chart drawn). *At once*: the click as soon as Home has "
            "settled, while the server's start-up warm-up may still run; *after warm-up*: on another fresh server, "
            f"once the warm-up has finished.{waits}\n\n{text}\n\n**Hardware:** {hardware()}. {args.note}\n"))


if __name__ == "__main__":
    main()
