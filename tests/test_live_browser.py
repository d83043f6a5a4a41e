"""The live widgets in a real browser: a mouse drag (down, moves, up) or a hover paints new images while the
pointer moves, with no script run until the release; the release reaches Python; and what the browser drew equals
the model (at most one grey level from the server's decode: the browser's decoders hold float16 weights)."""

from __future__ import annotations

import numpy as np
import pytest

import explorer
from explorer.latent import decode, infogan_generate, infogan_noise
from explorer.ui.kit.images import to_uint8

from . import browser_app as b

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    with b.app_with(["mnist-vae-2d", "mnist-ae-2d", "mnist-infogan", "fashion-infogan"]) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with b.chromium(1366, 768) as p:
        yield p


def assert_live(record: dict, min_changes: int = 10) -> dict:
    figures = b.drag_figures(record)
    assert figures["value_changes"] >= min_changes, figures
    assert figures["new_images"] >= 0.9 * figures["value_changes"], figures
    assert figures["runs_during"] == 0, figures
    return figures


def test_infogan_c2_drag_paints_while_moving_and_the_release_reaches_python(server, page):
    b.open_page(page, server, "gan")
    b.install_paint_probe(page)
    thumb = page.get_by_role("slider", name="c2 (rotation)")
    assert thumb.get_attribute("aria-valuenow") == "0"
    assert_live(b.sweep(page, page.locator(".lse-track").first, (0.5, 0.5), (0.85, 0.5)))
    b.screenshot(page, "live-infogan-after-drag")
    value = float(thumb.get_attribute("aria-valuenow"))
    assert 1.2 <= value <= 1.5
    page.wait_for_function("""() => { const h = [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
        .map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-codes')).find(Boolean);
        return h && h.dataset.server && h.dataset.server.startsWith(String(%s)); }""" % value, timeout=20_000)
    shown = b.live_canvas(page)
    c2, c3 = map(float, shown["data"]["codes"].split(","))
    assert (c2, c3) == (value, 0.0)
    model = explorer.load_model("mnist-infogan")
    category = int(np.argsort(explorer.read_metrics("mnist-infogan")["eval"]["c1_mapping"])[0])
    expected = to_uint8(infogan_generate(model, [category], [c2], [c3], infogan_noise(model, 0))[0])
    assert np.abs(shown["pixels"].astype(int) - expected).max() <= 1


SWITCH_PROBE = """(canvases) => { window.__switch = []; window.__paints = [];
    const grey = (c) => { const d = c.getContext('2d').getImageData(0, 0, 28, 28).data, g = [];
                          for (let k = 0; k < d.length; k += 4) g.push(d[k]); return g; };
    const canvas = eval(canvases)()[0];
    window.addEventListener('click', () => requestAnimationFrame(() => {      // the frame after the click
        window.__switch.push({frame: canvas.dataset.frame, pixels: grey(canvas),
            running: document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'running'});
    }), true);
    new MutationObserver(() => window.__paints.push(grey(canvas)))             // every image drawn after it
        .observe(canvas, {attributes: true, attributeFilter: ['data-frame']}); }"""


def clicked_then_settled(page, button, server_frame_done: str) -> tuple[dict, dict]:
    """The live canvas in the animation frame after a mouse click on ``button`` (with ``drawn``: every image drawn
    from the click until the server has answered), and once the server has answered (``server_frame_done``: a JS
    condition on the codes component's root)."""
    page.evaluate("() => { window.__switch = []; window.__paints = []; }")
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.__switch.length > 0")
    first = page.evaluate("() => window.__switch[0]")
    first["pixels"] = np.array(first["pixels"], np.uint8).reshape(28, 28)
    page.wait_for_function("""() => { const r = [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
        .map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-codes')).find(Boolean);
        return r && (%s); }""" % server_frame_done, timeout=20_000)
    b.wait_idle(page)
    first["drawn"] = [np.array(p, np.uint8).reshape(28, 28) for p in page.evaluate("() => window.__paints")]
    return first, b.live_canvas(page)


def test_infogan_category_and_new_noise_show_their_image_in_the_next_frame(server, page):
    """A click on a c1 category or on "New noise" paints the image it leads to in the animation frame after the
    click, from the server's switch frames, before the server's answer; the answer then shows the same image."""
    from explorer.ui.shell.categories import categories_by_class

    name = "mnist-infogan"
    model = explorer.load_model(name)
    b.open_page(page, server, "gan")
    page.evaluate(SWITCH_PROBE, b.LIVE_CANVASES)
    categories = categories_by_class(name)
    start = b.live_canvas(page)
    assert start["data"]["frame"].startswith("c"), "the first image is a slider frame"

    def expected(category: int, seed: int) -> np.ndarray:
        return to_uint8(infogan_generate(model, [category], [0.0], [0.0], infogan_noise(model, seed))[0]).astype(int)

    buttons = page.locator(".st-key-gan_c1 button")
    for index in (3, 7):
        first, settled = clicked_then_settled(page, buttons.nth(index),
                                              f"r.querySelector('figcaption').textContent.startsWith("
                                              f"'category {categories[index]} ')")
        assert first["frame"] == f"switch:{index}" and first["running"] is False, first["frame"]
        assert np.abs(first["pixels"].astype(int) - expected(categories[index], 0)).max() <= 1
        assert settled["data"]["frame"].startswith("c2:"), "then the server's slider frames"
        assert np.abs(settled["pixels"].astype(int) - first["pixels"].astype(int)).max() <= 1
        assert len(first["drawn"]) >= 2, "the switch frame, then the server's"
        assert all(np.abs(d.astype(int) - first["pixels"]).max() <= 1 for d in first["drawn"]), "no flash back"
    first, settled = clicked_then_settled(page, page.locator(".st-key-gan_new_noise button"),
                                          "r.querySelector('figcaption').textContent.includes('seed 1 ')")
    assert first["frame"] == f"switch:{len(categories)}"
    assert np.abs(first["pixels"].astype(int) - expected(categories[7], 1)).max() <= 1
    assert np.abs(settled["pixels"].astype(int) - first["pixels"].astype(int)).max() <= 1
    assert all(np.abs(d.astype(int) - first["pixels"]).max() <= 1 for d in first["drawn"]), "no flash back"
    assert page.locator(".st-key-gan_seed input").input_value() == "1", "the click reached Python"


CODES_BOXES = """() => { const r = [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
    .map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-codes')).find(Boolean);
    const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; };
    return {tracks: [...r.querySelectorAll('.lse-track')].map(box), image: box(r.querySelector('canvas')),
            caption: r.querySelector('figcaption').textContent}; }"""


def test_infogan_sliders_stay_put_whatever_the_category_caption_says(server, page):
    """On Fashion-MNIST some categories' captions are long ("draws a mix: 19% read as Shirt"): they wrap under the
    image, and the sliders keep their size and place under the student's finger whichever category is clicked."""
    from explorer.ui.shell.categories import categories_by_class

    b.open_page(page, server, "gan")
    b.set_dataset(page, "Fashion-MNIST")
    categories = categories_by_class("fashion-infogan")
    first = page.evaluate(CODES_BOXES)
    buttons = page.locator(".st-key-gan_c1 button")
    captions = set()
    for index in range(len(categories)):
        buttons.nth(index).click()
        page.wait_for_function("""(c) => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
            .map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-codes figcaption')).find(Boolean)
            .textContent.startsWith(c)""", arg=f"category {categories[index]} ")
        b.wait_idle(page)
        now = page.evaluate(CODES_BOXES)
        captions.add(now["caption"].split(" · ")[0])
        assert np.allclose(now["tracks"], first["tracks"], atol=0.5), (now["caption"], now["tracks"], first["tracks"])
        assert np.allclose(now["image"][:3], first["image"][:3], atol=0.5), now["caption"]
    assert any("mix" in c for c in captions) and len(captions) == len(categories), captions


def test_infogan_slider_keys_step_it_and_say_its_value(server, page):
    b.open_page(page, server, "gan")
    thumb = page.get_by_role("slider", name="c3 (width)")
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert thumb.get_attribute("aria-valuenow") == "-0.1"
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
        .map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-codes')).find(Boolean)
        ?.dataset.server === '0,-0.1'""", timeout=20_000)


def test_grid_pad_drag_decodes_in_the_browser_and_sets_the_sliders(server, page):
    b.open_page(page, server, "grid")
    b.install_paint_probe(page)
    assert_live(b.sweep(page, page.locator(".lse-area").first, (0.2, 0.3), (0.8, 0.7)), min_changes=50)
    b.wait_idle(page)
    shown = b.live_canvas(page)
    z = np.array([float(v) for v in shown["data"]["z"].split(",")])
    assert shown["server"] == shown["data"]["z"], "the release reached Python, which sent the same z back"
    sliders = page.locator("[data-testid=stSliderThumbValue]").all_inner_texts()
    assert [f"{v:.2f}" for v in z] == sliders[-2:], "z1 / z2 sliders show the released point"
    expected = to_uint8(decode(explorer.load_model("mnist-vae-2d"), z[None])[0])
    assert np.abs(shown["pixels"].astype(int) - expected).max() <= 1
    layout = page.evaluate("""() => { const pad = [...document.querySelectorAll(
        '[data-testid=stBidiComponentIsolated]')].map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-pad'))
        .find(Boolean);
        const area = pad.querySelector('.lse-area').getBoundingClientRect();
        const image = pad.querySelector('canvas').getBoundingClientRect();
        return {marker: getComputedStyle(pad.querySelector('.lse-marker')).position, gridRight: area.right,
                imageLeft: image.left, imageTop: image.top, gridTop: area.top}; }""")
    assert layout["marker"] == "absolute", "the pad's stylesheet is applied"
    assert layout["imageLeft"] > layout["gridRight"] and layout["imageTop"] < layout["gridTop"] + 100, \
        "at 1366 x 768 the decoded image sits beside the grid, not below it"
    b.screenshot(page, "live-grid-after-drag")


def test_gaps_hover_decodes_with_both_models_while_moving(server, page):
    b.open_page(page, server, "gaps")
    b.install_paint_probe(page)
    assert_live(b.sweep(page, page.locator(".st-key-gaps_map_ae .nsewdrag").first, (0.25, 0.5), (0.75, 0.45),
                        press=False))
    page.screenshot(path=str(b.SCREENSHOTS / "live-gaps-hover.png"))
    shown = [b.live_canvas(page, i) for i in range(2)]
    assert shown[0]["data"]["decoder"] == "mnist-ae-2d" and shown[1]["data"]["decoder"] == "mnist-vae-2d"
    zs = [np.array([float(v) for v in s["data"]["z"].split(",")]) for s in shown]
    from explorer import teaching
    from explorer.ui.teaching import data as lesson_data
    from explorer.ui.shell.bundle import bundle

    # over the AE's plane, the VAE decodes the same place among the test images (its own numbers differ)
    assert zs[1] == pytest.approx(teaching.linked(lesson_data.link("mnist", "ae"), zs[0]), abs=2e-3)
    for s, z in zip(shown, zs):
        expected = to_uint8(decode(explorer.load_model(s["data"]["decoder"]), z[None])[0])
        assert np.abs(s["pixels"].astype(int) - expected).max() <= 1
    # under each decode, the verdict of the nearest scored grid point of its own model's quality map
    from explorer import quality

    for s, z in zip(shown, zs):
        qmap = lesson_data.quality_map(bundle(s["data"]["decoder"]))
        inside = not np.isnan(quality.value_at(qmap, qmap.confidence, z))
        assert s["data"]["verdict"] == (str(int(quality.value_at(qmap, qmap.data_like, z))) if inside else "")
        if inside:
            assert int(s["data"]["predicted"]) == quality.value_at(qmap, qmap.predicted, z)
            assert float(s["data"]["confidence"]) == pytest.approx(quality.value_at(qmap, qmap.confidence, z),
                                                                   abs=2e-3)
    card = page.locator(".lse-card").first.inner_text()
    assert "data-like" in card or "outside its scored plane" in card, card
