"""The family pages' flipbooks in a real browser: a mouse drag across the slider swaps every panel's image while the
pointer moves with no script run until the release, the release reaches Python, and keys step the slider."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.recipes import BETAS
from explorer.names import beta_name

from . import browser_app as b
from .test_live_browser import assert_live

pytestmark = pytest.mark.browser

MODELS = ["mnist-ae-2d", "mnist-vae-2d", "mnist-classifier", *(beta_name("mnist", x) for x in BETAS), "mnist-dae",
          "mnist-ae-16d", "mnist-vae-16d", "mnist-infogan"]

SERVER_INDEX = """() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
    .map(e => e.shadowRoot && e.shadowRoot.querySelector('.lse-flipbook')).find(Boolean)?.dataset.server"""


@pytest.fixture(scope="module")
def server():
    with b.app_with(MODELS) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with b.chromium(1366, 768) as p:
        yield p


def flipbook_pixels(page) -> list[np.ndarray]:
    """Every flipbook image canvas's pixels (RGBA)."""
    shots = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]
        .flatMap(h => h.shadowRoot ? [...h.shadowRoot.querySelectorAll('.lse-flipbook canvas.lse-image')] : [])
        .map(c => ({w: c.width, h: c.height, d: Array.from(c.getContext('2d').getImageData(0, 0, c.width,
                                                                                             c.height).data)}))""")
    return [np.array(s["d"], np.uint8).reshape(s["h"], s["w"], 4) for s in shots]


@pytest.mark.parametrize("which, label, lo, hi", [("beta", "β, the KL term's weight", 0, 6),
                                                  ("denoise", "Noise amount", 0, 30),
                                                  ("samples", "Temperature (σ of z)", 0, 4)])
def test_a_flipbook_drag_swaps_its_images_while_moving_and_the_release_reaches_python(server, page, which,
                                                                                       label, lo, hi):
    b.open_page(page, server, which)
    b.install_paint_probe(page)
    thumb = page.get_by_role("slider", name=label)
    before = flipbook_pixels(page)
    figures = assert_live(b.sweep(page, page.locator(".lse-flipbook .lse-track").first, (0.0, 0.5), (1.0, 0.5),
                                  seconds=2.0), min_changes=min(hi - lo - 1, 20))
    b.screenshot(page, f"family-{which}-after-drag")
    assert thumb.get_attribute("aria-valuenow") == str(hi)
    page.wait_for_function(f"() => ({SERVER_INDEX})() === '{hi}'", timeout=30_000)
    after = flipbook_pixels(page)
    assert any(not np.array_equal(x, y) for x, y in zip(before, after))
    assert figures["runs_during"] == 0


def test_flipbook_keys_step_it_and_the_value_reaches_python(server, page):
    b.open_page(page, server, "beta")
    thumb = page.get_by_role("slider", name="β, the KL term's weight")
    start = int(thumb.get_attribute("aria-valuenow"))
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    assert int(thumb.get_attribute("aria-valuenow")) == start - 1
    assert thumb.get_attribute("aria-valuetext") == ["0 (autoencoder)", "0.01", "0.03", "0.1", "0.3", "1 (VAE)",
                                                     "2"][start - 1]
    page.wait_for_function(f"() => ({SERVER_INDEX})() === '{start - 1}'", timeout=30_000)
