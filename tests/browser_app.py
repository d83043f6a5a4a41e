"""Drive the app in a real browser: start ``streamlit run`` on a free localhost port, open pages in headless Chromium
(Debian's, through Playwright), wait for Streamlit to settle, click Plotly charts by data coordinates, move sliders,
and time input -> new image in the page. Shared by tests/test_browser.py and benchmarks/bench_app.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("EXPLORER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
PAGES = {"home": "", "own": "Your_own", "map": "Latent_map", "grid": "Latent_grid", "gan": "InfoGAN_codes", "models": "Models",
         "gaps": "Gaps", "lesson": "Lesson", "inside": "Inside_the_models", "beta": "From_AE_to_VAE", "denoise": "Denoise",
         "samples": "VAE_vs_GAN"}

APP_READY = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
PLOT = "[data-testid=stPlotlyChart] .js-plotly-plot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict | None = None, timeout: float = 60, preload: bool = False):
    """A ``streamlit run streamlit_app.py`` on a free port (``preload``: through ``python -m explorer.ui.shell.serve``,
    heavy imports done before the server answers); yields (base URL, seconds until /_stcore/health)."""
    port = free_port()
    launcher = ["-m", "explorer.ui.shell.serve"] if preload else ["-m", "streamlit", "run", "streamlit_app.py"]
    cmd = [sys.executable, *launcher, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    logs = REPO / "artifacts"
    log = open(logs / f"streamlit-{port}.log", "w") if logs.is_dir() else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                pass
            if time.perf_counter() - started > timeout:
                raise TimeoutError("streamlit did not answer /_stcore/health")
            time.sleep(0.1)
        yield url, time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not subprocess.DEVNULL:
            log.close()


@contextlib.contextmanager
def app_with(models: list[str]):
    """The app's server for a browser test module: skips the module when Playwright, Chromium or one of
    ``models`` is missing; yields the base URL."""
    import pytest

    import explorer

    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    missing = [n for n in models if n not in explorer.list_models()]
    if missing:
        pytest.skip(f"checkpoints not shipped: {missing}")
    with streamlit_server() as (url, _):
        yield url


@contextlib.contextmanager
def chromium(width: int = 1500, height: int = 1000):
    """A Playwright page in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            browser.close()


def open_page(page, url: str, which: str, query: str = "") -> float:
    """Open one app page and wait until it has run; returns the seconds it took."""
    started = time.perf_counter()
    page.goto(f"{url}/{PAGES[which]}{query}")
    wait_idle(page, 90_000)
    return time.perf_counter() - started


def time_first_page(page, url: str, which: str, ready: str) -> float:
    """Seconds from navigating a fresh page to the moment ``ready`` (a selector for the page's final content) is
    shown and the script has finished: what a user waits for before the page is interactive."""
    started = time.perf_counter()
    page.goto(f"{url}/{PAGES[which]}")
    page.wait_for_selector(ready, timeout=120_000)
    page.wait_for_selector(APP_READY, timeout=120_000)
    return time.perf_counter() - started


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished running (and stays finished for a moment: a rerun is reported late)."""
    for _ in range(3):
        page.wait_for_selector(APP_READY, timeout=timeout)
        page.wait_for_timeout(300)
    page.wait_for_selector(APP_READY, timeout=timeout)


def select_option(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar/main radio group or selectbox labelled ``label``."""
    group = page.get_by_role("radiogroup", name=label)
    if group.count():
        group.get_by_text(option, exact=True).click()
    else:
        page.get_by_label(label).click()
        page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def set_dataset(page, title: str) -> None:
    box = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first
    box.click()
    page.get_by_role("option", name=title, exact=True).click()
    wait_idle(page)


def data_to_pixels(page, x: float, y: float, chart: int = 0) -> tuple[float, float]:
    """Page pixel position of data coordinates (x, y) on the chart-th Plotly chart."""
    return page.evaluate("""([x, y, i]) => {
        const gd = document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')[i];
        const fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis;
        const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
        const px = box.left + (x - xa.range[0]) / (xa.range[1] - xa.range[0]) * box.width;
        const py = box.top + (ya.range[1] - y) / (ya.range[1] - ya.range[0]) * box.height;
        return [Math.round(px), Math.round(py)];
    }""", [x, y, chart])


def trace_points(page, chart: int = 0) -> list[dict]:
    """Each trace's name and (x, y) arrays of the chart-th Plotly chart (typed arrays decoded by Plotly)."""
    return page.evaluate("""(i) => {
        const gd = document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')[i];
        return gd._fullData.map(t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || []),
                                       index: t.index}));
    }""", chart)


def hover_then_click(page, x: float, y: float, expect_curve: int | None = None, chart: int = 0) -> dict | None:
    """Move the mouse to data (x, y), wait until Plotly's hover names a point there, then click.
    Returns the hovered point ({curve, index}) or None when nothing was hovered."""
    px, py = data_to_pixels(page, x, y, chart)
    page.mouse.move(px - 3, py - 3)
    page.mouse.move(px, py)
    hovered = None
    for _ in range(20):
        hovered = page.evaluate("""(i) => {
            const gd = document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')[i];
            const h = gd._hoverdata && gd._hoverdata[0];
            return h ? {curve: h.curveNumber, index: h.pointIndex} : null;
        }""", chart)
        if hovered and (expect_curve is None or hovered["curve"] == expect_curve):
            break
        page.wait_for_timeout(50)
    page.mouse.click(px, py)
    return hovered


IMAGES = "[data-testid=stImage] img, [data-testid=stFullScreenFrame] img, figure.lse-figure img"   # inline: own_html


def image_sources(page) -> list[str]:
    return page.eval_on_selector_all(IMAGES,
                                     "els => els.map(e => e.src)")


def install_latency_probe(page) -> None:
    """Record the time of the last input and of every st.image or inline-figure <img> that finishes loading
    afterwards (not the images inside charts or HTML plots: the figure is the new image a slider asks for)."""
    page.evaluate("""() => {
        window.__probe = {input: 0, loads: []};
        const mark = () => { window.__probe.input = performance.now(); window.__probe.loads = []; };
        document.addEventListener('keydown', mark, true);
        document.addEventListener('pointerdown', mark, true);
        const watch = img => img.closest('[data-testid=stImage], figure.lse-figure') &&
            img.addEventListener('load', () => window.__probe.loads.push({t: performance.now(), src: img.src}));
        document.querySelectorAll('img').forEach(watch);
        new MutationObserver(ms => ms.forEach(m => {
            m.addedNodes.forEach(n => { if (n.tagName === 'IMG') watch(n);
                                        else if (n.querySelectorAll) n.querySelectorAll('img').forEach(watch); });
            if (m.type === 'attributes' && m.target.tagName === 'IMG') watch(m.target);
        })).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    }""")


def install_settle_probe(page) -> None:
    """Record the last change anywhere in the page's main area after the last pointer press: read it with
    :func:`settled_ms` once the page is idle (what a user waits for until the view stops changing)."""
    page.evaluate("""() => {
        window.__settle = {input: 0, last: 0};
        document.addEventListener('pointerdown', () => {
            window.__settle.input = performance.now(); window.__settle.last = 0; }, true);
        new MutationObserver(() => { if (window.__settle.input) window.__settle.last = performance.now(); })
            .observe(document.querySelector('[data-testid=stMain]'),
                     {subtree: true, childList: true, attributes: true, characterData: true});
    }""")


def settled_ms(page, quiet_ms: int = 1200) -> float:
    """Milliseconds from the last pointer press to the last change in the main area (see
    :func:`install_settle_probe`), after the script has finished and the page stayed unchanged ``quiet_ms``."""
    wait_idle(page)
    page.wait_for_timeout(quiet_ms)
    return page.evaluate("() => window.__settle.last ? window.__settle.last - window.__settle.input : 0")


def latency_after_key(page, slider, key: str = "ArrowRight", timeout_ms: int = 10_000) -> float:
    """Press ``key`` on a focused slider; milliseconds until a new image has loaded in the page."""
    slider.focus()
    page.keyboard.press(key)
    page.wait_for_function("() => window.__probe.loads.length > 0", timeout=timeout_ms)
    return page.evaluate("() => window.__probe.loads[0].t - window.__probe.input")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def isolated_point(traces: list[dict], curve: int) -> int:
    """The index of the point of trace ``curve`` farthest from every other data point (so that a click on it
    cannot land on a neighbour); distances are measured in axis spans."""
    import numpy as np

    data = [np.c_[t["x"], t["y"]] for t in traces[1:] if t["name"] not in ("empty space", "you are here")]
    everything = np.concatenate(data)
    span = np.ptp(everything, axis=0) + 1e-12
    own = np.c_[traces[curve]["x"], traces[curve]["y"]]
    d = np.linalg.norm((own[:, None] - everything[None]) / span, axis=2)
    d[d == 0] = np.inf
    return int(d.min(1).argmax())


# --- live widgets: drags and hovers measured in the page ----------------------------------------------------------

LIVE_CANVASES = """() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
    .flatMap(h => h.shadowRoot ? [...h.shadowRoot.querySelectorAll('canvas.lse-image')] : [])"""


def install_paint_probe(page) -> None:
    """For every pointer move (with the button down, or any move when hovering): the move's event time, the
    animation frame after the live widget handled it, whether it painted, and a hash of every live canvas then;
    and a count of script runs (the app's script-state attribute turning to "running")."""
    page.evaluate("""(canvases) => {
        const live = () => globalThis.__lseLive ? globalThis.__lseLive.stats.paints : 0;
        const hash = c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let h = 0;
                            for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i]) >>> 0; return h; };
        const p = window.__paint = {moves: [], runs: 0, hover: false, record: true};
        document.addEventListener('pointermove', e => {
            if (!p.record || (!(e.buttons & 1) && !p.hover)) return;
            const before = live(), t = e.timeStamp;
            requestAnimationFrame(() => {
                const cs = eval(canvases)();
                p.moves.push({t, frame: performance.now(), painted: live() > before,
                              hashes: cs.map(hash), z: cs.map(c => c.dataset.z || c.dataset.codes || '')});
            });
        }, true);
        const app = document.querySelector('[data-testid=stApp]');
        new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running') p.runs++; })
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""", LIVE_CANVASES)


def pointer_path(page, x0: float, y0: float, x1: float, y1: float, seconds: float = 2.0, press: bool = True,
                 interval: float = 0.016) -> dict:
    """Move the mouse from (x0, y0) to (x1, y1) in pointer events every ``interval`` s for ``seconds`` (mouse down
    first and up at the end when ``press``); returns the probe's record: moves, frame latencies, runs."""
    page.evaluate("(h) => { const p = window.__paint; p.moves = []; p.runs = 0; p.hover = h; p.record = true; }",
                  not press)
    page.mouse.move(x0, y0)
    if press:
        page.mouse.down()
    steps = max(2, int(seconds / interval))
    started = time.perf_counter()
    for i in range(1, steps + 1):
        f = i / steps
        page.mouse.move(round(x0 + f * (x1 - x0)), round(y0 + f * (y1 - y0)))
        lag = started + i * interval - time.perf_counter()
        if lag > 0:
            time.sleep(lag)
    page.wait_for_timeout(100)
    during = page.evaluate("() => ({moves: window.__paint.moves, runs: window.__paint.runs})")
    page.evaluate("() => { window.__paint.record = false; }")
    if press:
        page.mouse.up()
    return during


def sweep(page, locator, start: tuple[float, float], end: tuple[float, float], seconds: float = 1.5,
          press: bool = True) -> dict:
    """:func:`pointer_path` across an element (scrolled into view) from ``start`` to ``end``, given as fractions of
    its width and height."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    at = lambda f: (box["x"] + f[0] * box["width"], box["y"] + f[1] * box["height"])  # noqa: E731
    return pointer_path(page, *at(start), *at(end), seconds, press=press)


def drag_figures(record: dict) -> dict:
    """Summary of a :func:`pointer_path` record: moves, moves that changed what the widget shows (its value),
    distinct images among those, frame latency median / p95 (ms), script runs during the drag."""
    import numpy as np

    moves = record["moves"]
    changed = [m for prev, m in zip(moves, moves[1:]) if m["z"] != prev["z"]]
    distinct = [m for prev, m in zip(moves, moves[1:]) if m["z"] != prev["z"] and m["hashes"] != prev["hashes"]]
    latency = np.array([m["frame"] - m["t"] for m in moves if m["painted"]])
    return {"moves": len(moves), "value_changes": len(changed), "new_images": len(distinct),
            "median_ms": float(np.median(latency)) if len(latency) else float("nan"),
            "p95_ms": float(np.percentile(latency, 95)) if len(latency) else float("nan"),
            "runs_during": record["runs"]}


def live_canvas(page, index: int = 0) -> dict:
    """The index-th live canvas: its pixels (uint8 [28, 28]) and its data attributes."""
    import numpy as np

    out = page.evaluate("""([canvases, i]) => { const c = eval(canvases)()[i];
        const d = c.getContext('2d').getImageData(0, 0, 28, 28).data, g = [];
        for (let k = 0; k < d.length; k += 4) g.push(d[k]);
        const root = c.getRootNode().querySelector('[data-server]');
        return {pixels: g, data: {...c.dataset}, server: root ? root.dataset.server : null}; }""",
                        [LIVE_CANVASES, index])
    out["pixels"] = np.array(out["pixels"], np.uint8).reshape(28, 28)
    return out
