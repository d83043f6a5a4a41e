"""docs/benchmarks.md is written by several benchmarks, each owning one section between HTML comment markers
(``<!-- begin NAME -->`` ... ``<!-- end NAME -->``); :func:`write_section` replaces one and keeps the others."""

from __future__ import annotations

import re
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


# --- what the README quotes from a section ---------------------------------------------------------------------------

def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def live_figures(section: str) -> dict:
    """The figures the README quotes from the live section: the drags' and hovers' medians (ms), their smallest
    share of new images (%), their most script runs during a drag, and the medians of the clicks that go to the
    server (ms; the Lesson's step is not a click on a map)."""
    drags, shares, runs, clicks = [], [], [], []
    for row in section.splitlines():
        cells = _cells(row)
        frame = re.fullmatch(r"\*\*([\d.]+) / [\d.]+ ms\*\*", cells[6]) if len(cells) == 8 else None
        if frame:
            drags.append(float(frame[1]))
            shares.append(int(re.search(r"\((\d+)%\)", cells[4])[1]))
            runs.append(int(cells[5]))
        click = re.fullmatch(r"\*\*(\d+) ms\*\*", cells[2]) if len(cells) == 4 else None
        if click and not cells[0].startswith("Lesson"):
            clicks.append(float(click[1]))
    if not drags or not clicks:
        raise ValueError("the live section has no drag or no click rows")
    return {"drag_ms": (min(drags), max(drags)), "new_images": min(shares), "runs_during": max(runs),
            "click_ms": (min(clicks), max(clicks))}


def live_sentence(f: dict) -> str:
    """The README's sentence of :func:`live_figures`."""
    new = "a new image for every move" if f["new_images"] == 100 else \
        f"a new image for {f['new_images']} % of the moves"
    runs = "no script rerun" if f["runs_during"] == 0 else f"at most {f['runs_during']} script reruns"
    return (f"Measured in headless Chromium on this 2-core CPU machine: pointer move → new image in the next "
            f"animation frame ({f['drag_ms'][0]:.0f}–{f['drag_ms'][1]:.0f} ms median), {new} that changes the value, "
            f"{runs} during a drag; a click that goes to the server (to show a test image, score a point, or take a "
            f"UMAP position back) {f['click_ms'][0]:.0f}–{f['click_ms'][1]:.0f} ms median "
            "([docs/benchmarks.md](docs/benchmarks.md), `python benchmarks/bench_live.py`).")
