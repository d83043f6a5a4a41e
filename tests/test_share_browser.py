"""Shareable views and layout in a real browser (headless Debian Chromium through Playwright): a view's URL opens the
same view in a fresh browser, the sidebar's link shows it, and the layout faults of the explore pages stay fixed at
1366 x 768 and 1920 x 1080 (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import pytest

from . import browser_app as b

pytestmark = pytest.mark.browser
SIZES = [(1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def server():
    with b.app_with(["mnist-vae-2d", "fashion-vae-2d", "fashion-infogan"]) as url:
        yield url


def fresh_page(width: int = 1366, height: int = 768):
    """A new browser (no cookies, no session): what opening a shared link elsewhere is."""
    return b.chromium(width, height)


def grid_size(page) -> str:
    return page.locator("[data-testid=stSliderThumbValue]").first.inner_text().strip()


def test_a_view_moved_in_the_page_reopens_from_its_url_in_a_fresh_browser(server):
    with fresh_page() as page:
        b.open_page(page, server, "grid")
        b.set_dataset(page, "Fashion-MNIST")
        slider = page.get_by_role("slider").first                      # grid size, 15
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(300)
        b.wait_idle(page)
        b.select_option(page, "Spacing", "by the prior")
        page.wait_for_function("() => location.search.includes('grid_size=12')")
        shared = page.url
        assert "dataset=Fashion-MNIST" in shared and "grid_spacing=" in shared
        assert page.locator(".lse-link-url").input_value() == shared, "the sidebar shows the link to this view"
        page.reload()
        b.wait_idle(page, 120_000)
        assert grid_size(page) == "12", "a reload keeps the view"
    with fresh_page() as other:
        other.goto(shared)
        b.wait_idle(other, 120_000)
        assert grid_size(other) == "12"
        assert other.locator("[data-testid=stSidebar] [data-testid=stSelectbox] input").first.input_value() \
            == "Fashion-MNIST"
        assert other.get_by_role("radiogroup", name="Spacing").locator("label:has(input:checked)").inner_text() \
            .strip() == "by the prior"


def test_a_crafted_link_opens_the_page_with_defaults_and_no_error(server):
    with fresh_page() as page:
        b.open_page(page, server, "gan", "?dataset=Klingon&gan_c2=nan&gan_seed=-4&gan_c1=%3Cscript%3E&step=2")
        assert page.locator("[data-testid=stException]").count() == 0
        assert page.locator("[data-testid=stSidebar] [data-testid=stSelectbox] input").first.input_value() == "MNIST"
        assert "step=2" in page.url and "gan_c2" not in page.url and "Klingon" not in page.url


def box(locator) -> dict:
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                            "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_explore_pages_have_no_layout_faults(server, width, height):
    with fresh_page(width, height) as page:
        # Latent grid: the "Encodings" toggle's label is not cut off
        b.open_page(page, server, "grid")
        label = page.locator(".st-key-grid_overlay label").first
        assert label.inner_text().strip() == "Encodings"
        assert not label.evaluate("e => [...e.querySelectorAll('*')]"
                                  ".some(c => c.textContent.trim() && c.scrollWidth > c.clientWidth + 1)")
        b.screenshot(page, f"layout-grid-{width}")
        # Latent map: Plotly's toolbar sits above the legend's title
        b.open_page(page, server, "map")
        page.locator(b.PLOT).first.hover()
        page.wait_for_timeout(400)
        toolbar, legend_title = box(page.locator(".modebar").first), box(page.locator(".legendtitletext").first)
        assert toolbar["bottom"] <= legend_title["top"] + 1, (toolbar, legend_title)
        b.screenshot(page, f"layout-map-{width}")
        # InfoGAN: "trained range" is printed above the traversal strips, not over their top row
        b.open_page(page, server, "gan", "?dataset=Fashion-MNIST")
        strip = page.locator(b.PLOT).first
        strip.scroll_into_view_if_needed()
        label, image = box(strip.locator(".annotation").first), box(strip.locator("image").first)
        assert label["bottom"] <= image["top"] + 1 and label["top"] < label["bottom"], (label, image)
        b.screenshot(page, f"layout-infogan-{width}")
        # Models: the table is as tall as its rows (no empty trailing row) and has no empty "problem" column
        b.open_page(page, server, "models")
        table = page.locator("[data-testid=stDataFrame]").first
        headers = table.locator("[role=columnheader]").all_inner_texts()
        assert "problem" not in " ".join(headers).lower()
        rows = table.evaluate("e => e.querySelector('[role=grid], table')?.getAttribute('aria-rowcount')")
        grid_box = box(table)
        assert rows is not None and int(rows) > 1
        row_px = (grid_box["bottom"] - grid_box["top"]) / int(rows)     # header + rows, each one row tall
        assert 33 <= row_px <= 37.5, (rows, grid_box)
