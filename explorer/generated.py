"""Generated parts of the project's Markdown files: a block between ``<!-- begin NAME -->`` and ``<!-- end NAME -->``
is written by code (``python -m explorer.evaluate``, the benchmarks) and never by hand; the text around it is."""

from __future__ import annotations

import re
from pathlib import Path

from .files import atomic_write


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"<!-- begin {re.escape(name)} -->\n(.*?)<!-- end {re.escape(name)} -->", re.S)


def blocks(text: str) -> dict[str, str]:
    """Every block of a Markdown text by name, in order."""
    return dict(re.findall(r"<!-- begin ([\w-]+) -->\n(.*?)<!-- end \1 -->", text, flags=re.S))


def read_block(path: Path, name: str) -> str:
    """The text of block ``name`` in the file at ``path`` (KeyError when it has none)."""
    found = _pattern(name).search(Path(path).read_text())
    if not found:
        raise KeyError(f"{path} has no block {name!r}")
    return found.group(1)


def write_block(path: Path, name: str, text: str) -> None:
    """Replace block ``name`` in the file at ``path`` with ``text`` (KeyError when it has none: where a block
    goes is the document's choice, made by hand once)."""
    path = Path(path)
    old = path.read_text()
    if not _pattern(name).search(old):
        raise KeyError(f"{path} has no block {name!r}")
    new = _pattern(name).sub(lambda _: f"<!-- begin {name} -->\n{text.rstrip()}\n<!-- end {name} -->", old, count=1)
    atomic_write(path, new)
