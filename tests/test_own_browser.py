"""The Your own page in a real browser: mouse strokes on the canvas bring the readings and place the rings on the
maps at the drawing's codes; a further stroke moves them; uploads of a good image and of bad files give the
expected result, and the page keeps working after a bad one."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from explorer.ui import own_data

from . import browser_app as b

pytestmark = pytest.mark.browser

PINS = """() => [...document.querySelectorAll('.lse-pin')].filter(p => p.style.display !== 'none')
    .map(p => p.dataset.pin)"""


@pytest.fixture(scope="module")
def server():
    with b.app_with(["mnist-ae-2d", "mnist-vae-2d", "mnist-ae-16d", "mnist-vae-16d", "mnist-classifier",
                     "mnist-infogan"]) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with b.chromium(1366, 768) as p:
        yield p


def stroke(page, box, points, steps: int = 8) -> None:
    """Mouse down at the first point, moves through the others, up: one pen stroke (fractions of the canvas)."""
    at = lambda f: (box["x"] + f[0] * box["width"], box["y"] + f[1] * box["height"])  # noqa: E731
    page.mouse.move(*at(points[0]))
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*at(p), steps=steps)
    page.mouse.up()


def pins(page, count: int = 3, timeout: int = 30_000) -> list[str]:
    page.wait_for_function(f"() => ({PINS})().length >= {count}", timeout=timeout)
    return page.evaluate(PINS)


def test_drawing_a_digit_shows_the_readings_and_a_new_stroke_moves_the_rings(server, page):
    b.open_page(page, server, "own")
    canvas = page.locator("canvas.upper-canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    stroke(page, box, [(0.5, 0.15), (0.5, 0.85)])                       # a 1
    page.get_by_text("What the autoencoders make of it").wait_for(timeout=30_000)
    b.wait_idle(page)
    first = pins(page)
    b.screenshot(page, "own-after-first-stroke")
    stroke(page, box, [(0.2, 0.15), (0.8, 0.15), (0.45, 0.85)])         # the bar and diagonal of a 7
    page.wait_for_function(f"(first) => JSON.stringify(({PINS})()) !== first", arg=json.dumps(first),
                           timeout=30_000)
    b.wait_idle(page)
    assert pins(page) != first
    b.screenshot(page, "own-after-second-stroke")


def upload(page, name: str, data: bytes) -> None:
    if page.locator("input[type=file]").count() == 0:
        page.get_by_text("Upload", exact=True).click()
    b.wait_idle(page)
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": "application/octet-stream",
                                                      "buffer": data})
    b.wait_idle(page)


def test_uploads_a_good_image_then_bad_files_each_with_a_clear_message(server, page):
    b.open_page(page, server, "own")
    upload(page, "seven.png", own_data.examples("mnist")["mnist-seven-on-paper.png"])
    page.get_by_text("The classifier reads it as").wait_for(timeout=30_000)
    reading = page.locator("[data-testid=stMarkdownContainer]", has_text="The classifier reads it as")
    assert reading.inner_text().splitlines()[1].startswith("7: ")
    buf = io.BytesIO()
    Image.fromarray(np.full((64, 64), 200, np.uint8)).save(buf, format="PNG")
    for name, data, message in (("notes.png", b"not an image at all", "not an image"),
                                ("blank.png", buf.getvalue(), "blank"),
                                ("cut.png", buf.getvalue()[:50], "damaged or truncated")):
        upload(page, name, data)
        page.get_by_text(message).first.wait_for(timeout=30_000)
        assert page.locator("[data-testid=stException]").count() == 0
    upload(page, "seven.png", own_data.examples("mnist")["mnist-seven-on-paper.png"])
    page.get_by_text("The classifier reads it as").wait_for(timeout=30_000)
