"""A walk through every page of the menu as a user clicks it, at a projector's 1366 x 768 and at 1920 x 1080
(headless Debian Chromium through Playwright, against its own server): no two of a page's images, captions and
charts overlap, the browser console holds no errors and the server log no warnings. Screenshots of every page
go to artifacts/screenshots/walk-*."""

from __future__ import annotations

import re

import pytest

from . import browser_app as b

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PARTS = ("[data-testid=stMain] [data-testid=stImage], [data-testid=stMain] [data-testid=stCaptionContainer], "
         "[data-testid=stMain] figure.lse-figure, "
         "[data-testid=stMain] [data-testid=stPlotlyChart], [data-testid=stMain] [data-testid=stMetric]")


@pytest.fixture(scope="module")
def server():
    with b.streamlit_server(preload=True) as (url, _):
        yield url


def overlaps(boxes: list[dict], slack: float = 2.0) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap by more than ``slack`` px in both directions (a box inside another, e.g. an
    image's caption inside the image element, is not a collision)."""
    def inside(a, c):
        return a["left"] >= c["left"] - 1 and a["right"] <= c["right"] + 1 and a["top"] >= c["top"] - 1 and \
            a["bottom"] <= c["bottom"] + 1

    out = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            c = boxes[j]
            dx = min(a["right"], c["right"]) - max(a["left"], c["left"])
            dy = min(a["bottom"], c["bottom"]) - max(a["top"], c["top"])
            if dx > slack and dy > slack and not inside(a, c) and not inside(c, a):
                out.append((i, j))
    return out


def test_overlaps_finds_collisions_and_ignores_nesting():
    box = lambda left, top, right, bottom: dict(left=left, top=top, right=right, bottom=bottom)  # noqa: E731
    assert overlaps([box(0, 0, 100, 100), box(90, 90, 200, 200)]) == [(0, 1)]
    assert overlaps([box(0, 0, 100, 100), box(10, 10, 50, 50)]) == []
    assert overlaps([box(0, 0, 100, 100), box(101, 0, 200, 100), box(0, 99, 100, 200)]) == []


def part_boxes(page) -> list[dict]:
    return page.evaluate(f"""() => [...document.querySelectorAll({PARTS!r})]
        .map(e => [e.getAttribute('data-testid'), e.getBoundingClientRect()])
        .filter(([_, r]) => r.width > 0 && r.height > 0)
        .map(([kind, r]) => ({{kind, left: r.left, top: r.top + scrollY, right: r.right,
                               bottom: r.bottom + scrollY}}))""")


def menu(page) -> list[str]:
    more = page.locator("[data-testid=stSidebarNavViewButton]")
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    links = page.locator("[data-testid=stSidebarNav] a")
    return [links.nth(i).inner_text().strip() for i in range(links.count())]


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_every_page_has_no_overlaps_no_console_errors_and_no_server_warnings(server, width, height):
    console, collisions = [], {}
    with b.chromium(width, height) as page:
        page.on("console", lambda m: m.type == "error" and console.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"{page.url}: {e}"))
        b.open_page(page, server, "home")
        names = menu(page)
        assert len(names) >= 13
        for i, name in enumerate(names):
            menu(page)
            page.locator("[data-testid=stSidebarNav] a").nth(i).click()
            b.wait_idle(page, 180_000)
            page.wait_for_timeout(1500)                       # charts and live components finish drawing
            assert not page.locator("[data-testid=stException]").count(), name
            boxes = part_boxes(page)
            found = overlaps(boxes)
            if found:
                collisions[name] = [(boxes[i]["kind"], boxes[j]["kind"]) for i, j in found]
            b.screenshot(page, f"walk-{width}-{i:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}")
    assert not collisions, collisions
    assert not console, console[:10]
    port = server.rsplit(":", 1)[1]
    log = (b.REPO / "artifacts" / f"streamlit-{port}.log").read_text()
    warnings = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|Traceback)\b", line)]
    assert not warnings, warnings[:10]
