"""The house rules of docs/architecture.md, read off the code: imports only go down, feature folders never import
each other, no import circle, no Streamlit below the UI, pages are a title and one view call."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "explorer" / "ui"
# The layers of explorer/ui, lowest first: a module may import its own layer's modules and those below it.
LAYERS = ("kit", "shell", "widgets")
FEATURES = ("latent_map", "latent_grid", "infogan", "own", "models", "teaching", "inside")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """(imported module, statement, at module level) for every import of ``path``; ``from a import b`` counts as
    ``a.b`` when that is a module of the project."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                is_module = (ROOT / Path(*full.split("."))).with_suffix(".py").exists() or \
                    (ROOT / Path(*full.split("."))).is_dir()
                found.append((full if is_module else node.module, node, id(node) in top))
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["explorer", "ui"] else None


UI_MODULES = {module_name(p): p for p in sorted(UI.rglob("*.py"))}


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go sideways or up between the UI's folders."""
    bad = []
    for source, targets in graph.items():
        a = layer_of(source)
        for target in targets:
            b = layer_of(target)
            if a is None or b is None or a == b:
                continue
            if a in FEATURES and b in FEATURES:
                bad.append(f"{source} -> {target}: feature folders do not import each other")
            elif a in LAYERS and (b in FEATURES or LAYERS.index(b) > LAYERS.index(a)):
                bad.append(f"{source} -> {target}: {a} is below {b}")
    return bad


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def ui_graph(module_level_only: bool = True) -> dict[str, set[str]]:
    graph = {}
    for name, path in UI_MODULES.items():
        targets = {m for m, _, top in imports(path) if (top or not module_level_only) and m.startswith("explorer.ui")}
        # importing a package's module runs the package's __init__ first
        graph[name] = {t for t in targets if t != name}
    return graph


def test_the_checks_catch_what_they_forbid():
    assert violations({"explorer.ui.own.views": {"explorer.ui.teaching.data"}})
    assert violations({"explorer.ui.widgets.live": {"explorer.ui.infogan.gan"}})
    assert violations({"explorer.ui.kit.figures": {"explorer.ui.shell.cache"}})
    assert not violations({"explorer.ui.own.views": {"explorer.ui.shell.cache", "explorer.ui.own.data"}})
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_ui_imports_only_go_down_and_features_never_import_each_other():
    assert violations(ui_graph(module_level_only=False)) == []


def test_the_ui_has_no_import_circle():
    assert cycle(ui_graph(module_level_only=False)) is None


def test_imports_sit_at_the_top_unless_their_start_up_cost_is_measured():
    """An import inside a function hides a dependency; one is allowed only where it saves measured start-up time,
    and its line says so."""
    hidden = []
    for name, path in UI_MODULES.items():
        lines = path.read_text().splitlines()
        for module, node, top in imports(path):
            if not top and "measured" not in lines[node.lineno - 1]:
                hidden.append(f"{name}:{node.lineno} imports {module} inside a function")
    assert hidden == []


def test_nothing_below_the_ui_imports_streamlit():
    offenders = [module_name(p) for p in (ROOT / "explorer").rglob("*.py")
                 if UI not in p.parents and any(m.split(".")[0] == "streamlit" for m, _, _ in imports(p))]
    assert offenders == []


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_a_page_is_a_title_and_one_view_call_and_imports_only_explorer_ui(page):
    tree = ast.parse(page.read_text())
    imported = {m for m, _, _ in imports(page)}
    assert all(m == "streamlit" or m.startswith("explorer.ui.") for m in imported), imported
    calls = [s for s in tree.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)]
    others = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom, ast.Expr))]
    assert others == [] and 1 <= len(calls) <= 2, ast.unparse(tree)
    assert all(ast.unparse(c).startswith(("st.title(", "st.caption(")) for c in calls[:-1])


def test_only_the_widgets_choose_between_their_live_and_fallback_modes():
    """Pages and views never branch on the sidebar's "Live widgets" toggle: each widget owns both its modes."""
    askers = sorted(module_name(p) for p in UI.rglob("*.py") if "live_enabled()" in p.read_text())
    assert askers and all(m.startswith("explorer.ui.widgets.") or m == "explorer.ui.shell.sidebar" for m in askers), \
        askers


def test_every_module_the_scripts_run_exists():
    """``python -m <module>`` in scripts/ and .ci/: a moved module must take its scripts along."""
    import importlib.util
    import re

    texts = [p.read_text() for p in [*(ROOT / "scripts").glob("*.sh"), ROOT / ".ci" / "run"]]
    modules = {m for t in texts for m in re.findall(r"python -m ([a-zA-Z_][\w.]*)", t)}
    assert "explorer.ui.shell.serve" in modules
    assert [m for m in sorted(modules) if importlib.util.find_spec(m) is None] == []
