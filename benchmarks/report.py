"""docs/benchmarks.md is written by several benchmarks, each owning one section between HTML comment markers
(``<!-- begin NAME -->`` ... ``<!-- end NAME -->``); :func:`write_section` replaces one and keeps the others."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from explorer.generated import blocks

ORDER = ("app", "live")          # sections in the order the page shows them


def stamp() -> str:
    """When a figure was measured, as every section says it: "2026-12-03 12:45 UTC"."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def write_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` as section ``name`` of the markdown file at ``path`` (created with a title if missing)."""
    old = path.read_text() if path.exists() else ""
    sections = blocks(old)
    sections[name] = text.rstrip() + "\n"
    names = [n for n in ORDER if n in sections] + sorted(set(sections) - set(ORDER))
    body = "\n".join(f"<!-- begin {n} -->\n{sections[n]}<!-- end {n} -->\n" for n in names)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# App benchmarks\n\n" + body)
