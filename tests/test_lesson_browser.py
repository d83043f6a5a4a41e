"""The lesson pages in a real browser (headless Debian Chromium through Playwright, against their own
``streamlit run``): a click on empty space of a gaps map decodes there with both models, a lesson button sets up
its view, the figure exports as PNG and the data as CSV, the replay slider moves; screenshots of every lesson page
on both datasets go to artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from explorer.ui import lesson_steps

from . import browser_app as b

pytestmark = pytest.mark.browser
SLUGS = {"gaps": "Gaps", "sampling": "Sampling_and_paths", "posterior": "VAE_posterior",
         "replay": "Training_replay", "lesson": "Lesson"}
TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}
EXCEPTION = "[data-testid=stException]"


@pytest.fixture(scope="module")
def server():
    with b.app_with([f"{ds}-{k}" for ds in TITLES for k in ("ae-2d", "vae-2d", "classifier")]) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with b.chromium(1600, 1900) as p:
        yield p


def open_view(page, url: str, view: str, ds: str = "mnist") -> None:
    page.goto(f"{url}/{SLUGS[view]}")
    b.wait_idle(page, 180_000)
    if ds != "mnist":
        b.set_dataset(page, TITLES[ds])
    page.wait_for_selector(b.PLOT if view != "lesson" else "h2", timeout=120_000)
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
    # a node in the plane's top-left corner: the grid covers all of it, the test encodings only part
    target = min(range(len(plane["x"])), key=lambda i: plane["x"][i] - plane["y"][i])
    x, y = plane["x"][target], plane["y"][target]
    page.wait_for_timeout(500)
    hovered = b.hover_then_click(page, x, y, chart=0)
    assert hovered is not None
    page.wait_for_function("([x, y]) => document.querySelector('[aria-label=\"Decode at z1\"]') && "
                           "Math.abs(parseFloat(document.querySelector('[aria-label=\"Decode at z1\"]').value) - x)"
                           " < 0.006", arg=[round(x, 2), round(y, 2)], timeout=30_000)
    b.wait_idle(page)
    assert z_inputs(page) == (pytest.approx(round(x, 2), abs=0.006), pytest.approx(round(y, 2), abs=0.006))
    captions = page.locator("[data-testid=stImageCaption]").all_inner_texts()
    assert f"AE at ({x:.2f}, {y:.2f})" in captions and f"VAE at ({x:.2f}, {y:.2f})" in captions
    assert b.image_sources(page) != before
    assert page.get_by_text("far from every encoding").count() >= 1
    b.screenshot(page, "lesson-gaps-mnist-clicked")


@pytest.mark.slow
def test_next_sets_up_the_autoencoder_gap_and_its_button_sets_it_up_again(server, page):
    open_view(page, server, "lesson")
    page.get_by_role("button", name="Next ▶").click()
    b.wait_idle(page)
    page.get_by_text("Step 2 of", exact=False).wait_for()
    page.wait_for_selector(b.PLOT, timeout=120_000)
    b.wait_idle(page)
    page.wait_for_timeout(800)
    step = lesson_steps.step_by_key("ae-gap")
    expected = step.settings("mnist")
    assert z_inputs(page) == (pytest.approx(expected["gaps_z1"]), pytest.approx(expected["gaps_z2"]))
    field = page.locator(".st-key-gaps_z1 input")
    field.fill("0.5")
    field.press("Enter")
    b.wait_idle(page)
    assert z_inputs(page)[0] == pytest.approx(0.5)
    page.get_by_role("button", name="Decode the gap between the 1s and the 7s (autoencoder)").click()
    b.wait_idle(page)
    page.wait_for_timeout(500)
    assert z_inputs(page) == (pytest.approx(expected["gaps_z1"]), pytest.approx(expected["gaps_z2"]))
    assert page.get_by_text("not data-like").count() >= 1 or page.get_by_text("far from every encoding").count()
    b.screenshot(page, "lesson-step2-mnist")


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
def test_replay_slider_moves_through_the_epochs(server, page):
    open_view(page, server, "replay", "fashion")
    slider = page.get_by_role("slider")
    slider.focus()
    page.keyboard.press("Home")
    page.get_by_text("Epoch 0:", exact=False).first.wait_for(timeout=60_000)
    b.wait_idle(page)
    b.screenshot(page, "lesson-replay-fashion-epoch0")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.get_by_text("Epoch 0:", exact=False).first.wait_for(state="detached", timeout=60_000)
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
        b.screenshot(page, f"lesson-{view}-{ds}")
