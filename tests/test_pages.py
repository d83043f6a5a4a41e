"""The page registry is the one list of pages: every file in pages/ is in it once, in menu order."""

from pathlib import Path

from explorer.ui.shell import pages

REPO = Path(__file__).resolve().parent.parent


def test_every_page_file_is_registered_once_in_file_order():
    files = sorted(f"pages/{p.name}" for p in (REPO / "pages").glob("*.py"))
    assert [p.path for p in pages.PAGES] == files
    assert len({p.title for p in pages.PAGES}) == len(pages.PAGES)
    assert [p.group for p in pages.PAGES].count("home") == 1 and pages.PAGES[0].group == "home"
    assert all(p.blurb.strip() for p in pages.PAGES)
