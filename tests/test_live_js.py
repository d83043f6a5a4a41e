"""The live widgets' browser modules as Streamlit gets them (one ES module joined from the files beside
``explorer/ui/widgets/live/__init__.py``), the joiner's refusals, and the node tests' fixtures (``tests/js/``)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from explorer.ui.widgets import live
from tests.js import make_fixtures

ROOT = Path(__file__).resolve().parents[1]


def test_the_joined_module_has_no_imports_and_one_default_export():
    js = live.module_js()
    assert not re.findall(r"^[ \t]*import\b", js, re.M), "every import between the files is taken out"
    exports = re.findall(r"^[ \t]*export\b.*$", js, re.M)
    assert exports == ["export default function (component) {"], exports
    assert live._JS == js
    for name in live.MODULES:
        assert f"// ---- {name} " in js, f"{name} is joined"


def test_every_browser_module_is_joined():
    on_disk = {p.name for p in live._HERE.glob("*.js")}
    assert on_disk == set(live.MODULES), "a .js file beside live/__init__.py that is not in MODULES is not sent"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_joined_module_parses_as_one_es_module(tmp_path):
    path = tmp_path / "joined.mjs"
    path.write_text(live.module_js())
    check = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr


def _join(tmp_path, monkeypatch, files: dict[str, str]) -> str:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(live, "_HERE", tmp_path)
    monkeypatch.setattr(live, "MODULES", tuple(files))
    return live.module_js()


def test_the_joiner_keeps_order_and_scope(tmp_path, monkeypatch):
    js = _join(tmp_path, monkeypatch, {
        "a.js": "export const A = 1;\nexport function f() { return A; }\n",
        "b.js": 'import { A,\n  f } from "./a.js";\n\nexport default function () { return f() + A; }\n'})
    assert "import" not in js and js.count("export") == 1
    assert js.index("const A = 1;") < js.index("export default function")


@pytest.mark.parametrize("files, problem", [
    ({"a.js": 'import { B } from "./b.js";\nexport const A = 1;\n', "b.js": "export default function () {}\n"},
     "only files before it"),
    ({"a.js": "export const A = 1;\n", "b.js": 'import { A as C } from "./a.js";\nexport default function () {}\n'},
     "renaming imports"),
    ({"a.js": 'import x from "./x.js";\n', "b.js": "export default function () {}\n"}, "cannot join"),
    ({"a.js": "export { A };\nconst A = 1;\n", "b.js": "export default function () {}\n"}, "cannot join"),
    ({"a.js": "export default function () {}\n", "b.js": "export default function () {}\n"}, "cannot join"),
    ({"a.js": "export const A = 1;\n", "b.js": "const A = 2;\nexport default function () {}\n"}, "both declare A"),
    ({"a.js": "export const A = 1;\n", "b.js": "export const B = 2;\n"}, "one default export"),
])
def test_the_joiner_refuses_what_it_cannot_keep_correct(tmp_path, monkeypatch, files, problem):
    with pytest.raises(RuntimeError, match=problem):
        _join(tmp_path, monkeypatch, files)


def _safetensors(payload: bytes) -> tuple[dict, bytes]:
    """A safetensors payload as its header (parsed: safetensors writes the metadata in no fixed order) and body."""
    n = int.from_bytes(payload[:8], "little")
    return json.loads(payload[8:8 + n]), payload[8 + n:]


def test_the_lookup_fixtures_are_what_python_answers_now():
    def comparable(cases: dict) -> dict:
        return {name: {k: _safetensors(base64.b64decode(v)) if k == "payload" else v for k, v in case.items()}
                for name, case in cases.items()}

    written = json.loads((make_fixtures.FIXTURES / "lookups.json").read_text())
    assert comparable(written) == comparable(json.loads(make_fixtures.text(make_fixtures.lookups()))), \
        "stale: run python -m tests.js.make_fixtures"


def test_the_decoder_fixture_is_a_current_payload_and_its_decodes():
    from safetensors.numpy import load

    import explorer
    from explorer import live as core

    payload = make_fixtures.PAYLOAD.read_bytes()
    fixture = json.loads((make_fixtures.FIXTURES / "decoder.json").read_text())
    current = core.decoder_payload(explorer.load_model(make_fixtures.DECODER), make_fixtures.DECODER)
    assert _safetensors(payload)[0] == _safetensors(current)[0], "the payload's names, dtypes, shapes and metadata"
    assert fixture["z"] == make_fixtures.Z and fixture["payload"] == make_fixtures.PAYLOAD.name
    browser = core.decode_like_browser(load(payload), np.array(fixture["z"])).reshape(len(fixture["z"]), -1)
    assert np.abs(browser - np.array(fixture["browser_decode"])).max() < 1e-11
    assert np.abs(browser - np.array(fixture["model_decode"])).max() < 1e-3


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_browser_writes_numbers_as_the_server_does():
    """``signed`` in core.js and :func:`explorer.ui.kit.text.signed` give the same text (the codes' legend and
    notes are written in the browser, the server's captions in Python)."""
    from explorer.ui.kit.text import signed

    script = ("import { signed } from './explorer/ui/widgets/live/core.js';"
              "console.log(JSON.stringify([-2, 2, -0.5, 1.25].map(signed)));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == [signed(v) for v in (-2, 2, -0.5, 1.25)]
