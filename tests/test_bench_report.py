"""benchmarks/report.py: each benchmark replaces its own section of docs/benchmarks.md and keeps the others; the
README quotes a section's figures through one function, and says what the section says."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import report  # noqa: E402
from benchmarks.report import write_section  # noqa: E402
from explorer.generated import read_block  # noqa: E402


def test_a_section_is_replaced_and_the_others_kept(tmp_path):
    doc = tmp_path / "benchmarks.md"
    write_section(doc, "live", "live v1\n")
    write_section(doc, "app", "app v1\n")
    write_section(doc, "live", "live v2\n")
    text = doc.read_text()
    assert text.startswith("# App benchmarks")
    assert "live v1" not in text and "live v2" in text and "app v1" in text
    assert text.index("app v1") < text.index("live v2"), "sections keep the page's order"


LIVE = """| Live widget | Target | Moves | Value changes | New images | Runs during | Move → frame, median / p95 | Release |
|---|---|---:|---:|---:|---:|---:|---:|
| A slider (drag) | t | 375 | 96 | 96 (100%) | 0 | **11.4 / 12.9 ms** | 85 ms |
| A plane (hover) | t | 378 | 377 | 340 (90%) | 2 | **15.6 / 18.8 ms** | – |

| Click that goes to the server | Target | Median | All (ms) |
|---|---|---:|---|
| A map: a point | ≤ 150 ms median | **118 ms** | 84, 100 |
| Gaps: a click | ≤ 150 ms median | **96 ms** | 83, 87 |
| Lesson: Next ▶ → the step's view settled | ≤ 500 ms median | **233 ms** | 329, 262 |
"""


def test_the_live_figures_are_read_from_the_section_s_tables():
    f = report.live_figures(LIVE)
    assert f == {"drag_ms": (11.4, 15.6), "new_images": 90, "runs_during": 2, "click_ms": (96.0, 118.0)}
    sentence = report.live_sentence(f)
    assert "(11–16 ms median)" in sentence and "96–118 ms median" in sentence, "the Lesson's 233 ms is no click"
    assert "90 % of the moves" in sentence and "at most 2 script reruns" in sentence
    with pytest.raises(ValueError, match="no drag or no click rows"):
        report.live_figures("| just | a | table |")


def test_the_readme_quotes_the_live_figures_of_docs_benchmarks():
    section = read_block(REPO / "docs" / "benchmarks.md", "live")
    assert read_block(REPO / "README.md", "live-figures").strip() == report.live_sentence(report.live_figures(section))
