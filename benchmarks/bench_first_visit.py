"""The first visit of every page on a fresh server, in a real browser, printed as a table (no pass/fail):
``python benchmarks/bench_first_visit.py [--pages gaps replay …] [--datasets mnist fashion] [--write]``.

Served by ``python -m explorer.ui.shell.serve``, as deployed. Each figure is a new headless Chromium profile (a
new session): Home opens, the dataset is chosen in the sidebar, then the page's menu link is clicked, as a teacher
would; the figure is the time from that click until the page has settled: the script has stopped, no spinner,
progress bar or skeleton is shown and every Plotly chart has drawn, with nothing busy again for ``--quiet`` seconds
afterwards (not counted); the live widgets' own images (a flipbook's frames) are not waited for. Home's figure runs
from the navigation's start.

Two moments: **at once**, a new server for every page and the click as soon as Home has settled (the server's
start-up warm-up, :mod:`explorer.ui.warm`, is still running), and **after warm-up**, one new server per dataset whose
every page is visited once the warm-up has logged that it finished. ``--write`` puts the table into
docs/benchmarks.md (section ``first-visit``).
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


def visit(url: str, page_title: str, ds: str, quiet: float, width: int, height: int) -> float:
    """A new browser profile (a new session): Home, the dataset, then the page's menu link; seconds to settle (for
    Home itself: from the navigation's start)."""
    with b.chromium(width, height) as page:
        page.add_init_script(f"({BUSY_PROBE})()")
        page.goto(url + "/")
        if page_title == "Home":
            return settle(page, 0.0, quiet)
        b.wait_idle(page, 180_000)
        if ds != "mnist":
            b.set_dataset(page, TITLES[ds])
        more = page.locator("[data-testid=stSidebarNavViewButton]")
        if more.count() and "more" in more.inner_text().lower():
            more.click()
        settle(page, page.evaluate("() => performance.now()"), 0.5)
        t0 = page.evaluate("() => performance.now()")
        page.locator("[data-testid=stSidebarNav] a", has_text=page_title).first.click()
        return settle(page, t0, quiet)


def newest_log() -> Path:
    return max((REPO / "artifacts").glob("streamlit-*.log"), key=lambda p: p.stat().st_mtime)


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

    def record(title, ds, warm, seconds, up):
        rows.append({"page": title, "ds": ds, "warm": warm, "seconds": seconds})
        print(f"{TITLES[ds]:>13} · {title:<20} · {'after warm-up' if warm else 'at once':<13} {seconds:6.2f} s "
              f"(server up {up:.1f} s, load {os.getloadavg()[0]:.1f})", flush=True)

    for ds in args.datasets:
        if "at-once" in args.moments:           # a new server for every page: nothing computed before the visit
            for title in titles:
                with b.streamlit_server(preload=True, timeout=120) as (url, up):
                    record(title, ds, False, visit(url, title, ds, args.quiet, width, height), up)
        if "after-warm-up" in args.moments:     # one new server, warmed; every page by a new browser session
            with b.streamlit_server(preload=True, timeout=120) as (url, up):
                warm_ups.append(wait_for_log(newest_log(), WARM_DONE))
                print(f"warm-up done {warm_ups[-1]:.0f} s after the server answered", flush=True)
                for title in titles:
                    record(title, ds, True, visit(url, title, ds, args.quiet, width, height), up)
    text = table(rows, args.datasets)
    print(text)
    if args.write:
        waits = (f" The warm-up finished {min(warm_ups):.0f}–{max(warm_ups):.0f} s after the server answered."
                 if warm_ups else "")
        report.write_section(REPO / "docs" / "benchmarks.md", "first-visit", (
            "## First visit of every page on a fresh server\n\n"
            f"Measured {report.stamp()} by `python benchmarks/bench_first_visit.py` at {width} × {height}, served by "
            "`python -m explorer.ui.shell.serve`; each figure is a new Chromium profile (a new session): Home, the "
            "dataset in the sidebar, then the page's menu link, and the seconds from that click until the page has "
            "settled (script stopped, no spinner or progress bar, every Plotly chart drawn; the live widgets' own "
            "images, e.g. a flipbook's, are not waited for; Home: from the navigation). "
            "*At once*: a new server for every page, the click as soon as Home has settled, while the server's "
            "start-up warm-up still runs. *After warm-up*: one new server per dataset, every page visited once its "
            f"warm-up has finished.{waits}\n\n{text}\n\n**Hardware:** {hardware()}. {args.note}\n"))


if __name__ == "__main__":
    main()
