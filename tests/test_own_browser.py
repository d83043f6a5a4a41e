"""The Your own page in a real browser: mouse strokes on the drawing pad bring the readings and place the rings on
the maps; a further stroke moves them, undo (from the keyboard) puts them back, clear empties the page; the pen
width control draws thicker strokes; uploads of a good image and of bad files give the expected result, and the
page keeps working after a bad one. The page's URL reopens a drawing (on the pad, with the same readings) and a
chosen example in a fresh browser context; a stroke adds to a linked drawing, undo takes back only that stroke, and
clear takes the drawing out of the URL."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from explorer.ui.own import data as own_data

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


PAD = "canvas.draw-canvas"
INK = """(canvas) => {                          // how many of the pad's pixels hold ink
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) n += d[i] > 0;
    return n;
}"""


def stroke(page, box, points, steps: int = 8) -> None:
    """Mouse down at the first point, moves through the others, up: one pen stroke (fractions of the pad)."""
    at = lambda f: (box["x"] + f[0] * box["width"], box["y"] + f[1] * box["height"])  # noqa: E731
    page.mouse.move(*at(points[0]))
    page.mouse.down()
    for p in points[1:]:
        page.mouse.move(*at(p), steps=steps)
    page.mouse.up()


def pins(page, count: int = 3, timeout: int = 30_000) -> list[str]:
    page.wait_for_function(f"() => ({PINS})().length >= {count}", timeout=timeout)
    return page.evaluate(PINS)


def moved(page, before: list[str]) -> list[str]:
    """The rings once they stand somewhere else than ``before`` (all three shown)."""
    page.wait_for_function(f"(before) => {{ const now = ({PINS})(); return now.length >= 3 && "
                           f"JSON.stringify(now) !== before; }}", arg=json.dumps(before), timeout=30_000)
    b.wait_idle(page)
    return page.evaluate(PINS)


def close(a: list[str], b_: list[str], tol: float = 0.05) -> bool:
    """Two sets of rings at the same places (map units; a redrawn stroke may differ by an anti-aliased pixel)."""
    xy = lambda pins: np.array([[float(v) for v in p.split(",")] for p in pins])  # noqa: E731
    return len(a) == len(b_) and np.allclose(xy(a), xy(b_), atol=tol)


def reconstructions(page) -> list[str]:
    row = page.locator(".own-reconstructions")
    row.locator("img").first.wait_for(timeout=30_000)
    assert row.locator("img").count() == 5
    assert page.evaluate("() => [...document.querySelectorAll('.own-reconstructions img')]"
                         ".every(i => i.complete && i.naturalWidth === 28)")
    return row.locator("img").evaluate_all("imgs => imgs.map(i => i.src)")


@pytest.fixture()
def pad(server, page):
    b.open_page(page, server, "own")
    canvas = page.locator(PAD)
    canvas.scroll_into_view_if_needed()
    return canvas


def test_drawing_a_digit_shows_the_readings_and_a_new_stroke_moves_the_rings(page, pad):
    box = pad.bounding_box()
    assert page.get_by_role("button", name="Undo the last stroke").is_disabled()
    stroke(page, box, [(0.5, 0.15), (0.5, 0.85)])                       # a 1
    first = moved(page, [])
    one = reconstructions(page)
    assert page.locator(".own-steps figcaption").first.inner_text() == "your image"
    b.screenshot(page, "own-after-first-stroke")
    stroke(page, box, [(0.2, 0.15), (0.8, 0.15), (0.45, 0.85)])         # the bar and diagonal of a 7
    second = moved(page, first)
    assert reconstructions(page) != one
    b.screenshot(page, "own-after-second-stroke")
    assert pad.evaluate("c => c.closest('.draw').dataset.strokes") == "2"
    undo = page.get_by_role("button", name="Undo the last stroke")
    undo.focus()                                                         # from the keyboard
    page.keyboard.press("Enter")
    assert close(moved(page, second), first), "undoing the 7's strokes puts the rings back where the 1 put them"
    assert pad.evaluate("c => c.closest('.draw').dataset.strokes") == "1"
    page.get_by_role("button", name="Clear the drawing").click()
    page.get_by_text("as soon as you lift the pen").wait_for(timeout=30_000)
    b.wait_idle(page)
    assert page.evaluate(PINS) == [] and page.locator(".own-reconstructions").count() == 0
    assert pad.evaluate(INK) == 0 and undo.is_disabled()


def test_the_pen_width_control_draws_thicker_strokes(page, pad):
    box = pad.bounding_box()
    width = page.get_by_role("slider", name="Pen width")
    width.focus()
    page.keyboard.press("Home")                                          # 6 px
    stroke(page, box, [(0.5, 0.15), (0.5, 0.85)])
    thin = pad.evaluate(INK)
    page.get_by_role("button", name="Clear the drawing").click()
    width.focus()
    page.keyboard.press("End")                                           # 40 px
    assert width.input_value() == "40"
    stroke(page, box, [(0.5, 0.15), (0.5, 0.85)])
    assert pad.evaluate(INK) > 3 * thin > 0
    moved(page, [])


def test_a_finger_draws_too(server, page):
    """A touch stroke (Chromium's touch input through the DevTools protocol) reaches Python like a mouse stroke."""
    context = page.context.browser.new_context(viewport={"width": 1366, "height": 768}, has_touch=True)
    try:
        touch = context.new_page()
        b.open_page(touch, server, "own")
        canvas = touch.locator(PAD)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        cdp = context.new_cdp_session(touch)
        x, y = box["x"] + box["width"] / 2, box["y"] + 0.15 * box["height"]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for k in range(1, 21):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                  "touchPoints": [{"x": x, "y": y + k * 0.035 * box["height"]}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        moved(touch, [])
        assert canvas.evaluate("c => c.closest('.draw').dataset.strokes") == "1"
        reconstructions(touch)
    finally:
        context.close()


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


READINGS = """() => ['own-steps', 'own-reconstructions', 'own-regenerated', 'own-nearest'].map(c =>
    [...document.querySelectorAll('.' + c + ' figcaption')].map(f => f.textContent)).concat(
    [...document.querySelectorAll('[data-testid=stMarkdownContainer]')].map(m => m.innerText)
        .filter(t => t.includes('reads it as') || t.includes('Q reads')))"""


def readings_shown(page) -> list:
    reconstructions(page)
    b.wait_idle(page)
    return page.evaluate(READINGS)


def linked_ink(page) -> str:
    return page.evaluate("() => new URLSearchParams(location.search).get('own_ink') || ''")


def test_a_drawing_reopens_from_the_page_url_in_a_fresh_browser_and_can_be_drawn_on(server, page, pad):
    stroke(page, pad.bounding_box(), [(0.2, 0.15), (0.8, 0.15), (0.45, 0.85)])        # a 7
    drawn_pins = moved(page, [])
    drawn = readings_shown(page)
    page.wait_for_function("() => location.search.includes('own_ink=')", timeout=30_000)
    shared, ink = page.url, linked_ink(page)
    assert 100 < len(ink) < 3_000, len(ink)
    context = page.context.browser.new_context(viewport={"width": 1366, "height": 768})   # no session, no cookies
    try:
        other = context.new_page()
        other.goto(shared)
        b.wait_idle(other, 120_000)
        assert readings_shown(other) == drawn, "the link's drawing is read exactly as it was drawn"
        assert close(pins(other), drawn_pins, tol=1e-6)
        canvas = other.locator(PAD)
        canvas.scroll_into_view_if_needed()
        base = other.locator("canvas.draw-base")
        assert base.evaluate(INK) > 200 and canvas.evaluate(INK) == 0, "the pad shows the drawing as its base"
        b.screenshot(other, "own-from-link")
        assert canvas.evaluate("c => c.closest('.draw').dataset.base") == "1"
        undo = other.get_by_role("button", name="Undo the last stroke")
        assert undo.is_disabled() and other.get_by_role("button", name="Clear the drawing").is_enabled()
        stroke(other, canvas.bounding_box(), [(0.25, 0.5), (0.7, 0.5)])                 # a bar across the 7
        crossed = moved(other, drawn_pins)
        assert readings_shown(other) != drawn and canvas.evaluate(INK) > 0 and base.evaluate(INK) > 200
        other.wait_for_function("(ink) => new URLSearchParams(location.search).get('own_ink') !== ink", arg=ink)
        undo.focus()
        other.keyboard.press("Enter")                                                 # the bar goes, the 7 stays
        assert close(moved(other, crossed), drawn_pins, tol=1e-6)
        assert readings_shown(other) == drawn and linked_ink(other) == ink
        other.get_by_role("button", name="Clear the drawing").click()
        other.get_by_text("as soon as you lift the pen").wait_for(timeout=30_000)
        b.wait_idle(other)
        assert base.evaluate(INK) == 0 and canvas.evaluate(INK) == 0
        assert "own_ink" not in other.url
    finally:
        context.close()


def test_the_source_and_the_example_reopen_from_the_page_url(server, page):
    b.open_page(page, server, "own")
    page.get_by_text("Example", exact=True).click()
    b.wait_idle(page)
    b.select_option(page, "Example", "mnist-three-photo.jpg")
    reading = page.locator("[data-testid=stMarkdownContainer]", has_text="The classifier reads it as")
    reading.wait_for(timeout=30_000)
    page.wait_for_function("() => location.search.includes('own_example=')", timeout=30_000)
    shown = readings_shown(page)
    context = page.context.browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        other = context.new_page()
        other.goto(page.url)
        b.wait_idle(other, 120_000)
        assert readings_shown(other) == shown
        assert other.locator("[data-testid=stSelectbox] input").last.input_value() == "mnist-three-photo.jpg"
        assert other.locator(PAD).count() == 0
    finally:
        context.close()
