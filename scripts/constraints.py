"""Print constraints.txt: the exact versions installed in this environment of every package requirements-dev.txt
pulls in (its dependency closure; torch left out: scripts/setup.sh installs the build for the machine, and a GPU
build installed first is kept). ``.venv/bin/python scripts/constraints.py > constraints.txt``."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEFT_OUT = {"torch"}


def roots(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names += roots(path.parent / line[3:].strip())
        elif line:
            names.append(re.match(r"[A-Za-z0-9_.\-]+", line).group(0))
    return names


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(names: list[str]) -> dict[str, str]:
    """{canonical name: installed version} of ``names`` and everything they require (markers evaluated here)."""
    from packaging.requirements import Requirement

    found, todo = {}, [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in found or name in LEFT_OUT:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[name] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonical(req.name))
    return found


def main() -> None:
    pins = closure(roots(REPO / "requirements-dev.txt"))
    print("# Exact versions the tests last passed with (scripts/setup.sh installs with -c constraints.txt). Refresh on "
          "purpose, after a full test run on the new versions: .venv/bin/python scripts/constraints.py > "
          "constraints.txt")
    print(f"# python {sys.version_info.major}.{sys.version_info.minor}   (scripts/setup.sh uses this file on that Python "
          "only; on another it installs from the lower bounds alone)")
    for name in sorted(pins):
        print(f"{name}=={pins[name]}")


if __name__ == "__main__":
    sys.exit(main())
