"""benchmarks/report.py: each benchmark replaces its own section of docs/benchmarks.md and keeps the others."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import write_section  # noqa: E402


def test_a_section_is_replaced_and_the_others_kept(tmp_path):
    doc = tmp_path / "benchmarks.md"
    write_section(doc, "live", "live v1\n")
    write_section(doc, "app", "app v1\n")
    write_section(doc, "live", "live v2\n")
    text = doc.read_text()
    assert text.startswith("# App benchmarks")
    assert "live v1" not in text and "live v2" in text and "app v1" in text
    assert text.index("app v1") < text.index("live v2"), "sections keep the page's order"
