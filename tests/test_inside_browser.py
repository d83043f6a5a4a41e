"""Inside the models in a real browser (1366 × 768): a test image picked by class and example, μ, σ, the KL and
the reconstruction read off the page and checked against the model; the σ-scale and ε dragged with the mouse
(down, moves, up), the decode changing during the drag with no script run, and the release reaching Python."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

import explorer
from explorer import elbo

from . import browser_app as b

pytestmark = pytest.mark.browser

CLASS, EXAMPLE = 7, 3


@pytest.fixture(scope="module")
def server():
    with b.app_with(["mnist-vae-2d", "mnist-ae-2d"]) as url:
        yield url


def numbers(text: str) -> list[float]:
    return [float(v.replace("−", "-")) for v in re.findall(r"[−-]?\d+\.\d+", text)]


def loss_line(page) -> list[float]:
    """(reconstruction, KL, KL z1, KL z2, negative ELBO) as the page writes them."""
    text = page.locator("[data-testid=stMarkdownContainer]", has_text="This image's loss").first.inner_text()
    return numbers(text)[:5]


def clip_shots_during_drag(page, track, start: float, end: float, steps: int = 12) -> tuple[int, dict]:
    """Drag ``track`` from fraction ``start`` to ``end`` of its width, a screenshot of x̂'s canvas after each move;
    returns the number of distinct clips and the paint probe's record of the drag."""
    box = track.bounding_box()
    canvas = page.locator("canvas[data-slot=xhat]")
    y = box["y"] + box["height"] / 2
    at = lambda f: box["x"] + f * box["width"]  # noqa: E731
    page.evaluate("() => { const p = window.__paint; p.moves = []; p.runs = 0; p.hover = false; p.record = true; }")
    page.mouse.move(at(start), y)
    page.mouse.down()
    shots = []
    for i in range(1, steps + 1):
        page.mouse.move(at(start + (end - start) * i / steps), y, steps=2)
        page.wait_for_timeout(30)
        shots.append(canvas.screenshot())
    record = page.evaluate("() => ({moves: window.__paint.moves, runs: window.__paint.runs})")
    page.mouse.up()
    return len(set(shots)), record


def test_the_diagram_shows_the_models_numbers_and_follows_the_mouse_live(server):
    model = explorer.load_model("mnist-vae-2d")
    images, labels = explorer.load_dataset("mnist", "test")
    index = int(np.flatnonzero(labels == CLASS)[EXAMPLE])
    with b.chromium(1366, 768) as page:
        b.open_page(page, server, "inside", f"?inside_class={CLASS}&inside_example={EXAMPLE}")
        page.wait_for_selector("canvas[data-slot=xhat][data-z]", timeout=60_000)
        assert f"test image #{index}: {CLASS}" in page.locator(".lsi-vae").inner_text()

        # μ and σ in the diagram, the KL and the reconstruction in the loss line: the model's, for ε = 0
        t = elbo.image_terms(model, images[index:index + 1], np.zeros((1, 2)))
        mu = numbers(page.locator("[data-slot=mu]").inner_text())
        sigma = numbers(page.locator("[data-slot=sigma]").inner_text())
        assert np.allclose(mu, t.mu[0], atol=0.006) and np.allclose(sigma, t.sigma[0], atol=0.0006)
        recon, kl, k1, k2, total = loss_line(page)
        assert abs(kl - t.kl[0]) < 0.006 and abs(k1 - t.kl_dims[0, 0]) < 0.006 and abs(k2 - t.kl_dims[0, 1]) < 0.006
        assert abs(recon - t.recon[0]) < 0.006 and abs(total - t.nelbo[0]) < 0.006

        # ε1 and then the σ-scale, dragged: x̂ changes during the drag, no script runs until the release
        b.install_paint_probe(page)
        # (ε1 first: at ε = 0 the σ-scale moves only the samples, not x̂)
        for control, (start, end) in (("e1", (0.5, 0.95)), ("s", (0.1, 0.9))):
            track = page.locator(f".lse-slider[data-control={control}] .lse-track")
            track.scroll_into_view_if_needed()
            distinct, record = clip_shots_during_drag(page, track, start, end)
            figures = b.drag_figures(record)
            assert distinct >= 8, (control, distinct)
            assert figures["runs_during"] == 0 and figures["new_images"] >= 8, (control, figures)
            print(f"{control}: {distinct} distinct clips of 12 moves; frame after move median "
                  f"{figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms")
            # the release reaches Python: the URL carries the new value and the loss line follows it
            key = {"s": "inside_scale", "e1": "inside_eps1"}[control]
            page.wait_for_function(f"() => location.search.includes('{key}=')", timeout=30_000)
            b.wait_idle(page)

        # the loss after the release is the model's at the ε the URL now holds (σ at its trained size)
        query = dict(kv.split("=") for kv in page.evaluate("() => location.search.slice(1)").split("&"))
        eps = np.array([[float(query.get("inside_eps1", 0)), float(query.get("inside_eps2", 0))]])
        assert eps[0, 0] > 1.0, query
        t = elbo.image_terms(model, images[index:index + 1], eps)
        deadline = time.time() + 30
        while abs(loss_line(page)[0] - t.recon[0]) >= 0.006 and time.time() < deadline:
            page.wait_for_timeout(300)
        recon, kl, *_ = loss_line(page)
        assert abs(recon - t.recon[0]) < 0.006 and abs(kl - t.kl[0]) < 0.006
        # and the decode the browser painted is the model's decode of the z it shows (one grey level: float16)
        z = [float(v) for v in page.locator("canvas[data-slot=xhat]").get_attribute("data-z").split(",")]
        scale = float(query.get("inside_scale", 1))
        assert np.allclose(z, t.mu[0] + scale * t.sigma[0] * eps[0], atol=2e-4)
        b.screenshot(page, "inside-vae-after-drag")
