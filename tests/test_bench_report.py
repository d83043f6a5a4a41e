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


LIVE = """| Live widget | Target | Moves | Value changes | New images | Runs during | Move → frame | Release |
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


LOAD = """| sessions | action | count | p50 | p95 | errors |
|---:|---|---:|---:|---:|---:|
| 1 | open InfoGAN | 4 | 32 ms | **43 ms** | 0 |
| 1 | slider release → image | 4 | 21 ms | **9999 ms** |  |
| 30 | open InfoGAN | 120 | 69 ms | **1275 ms** | 2 |
| 30 | slider release → image | 120 | 20 ms | **81 ms** |  |
| 30 | map click → decode | 120 | 23 ms | **166 ms** |  |
| 30 | Gaps click → decode | 120 | 117 ms | **412 ms** |  |

| sessions | server RSS before | peak while they ran | peak growth per session | idle | held per session |
|---:|---:|---:|---:|---:|---:|
| 1 | 605 MB | 606 MB | 1.3 MB | 585 MB | -20.2 MB |
| 30 | 581 MB | 596 MB | 0.5 MB | 588 MB | 0.2 MB |
"""


def test_the_load_figures_are_those_of_the_most_sessions():
    f = report.load_figures(LOAD)
    assert f["sessions"] == 30 and f["errors"] == 2 and f["growth_mb"] == 0.5
    assert f["actions"]["slider release → image"] == (20.0, 81.0), "the 1-session row is not the class's"
    sentence = report.load_sentence(f)
    assert "30 students" in sentence and "the slowest, opening the InfoGAN page, waited 69 ms at the median and " \
        "1.3 s at p95" in sentence and "with 2 errors" in sentence
    assert "Gaps click in 117 ms (p95 412 ms)" in sentence
    without_memory = report.load_figures(LOAD.split("\n\n")[0])
    assert without_memory["growth_mb"] is None and "grew" not in report.load_sentence(without_memory)


@pytest.mark.parametrize("section", list(report.README_BLOCKS))
def test_the_readme_quotes_the_figures_of_docs_benchmarks(section):
    """Each README figure block is what :func:`benchmarks.report.readme_block` makes of its section."""
    block, text = report.readme_block(section, read_block(REPO / "docs" / "benchmarks.md", section))
    assert read_block(REPO / "README.md", block).strip() == text
