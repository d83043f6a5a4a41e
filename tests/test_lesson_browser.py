"""The lesson pages in a real browser (headless Debian Chromium through Playwright, against their own
``streamlit run``): a click on empty space of a gaps map decodes there with both models, a lesson button sets up
its view, the figure exports as PNG and the data as CSV, the replay slider moves; screenshots of every lesson page
on both datasets go to artifacts/screenshots/."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest

from explorer.ui.teaching.lesson import steps as lesson_steps

from . import browser_app as b

pytestmark = pytest.mark.browser
SLUGS = {"gaps": "Gaps", "sampling": "Sampling_and_paths", "posterior": "VAE_posterior",
         "replay": "Training_replay", "lesson": "Lesson"}
TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}
EXCEPTION = "[data-testid=stException]"
VIEW_TITLES = {"gaps": "Gaps in the latent space", "sampling": "Sampling and paths", "posterior": "The VAE posterior",
               "replay": "Training replay", "lesson": "Lesson: gaps versus continuity"}


@pytest.fixture(scope="module")
def server():
    with b.app_with([f"{ds}-{k}" for ds in TITLES for k in ("ae-2d", "vae-2d", "classifier", "ae-16d", "vae-16d",
                                                            "infogan", "vae-2d-beta2")]) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with b.chromium(1600, 1900) as p:
        yield p


def open_view(page, url: str, view: str, ds: str = "mnist") -> None:
    page.goto(f"{url}/{SLUGS[view]}?dataset={ds}")  # a link names the dataset (the Lesson's steps choose their own)
    b.wait_idle(page, 180_000)
    if view != "lesson":
        box = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox] input").first
        assert box.input_value() == TITLES[ds]
    page.wait_for_selector(".lse-flipbook" if view == "replay" else b.PLOT, timeout=120_000)
    page.wait_for_timeout(800)                  # let Plotly finish drawing
    assert not page.locator(EXCEPTION).count()


def z_inputs(page) -> tuple[float, float]:
    return (float(page.get_by_label("Decode at z1").input_value()),
            float(page.get_by_label("z2", exact=True).input_value()))


@pytest.mark.slow
def test_click_empty_space_on_a_gaps_map_decodes_there_with_both_models(server, page):
    open_view(page, server, "gaps")
    before = b.image_sources(page)
    plane = next(t for t in b.trace_points(page, chart=0) if t["name"] == "plane")
    # a node next to the plane's top-left corner (the grid covers all of it, the test encodings only part; the
    # corner node itself lies on the plot's edge pixel, where Plotly may not hover)
    x, y = sorted(set(plane["x"]))[1], sorted(set(plane["y"]))[-2]
    page.wait_for_timeout(500)
    hovered = b.hover_then_click(page, x, y, chart=0)
    assert hovered is not None
    page.wait_for_function("([x, y]) => document.querySelector('[aria-label=\"Decode at z1\"]') && "
                           "Math.abs(parseFloat(document.querySelector('[aria-label=\"Decode at z1\"]').value) - x)"
                           " < 0.006", arg=[round(x, 2), round(y, 2)], timeout=30_000)
    b.wait_idle(page)
    assert z_inputs(page) == (pytest.approx(round(x, 2), abs=0.006), pytest.approx(round(y, 2), abs=0.006))
    captions = page.locator(".gaps-decode figcaption").all_inner_texts()
    from explorer.ui.teaching import data as lesson_data

    vae = lesson_data.linked_pins("mnist", "ae", (x, y))["vae"]
    assert f"AE at ({x:.2f}, {y:.2f})" in captions and f"VAE at ({vae[0]:.2f}, {vae[1]:.2f})" in captions
    assert b.image_sources(page) != before
    assert page.get_by_text("far from every encoding").count() >= 1
    b.screenshot(page, "lesson-gaps-mnist-clicked")


@contextlib.contextmanager
def projector(page, width: int = 1366, height: int = 768):
    """A new tab of the module's browser at a projector's size (a second Playwright cannot start inside one)."""
    tab = page.context.browser.new_page(viewport={"width": width, "height": height})
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        tab.close()


def main_parts(page) -> list[dict]:
    """Bounding boxes of the main area's images, charts and live canvases (in their shadow roots) that are shown."""
    parts = page.locator("[data-testid=stMain] [data-testid=stImage] img, [data-testid=stMain] .js-plotly-plot, "
                         "[data-testid=stMain] .lse-panel canvas, [data-testid=stMain] [data-testid=stHtml] img")
    boxes = [parts.nth(i).bounding_box() for i in range(parts.count())]
    return [{"bottom": r["y"] + r["height"], "right": r["x"] + r["width"]} for r in boxes
            if r and r["width"] > 0 and r["height"] > 0]


def space_below(page, key: str) -> float:
    """Pixels between the bottom of the element with this key and the top of the next element shown below it."""
    return page.evaluate("""(key) => {
        const bottom = document.querySelector(`.st-key-${key}`).getBoundingClientRect().bottom;
        const tops = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stElementContainer]')]
            .map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0 && r.top >= bottom - 1)
            .map((r) => r.top);
        return Math.min(...tops) - bottom; }""", key)


def text_sizes(page) -> dict:
    """The smallest font of the main area's running text and of its charts' tick labels, in px."""
    return page.evaluate("""() => {
        const shown = (e) => e.getClientRects().length > 0;
        const px = (e) => parseFloat(getComputedStyle(e).fontSize);
        const text = [...document.querySelectorAll('[data-testid=stMain] p, [data-testid=stMain] li')]
            .filter((e) => shown(e) && e.textContent.trim()).map(px);
        const ticks = [...document.querySelectorAll('[data-testid=stMain] .xtick text, [data-testid=stMain] .ytick text')]
            .filter(shown).map((e) => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize));
        return {text: Math.min(...text), ticks: ticks.length ? Math.min(...ticks) : null}; }""")


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_every_lesson_step_fits_a_projector_reads_from_the_back_row_and_back_goes_back(server, page, size):
    """In presenter mode every step, on its own dataset, is on screen without scrolling, with running text of at
    least 16 px and chart ticks of at least 14 px; → moves to the next step (each a history entry), and Back
    walks the steps back and then out of the Lesson."""
    width, height = size
    with projector(page, width, height) as page:
        b.open_page(page, server, "home")
        b.open_page(page, server, "lesson", "?present=1")
        for index, step in enumerate(lesson_steps.STEPS):
            if index:
                page.evaluate("() => document.activeElement && document.activeElement.blur()")
                page.keyboard.press("ArrowRight")
            page.get_by_role("heading", name=lesson_steps.fill(step.title, step.dataset)).wait_for(timeout=90_000)
            b.wait_idle(page)
            page.wait_for_timeout(700)
            assert not page.locator(EXCEPTION).count()
            assert not page.locator("[data-testid=stAlertContentError]").count(), step.key
            assert ("present=1" in page.url) and ((f"step={index + 1}" in page.url) if index else "step=" not in page.url)
            b.screenshot(page, f"lesson-step{index + 1:02d}-{step.key}-{width}")
            parts = main_parts(page)
            assert parts, step.key
            assert max(p["bottom"] for p in parts) <= height and max(p["right"] for p in parts) <= width, step.key
            assert page.evaluate("() => document.scrollingElement.scrollHeight - innerHeight") <= 0, step.key
            sizes = text_sizes(page)
            assert sizes["text"] >= 16, (step.key, sizes)
            assert sizes["ticks"] is None or sizes["ticks"] >= 14, (step.key, sizes)
            if page.locator(".st-key-lesson_plane_ae").count():
                # the live parts with no height of their own (weights, grids, the hover's host) take no room
                assert space_below(page, "lesson_plane_ae") <= 40, step.key
            if step.key == "between":
                pins = step.settings(step.dataset)["lesson_pins"]
                shown = page.locator(".lse-pin").evaluate_all("e => e.map(p => p.dataset.pin)")
                assert shown == [",".join(f"{v:.4f}" for v in pins[k]) for k in ("ae", "vae")]
        for index in range(len(lesson_steps.STEPS) - 2, len(lesson_steps.STEPS) - 5, -1):
            page.go_back()
            step = lesson_steps.STEPS[index]
            page.get_by_role("heading", name=lesson_steps.fill(step.title, step.dataset)).wait_for(timeout=60_000)
            b.wait_idle(page)
            assert f"step={index + 1}" in page.url
        b.open_page(page, server, "home")
        b.open_page(page, server, "lesson", "?step=2&present=1")
        page.get_by_role("button", name="Next ▶").click()
        page.get_by_role("heading", name=lesson_steps.STEPS[2].title).wait_for()
        page.go_back()
        page.get_by_role("heading", name=lesson_steps.fill(lesson_steps.STEPS[1].title, "fashion")).wait_for()
        page.go_back(wait_until="commit")
        page.wait_for_function("() => !location.pathname.includes('Lesson')", timeout=30_000)


@pytest.mark.slow
def test_explore_opens_the_pinned_view_and_leads_back_to_the_step(server, page):
    with projector(page) as page:
        b.open_page(page, server, "lesson", "?step=2&present=1")
        page.get_by_role("link", name="Explore this on its own page").click()
        page.wait_for_url(lambda u: "/Gaps" in u, timeout=60_000)
        b.wait_idle(page)
        pins = lesson_steps.step_by_key("between").settings("fashion")["lesson_pins"]
        assert "dataset=" in page.url and "present=1" in page.url
        assert z_inputs(page) == pytest.approx(tuple(pins["ae"]), abs=0.006)
        assert page.locator("[data-testid=stSidebar]").is_hidden(), "presenter mode hides the sidebar"
        b.screenshot(page, "lesson-explore-gaps")
        page.get_by_role("link", name="Back to the Lesson, step 2").click()
        page.get_by_role("heading", name=lesson_steps.fill(lesson_steps.STEPS[1].title, "fashion")).wait_for()
        assert "step=2" in page.url and "present=1" in page.url


@pytest.mark.slow
def test_hovering_a_lesson_plane_decodes_the_other_model_at_the_linked_place(server, page):
    """The hover card's second image is the VAE at the place the AE position is carried to (teaching.linked),
    not at the AE's raw numbers."""
    from explorer import teaching
    from explorer.ui.shell import cache

    with projector(page) as page:
        b.open_page(page, server, "lesson", "?step=2")
        page.wait_for_selector(".st-key-lesson_plane_ae .js-plotly-plot .nsewdrag")
        ds = lesson_steps.STEPS[1].dataset
        b.wait_idle(page)
        page.wait_for_timeout(800)
        box = page.locator(".st-key-lesson_plane_ae .nsewdrag").bounding_box()
        page.mouse.move(box["x"] + 0.35 * box["width"], box["y"] + 0.4 * box["height"])
        page.wait_for_timeout(200)
        page.mouse.move(box["x"] + 0.36 * box["width"], box["y"] + 0.41 * box["height"])
        page.locator(".lse-card canvas[data-z]").nth(1).wait_for(state="attached")     # (in a shadow root)
        ae, vae = page.locator(".lse-card canvas").evaluate_all("e => e.map(c => c.dataset.z.split(',').map(Number))")
        b.screenshot(page, f"lesson-hover-linked-{ds}")
    grid = teaching.link_grid(cache.encodings(f"{ds}-ae-2d"), cache.encodings(f"{ds}-vae-2d"), *_link_axes(ds))
    assert vae == pytest.approx(teaching.linked(grid, ae).tolist(), abs=2e-3)
    assert vae != pytest.approx(ae, abs=0.5)


def _link_axes(ds: str):
    import numpy as np

    from explorer.ui.shell.bundle import bundle
    from explorer.ui.teaching import data as lesson_data

    qmap = lesson_data.quality_map(bundle(f"{ds}-ae-2d"))
    n = lesson_data.LINK_NODES
    return np.linspace(qmap.x[0], qmap.x[-1], n), np.linspace(qmap.y[0], qmap.y[-1], n)


def test_figure_exports_as_png_and_data_as_csv(server, page):
    open_view(page, server, "gaps")
    chart = page.locator(b.PLOT).first
    chart.hover()
    button = chart.locator(".modebar-btn[data-title^='Download plot']")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    png = Path(info.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert info.value.suggested_filename == "mnist-ae-2d-gaps-confidence.png"
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download both maps as CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert len(rows) == 2 * 50 * 50
    assert {r["model"] for r in rows} == {"mnist-ae-2d", "mnist-vae-2d"}
    assert all(0 <= float(r["confidence"]) <= 1 for r in rows[:100])


@pytest.mark.slow
def test_replay_plays_through_the_epochs_and_the_slider_steps_them(server, page):
    open_view(page, server, "replay", "fashion")
    book = page.locator(".lse-flipbook")
    book.wait_for(timeout=60_000)
    slider = page.get_by_role("slider", name="Training epoch")
    slider.focus()
    page.keyboard.press("Home")
    assert book.get_attribute("data-index") == "0"
    assert slider.get_attribute("aria-valuetext") == "before training"
    b.screenshot(page, "lesson-replay-fashion-epoch0")
    page.get_by_role("button", name="Play Training epoch").click()
    page.wait_for_timeout(1600)                       # 450 ms a stop: three or four stops on
    playing = int(book.get_attribute("data-index"))
    assert 2 <= playing <= 5
    page.get_by_role("button", name="Pause Training epoch").click()
    paused = int(book.get_attribute("data-index"))
    page.wait_for_timeout(900)
    assert int(book.get_attribute("data-index")) == paused, "Pause stops on the epoch shown"
    page.wait_for_function(f"() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]"
                           f".map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-flipbook')).find(Boolean)"
                           f"?.dataset.server === '{paused}'", timeout=20_000)      # the stop reached Python
    assert not page.locator(EXCEPTION).count()


@pytest.mark.slow
@pytest.mark.parametrize("ds", ["mnist", "fashion"])
def test_screenshot_every_lesson_page(server, page, ds):
    for view in SLUGS:
        open_view(page, server, view, ds)
        if view == "lesson":
            page.wait_for_selector(b.PLOT, timeout=120_000)
            b.wait_idle(page)
            page.wait_for_timeout(800)
        assert not page.locator(EXCEPTION).count()
        assert not page.locator("[data-testid=stAlertContentError]").count()
        assert page.locator("h1").first.inner_text().strip() == VIEW_TITLES[view]
        pictures = page.locator(f"{b.PLOT}, canvas, [data-testid=stImage] img, [data-testid=stHtml] img")
        assert pictures.count() >= 2, f"{view} shows {pictures.count()} pictures"
        b.screenshot(page, f"lesson-{view}-{ds}")
