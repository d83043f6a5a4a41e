"""The app in a real browser (headless Debian Chromium through Playwright, against its own ``streamlit run``):
plot clicks and slider moves that AppTest cannot do, and a screenshot of every page in artifacts/screenshots/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import explorer
from explorer.ui.shell.pages import PAGES

from . import browser_app as b

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server():
    with b.app_with(["mnist-vae-2d"]) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with b.chromium() as p:
        yield p


def right_panel_images(page) -> list[str]:
    return page.eval_on_selector_all("[data-testid=stImage] img", "els => els.map(e => e.src)")


def test_click_a_point_shows_original_and_reconstruction(server, page):
    b.open_page(page, server, "map")
    traces = b.trace_points(page)
    assert traces[0]["name"] == "empty space" and len(traces) == 11
    threes = traces[4]                                   # trace 0 is the click grid; class k is trace k + 1
    i = b.isolated_point(traces, 4)
    hovered = b.hover_then_click(page, threes["x"][i], threes["y"][i], expect_curve=4)
    assert hovered == {"curve": 4, "index": i}
    page.get_by_text("Test image #").first.wait_for()
    b.wait_idle(page)
    assert "class 3" in page.locator("[data-testid=stMarkdown]", has_text="Test image #").first.inner_text()
    captions = page.locator("[data-testid=stImageCaption]").all_inner_texts()
    assert captions[:2] == ["original", "reconstruction"]
    assert len(right_panel_images(page)) >= 2
    b.screenshot(page, "map-point-click")
    page.wait_for_function("() => location.search.includes('map_pick=p')")
    shown = page.locator("[data-testid=stMarkdown]", has_text="Test image #").first.inner_text()
    page.reload()                                      # a reload (or the link, elsewhere) keeps the clicked image
    page.get_by_text("Test image #").first.wait_for(timeout=60_000)
    b.wait_idle(page)
    assert page.locator("[data-testid=stMarkdown]", has_text="Test image #").first.inner_text() == shown
    assert page.locator(".st-key-map_chart .lse-pin").is_visible(), "the ring is back on the clicked point"


def test_click_empty_space_decodes_there(server, page):
    b.open_page(page, server, "map")
    grid = b.trace_points(page)[0]
    i = len(grid["x"]) // 3
    page.wait_for_timeout(500)
    hovered = b.hover_then_click(page, grid["x"][i], grid["y"][i], expect_curve=0)
    assert hovered and hovered["curve"] == 0
    page.get_by_text("Decoded at").first.wait_for()
    b.wait_idle(page)
    assert page.get_by_text("Exact:").count() == 1
    assert page.locator("[data-testid=stImageCaption]").all_inner_texts()[0] == "decoded from the clicked position"
    pin = page.locator(".st-key-map_chart .lse-pin")          # drawn by the browser over the unchanged figure
    assert pin.is_visible()
    x, y = map(float, pin.get_attribute("data-pin").split(","))
    assert x == pytest.approx(grid["x"][hovered["index"]], rel=1e-3)
    assert y == pytest.approx(grid["y"][hovered["index"]], rel=1e-3)
    b.screenshot(page, "map-empty-click")


@pytest.mark.slow
def test_click_empty_space_on_a_umap_map_is_approximate(server, page):
    if "mnist-vae-16d" not in explorer.list_models():
        pytest.skip("mnist-vae-16d not shipped")
    if not explorer.checkpoints.CheckpointFolder.find("mnist-vae-16d").has("projection-umap.npz"):
        pytest.skip("no precomputed UMAP map (python -m explorer.projection)")
    b.open_page(page, server, "map")
    b.select_option(page, "Model", "VAE · 16-D latent")
    b.select_option(page, "Projection", "UMAP")
    grid = b.trace_points(page)[0]
    i = len(grid["x"]) // 2
    b.hover_then_click(page, grid["x"][i], grid["y"][i], expect_curve=0)
    # The first UMAP inverse_transform in a fresh environment compiles numba code (a minute, more on busy cores).
    page.get_by_text("Approximate:").first.wait_for(timeout=180_000)
    assert "nearest test image" in page.locator("[data-testid=stMarkdown]", has_text="Approximate:").first.inner_text()
    b.screenshot(page, "map-umap-empty-click")


def test_infogan_slider_changes_the_image_with_the_live_widgets_off(server, page):
    """The fallback: the sidebar's "Live widgets" toggle off gives Streamlit's sliders and server images."""
    shipped = [ds for ds in ("mnist", "fashion") if f"{ds}-infogan" in explorer.list_models()]
    if not shipped:
        pytest.skip("no InfoGAN checkpoint shipped")
    b.open_page(page, server, "home")
    b.set_dataset(page, explorer.DATASETS[shipped[0]].title)
    page.locator("[data-testid=stSidebarNav] a", has_text="InfoGAN codes").click()
    b.wait_idle(page, 120_000)
    page.locator("[data-testid=stSidebar]").get_by_text("Live widgets").click()
    b.wait_idle(page)
    assert page.locator(".lse-codes").count() == 0
    before = right_panel_images(page)[0]
    for step in range(1, 5):      # each press is a rerun: wait for its image before the next press
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(c) => document.querySelector('[data-testid=stImageCaption]')?.innerText"
                               ".includes(c)", arg=f"c2 +{0.05 * step:.2f}", timeout=60_000)
    assert right_panel_images(page)[0] != before
    b.screenshot(page, "infogan-slider-moved")


@pytest.mark.slow
def page_title(path: str, dataset: str) -> str:
    """The title a page shows: its script's ``st.title``, or the Your own page's, which names a digit or an image."""
    if path.endswith("04_Your_own.py"):
        return "Your own " + ("digit" if dataset == "MNIST" else "image")
    tree = ast.parse((REPO / path).read_text())
    return next(c.args[0].value for c in ast.walk(tree)
                if isinstance(c, ast.Call) and ast.unparse(c.func) == "st.title")


@pytest.mark.parametrize("dataset", ["MNIST", "Fashion-MNIST"])
def test_screenshot_every_page(server, page, dataset):
    """Every page of the menu, in the registry's order, opens under its own title with no exception, and shows what
    it is for: a picture (image, canvas or chart), or, where this server lacks the page's model, the guard's
    message naming what to train. Saved for a look."""
    b.open_page(page, server, "home")
    b.set_dataset(page, dataset)
    links = page.locator("[data-testid=stSidebarNav] a")
    names = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
    by_title = {p.title: p for p in PAGES}
    assert len(names) >= 5 and all(n in by_title for n in names), names
    for i, name in enumerate(names):
        registered = by_title[name]
        page.locator("[data-testid=stSidebarNav] a").nth(i).click()
        b.wait_idle(page, 180_000)
        assert page.locator("[data-testid=stException]").count() == 0, f"{name} shows an exception"
        assert page.locator("h1").first.inner_text().strip() == page_title(registered.path, dataset)
        pictures = page.locator("[data-testid=stImage] img, [data-testid=stPlotlyChart], canvas, .lse-flipbook, "
                                "[data-testid=stHtml] img, [data-testid=stDataFrame]")
        guards = page.locator("[data-testid=stAlertContentWarning], [data-testid=stAlertContentError]")
        said = " ".join(guards.all_inner_texts())
        assert pictures.count() > 0 or "python -m explorer.train" in said or "shipped" in said, (name, said)
        label = name.replace("home", "").strip().lower().replace(" ", "-") or "home"
        b.screenshot(page, f"{dataset.lower()}-{i}-{label}")


@pytest.mark.slow
def test_a_tab_closed_mid_fit_leaves_other_sessions_fits_working(server, page):
    """One session starts a custom UMAP and its tab is closed mid-fit; another session's custom UMAP of another
    model still finishes, and the abandoned map is kept for whoever asks for it next."""
    for name in ("mnist-vae-16d", "mnist-ae-16d"):
        if name not in explorer.list_models():
            pytest.skip(f"{name} not shipped")

    def custom_umap(page, model: str, neighbors_steps: int) -> None:
        b.open_page(page, server, "map")
        b.select_option(page, "Model", model)
        b.select_option(page, "Projection", "UMAP")
        slider = page.get_by_role("slider", name="n_neighbors")
        slider.focus()
        for _ in range(neighbors_steps):
            slider.press("ArrowRight")
        page.get_by_role("button", name="Apply UMAP parameters").click()

    browser = page.context.browser                                     # the module's browser, new tabs
    first = browser.new_page(viewport={"width": 1366, "height": 768})
    first.set_default_timeout(120_000)
    custom_umap(first, "VAE · 16-D latent", 3)
    first.get_by_text("UMAP of", exact=False).first.wait_for()    # the fit is under way
    first.close()                                                  # the student leaves mid-fit
    second = browser.new_page(viewport={"width": 1366, "height": 768})
    second.set_default_timeout(180_000)
    custom_umap(second, "Autoencoder · 16-D latent", 4)
    second.wait_for_selector(b.PLOT)
    b.wait_idle(second, 180_000)
    assert not second.get_by_text("UMAP of", exact=False).count(), "the second session's fit finished"
    assert not second.locator("[data-testid=stException]").count()
    custom_umap(second, "VAE · 16-D latent", 3)                   # the abandoned map: kept, no new fit
    b.wait_idle(second, 180_000)
    assert not second.locator("[data-testid=stException]").count()
    second.close()
