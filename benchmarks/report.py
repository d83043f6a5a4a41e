"""docs/benchmarks.md is written by several benchmarks, each owning one section between HTML comment markers
(``<!-- begin NAME -->`` ... ``<!-- end NAME -->``); :func:`write_section` replaces one and keeps the others. The
README quotes a few sections' figures in generated blocks of its own, made by :func:`readme_block` (never by
hand)."""

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


def load_figures(section: str) -> dict:
    """The figures the README quotes from a load section, at its largest number of sessions: per action its p50
    and p95 (ms), the errors, and the server's peak growth per session (MB; None when memory was not measured)."""
    actions, errors, growth = {}, {}, {}
    for row in section.splitlines():
        cells = _cells(row)
        p95 = re.fullmatch(r"\*\*(\d+) ms\*\*", cells[4]) if len(cells) == 6 else None
        if p95 and cells[0].isdigit():
            n = int(cells[0])
            actions.setdefault(n, {})[cells[1]] = (float(cells[3].removesuffix(" ms")), float(p95[1]))
            if cells[5]:
                errors[n] = errors.get(n, 0) + int(cells[5])
        elif len(cells) == 6 and cells[0].isdigit() and cells[3].endswith(" MB"):
            growth[int(cells[0])] = float(cells[3].removesuffix(" MB"))
    if not actions:
        raise ValueError("the load section has no table of actions")
    n = max(actions)
    return {"sessions": n, "actions": actions[n], "errors": errors.get(n, 0), "growth_mb": growth.get(n)}


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _slowest(f: dict) -> tuple[str, tuple[float, float]]:
    return max(f["actions"].items(), key=lambda item: item[1][1])


LOAD_WORDS = {"open InfoGAN": "opening the InfoGAN page", "open Latent map": "opening the Latent map",
              "open Gaps": "opening Gaps", "open Lesson": "opening the Lesson", "Lesson Next": "the Lesson's Next",
              "slider release → image": "an InfoGAN slider release", "map click → decode": "a map click",
              "Gaps click → decode": "a Gaps click"}


def load_sentence(f: dict) -> str:
    """The README's sentence of :func:`load_figures` for one server."""
    a = f["actions"]
    slider, click, gaps = a["slider release → image"], a["map click → decode"], a["Gaps click → decode"]
    name, (p50, p95) = _slowest(f)
    grew = "" if f["growth_mb"] is None else f"the server grew by about {f['growth_mb']:.1f} MB per student, "
    errors = "no errors" if f["errors"] == 0 else f"{f['errors']} errors"
    return (f"Measured here with {f['sessions']} students acting every 1–2 s: an InfoGAN slider release came back in "
            f"{_duration(slider[0])} (p95 {_duration(slider[1])}), a map click in {_duration(click[0])} and a Gaps "
            f"click in {_duration(gaps[0])} (p95 {_duration(gaps[1])}); the slowest, {LOAD_WORDS.get(name, name)}, "
            f"waited {_duration(p50)} at the median and {_duration(p95)} at p95; {grew}with {errors} (the table in "
            "[docs/benchmarks.md](docs/benchmarks.md), `python benchmarks/load_test.py`).")


def proxy_sentence(f: dict) -> str:
    """The README's sentence of :func:`load_figures` for the replicas behind the proxy."""
    name, (_, p95) = _slowest(f)
    return (f"Measured with {f['sessions']} students: the slowest p95 ({LOAD_WORDS.get(name, name)}) "
            f"{_duration(p95)}, with {'no' if f['errors'] == 0 else f['errors']} errors "
            "([docs/benchmarks.md](docs/benchmarks.md)).")


README_BLOCKS = {"live": ("live-figures", lambda s: live_sentence(live_figures(s))),
                 "load": ("load-figures", lambda s: load_sentence(load_figures(s))),
                 "load-proxy": ("load-proxy-figures", lambda s: proxy_sentence(load_figures(s)))}


def readme_block(section_name: str, section: str) -> tuple[str, str]:
    """The README block (name, text) that quotes a docs/benchmarks.md section."""
    block, sentence = README_BLOCKS[section_name]
    return block, sentence(section)
