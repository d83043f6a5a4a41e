"""Train it yourself in a real browser: press Train, see the map redraw several times while it trains (screenshots
at 1366 x 768 and 1920 x 1080 mid-training), wait for the end, open the trained model on the Latent grid and drag
over its pad (mouse down, moves, up): the browser decodes with the model trained a moment ago."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

import explorer

from . import browser_app as b
from .test_walk_browser import overlaps, part_boxes

pytestmark = pytest.mark.browser

MAP_SIGNATURE = """() => { const gd = document.querySelectorAll('%s')[0];
    if (!gd || !gd._fullData) return null;
    const t = gd._fullData.filter(t => t.x && t.x.length);
    return t.length ? JSON.stringify(t.slice(0, 3).map(t => Array.from(t.x).slice(0, 4))) : null; }""" % b.PLOT


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("playwright")
    if not __import__("pathlib").Path(b.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {b.CHROMIUM}")
    from .test_train_live_app import need_training_split

    need_training_split("fashion")
    trained = tmp_path_factory.mktemp("trained")
    with b.streamlit_server(env={"EXPLORER_TRAINED": str(trained)}) as (url, _):
        yield url, trained


def test_train_watch_the_map_form_then_drag_over_the_model_on_the_latent_grid(server):
    url, trained = server
    console, collisions, failed = [], {}, []
    with b.chromium(1366, 768) as page:
        page.on("console", lambda m: m.type == "error" and console.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"{page.url}: {e}"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"HTTP {r.status} {r.url}"))
        page.goto(f"{url}/Train_it_yourself?dataset=fashion&train_images=4000&train_epochs=12&train_seed=2")
        b.wait_idle(page, 90_000)
        assert page.get_by_role("button", name="Train").is_enabled()
        assert page.evaluate(MAP_SIGNATURE) is None, "no map before Train"
        page.get_by_role("button", name="Train").click()
        pressed = time.perf_counter()
        page.mouse.move(5, 5)                             # no tooltip over the screenshots

        maps, shots, first_map, pausable = [], {}, None, False
        deadline = pressed + 120
        while time.perf_counter() < deadline:
            signature = page.evaluate(MAP_SIGNATURE)
            if signature is not None and (not maps or maps[-1] != signature):
                maps.append(signature)
                first_map = first_map or time.perf_counter() - pressed
            if len(maps) == 3 and not shots:              # mid-training, at both classroom sizes
                for width, height in ((1366, 768), (1920, 1080)):
                    page.set_viewport_size({"width": width, "height": height})
                    page.wait_for_timeout(700)
                    shots[width] = b.screenshot(page, f"train-live-mid-{width}")
                    boxes = part_boxes(page)
                    if found := overlaps(boxes):
                        collisions[width] = [(boxes[i]["kind"], boxes[j]["kind"]) for i, j in found]
                page.set_viewport_size({"width": 1366, "height": 768})
            pausable |= page.get_by_role("button", name="Pause").is_enabled()
            if page.get_by_text("Your model is ready").count():
                break
            page.wait_for_timeout(150)
        assert page.get_by_text("Your model is ready").count(), "the training finished"
        assert len(maps) >= 4, f"the map redrew while training ({len(maps)} different maps)"
        assert len(shots) == 2 and not collisions, collisions
        assert pausable, "Pause is offered while the model trains"
        progress = page.locator("[data-testid=stProgress]").first.inner_text()
        assert "Epoch 12 of 12" in progress, progress
        b.screenshot(page, "train-live-finished")
        (folder,) = [p for p in trained.iterdir() if p.name.startswith("yours-fashion-vae-2d-")]

        page.get_by_role("link", name="Open it on the Latent grid").click()
        page.wait_for_selector(".lse-area", timeout=90_000)
        b.wait_idle(page)
        checked = page.locator("[data-testid=stSidebar] [role=radiogroup] label:has(input:checked)").first
        assert checked.inner_text().startswith("Yours · VAE · 2-D · 4,000 images"), checked.inner_text()
        b.install_paint_probe(page)
        record = b.sweep(page, page.locator(".lse-area").first, (0.2, 0.3), (0.8, 0.7))
        figures = b.drag_figures(record)
        assert figures["value_changes"] >= 20 and figures["runs_during"] == 0, figures
        b.wait_idle(page)
        shown = b.live_canvas(page)
        z = np.array([float(v) for v in shown["data"]["z"].split(",")])
        from explorer.latent import decode
        from explorer.ui.kit.images import to_uint8

        expected = to_uint8(decode(explorer.load_model(folder), z[None])[0])
        assert np.abs(shown["pixels"].astype(int) - expected).max() <= 1, "the browser decodes the trained model"
        b.screenshot(page, "train-live-grid-after-drag")
    # Opening a page's URL directly, Streamlit's client also asks <page>/_stcore/health (and host-config), which 404 (not this page's
    # doing); every other failed request, and every other console error, counts.
    assert all("/Train_it_yourself/_stcore/" in f for f in failed), failed
    assert not [c for c in console if "Failed to load resource" not in c or not failed], console[:10]
    port = url.rsplit(":", 1)[1]
    log = (b.REPO / "artifacts" / f"streamlit-{port}.log").read_text()
    assert not [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|Traceback)\b", line)], log[-2000:]
