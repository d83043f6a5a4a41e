"""Live widgets: Streamlit Components v2 (no iframe, no build step) whose browser side decodes while the pointer
moves and reports to Python on release. The browser code is the ES modules beside this file (:data:`MODULES`),
joined by :func:`module_js` into the one module each component is given; what it is sent is made by
:mod:`explorer.live`. Every mount has a stable key; a page that cannot use them (the sidebar's "Live widgets"
toggle off, :func:`explorer.ui.shell.sidebar.live_enabled`) falls back to Streamlit's own widgets."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import streamlit as st

from explorer import live as core

from explorer.ui.shell import cache
from explorer.ui.kit import values
from explorer.ui.kit.images import png_data_uri, to_uint8
from explorer.ui.kit.text import span

_HERE = Path(__file__).parent
CLICK_LIMIT = 1e6                 # a click's coordinates beyond this are crafted (the maps span tens of units)
INDEX_LIMIT = 10**9               # a click's trace or point number beyond this is crafted

# The browser modules in dependency order: each imports only from files before it. live.js, the last, holds the
# default export that Streamlit calls. (package.json marks them as ES modules for Node, which tests them directly:
# tests/js/.)
MODULES = ("core.js", "registry.js", "adapter.js", "dom.js", "decoder.js", "pad.js", "hover.js", "codes.js",
           "flipbook.js", "keys.js", "posterior.js", "live.js")

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+\.js)";[ \t]*\n', re.M)
_EXPORT = re.compile(r"^export (?=(?:async\s+)?function\b|const\b|let\b|class\b)", re.M)
_TOP_NAME = re.compile(r"^(?:(?:async\s+)?function\*?\s+|(?:const|let|var|class)\s+)([A-Za-z_$][\w$]*)", re.M)


def module_js() -> str:
    """The browser modules (:data:`MODULES`) as one ES module: each file's ``import { ... } from "./x.js";`` lines
    and the ``export`` keyword of its declarations are taken out and the files are put one after another, so that
    they share one module scope and the last file's ``export default`` is the module's only export. Components v2
    take one JS text per component, and there is no build step. Raises RuntimeError on what this joining cannot
    keep correct: an import from anything but a file before it, an import or export of another form, two files
    declaring the same top-level name, or a default export anywhere but in the last file."""
    parts, owner = [], {}
    for i, name in enumerate(MODULES):
        text = (_HERE / name).read_text()
        for names, source in _IMPORT.findall(text):
            if source not in MODULES[:i]:
                raise RuntimeError(f"{name} imports {source}: only files before it in MODULES can be joined")
            if " as " in f" {names} ":
                raise RuntimeError(f"{name}: renaming imports ({names.strip()}) cannot be joined")
        text = _EXPORT.sub("", _IMPORT.sub("", text))
        last = i == len(MODULES) - 1
        rest = [line for line in re.findall(r"^[ \t]*(?:import|export)\b.*$", text, re.M)
                if not (last and line.startswith("export default function"))]
        if rest or (last and text.count("export default") != 1):
            raise RuntimeError(f"{name}: cannot join {rest or 'a module without one default export'}")
        for top in _TOP_NAME.findall(text):
            if top in owner:
                raise RuntimeError(f"{name} and {owner[top]} both declare {top}: they share one scope when joined")
            owner[top] = name
        parts.append(f"// ---- {name} " + "-" * (108 - len(name)) + "\n" + text)
    return "\n".join(parts)


_JS = module_js()
_CSS = (_HERE / "live.css").read_text()
# Every live component gets the same text: Streamlit loads it as one module, and lse_decoder's registrations reach
# the others through registry.js (which does not rely on that: see its comment).
_decoder = st.components.v2.component("lse_decoder", js=_JS)
_pad = st.components.v2.component("lse_pad", js=_JS, css=_CSS)
_hover = st.components.v2.component("lse_hover", js=_JS, css=_CSS)
_codes = st.components.v2.component("lse_codes", js=_JS, css=_CSS)
_flipbook = st.components.v2.component("lse_flipbook", js=_JS, css=_CSS)
_keys = st.components.v2.component("lse_keys", js=_JS)
_posterior = st.components.v2.component("lse_posterior", js=_JS, css=_CSS)


# A live component with no height of its own (a decoder's weights, a link grid, a quality map, the hover card's host,
# the key listener) is taken out of the page's flow: in a column, each would still add the column's 16 px gap.
_OUT_OF_FLOW = ("<style>[data-testid=stElementContainer][height='0px']:has(> .stBidiComponent) "
                "{ position: absolute; width: 0; }</style>")


def page_style() -> None:
    """The live widgets' page-wide CSS (once per page run, before the page)."""
    st.html(_OUT_OF_FLOW)


@st.cache_resource(show_spinner=False, max_entries=32)
def _payload(name: str) -> bytes:
    return core.decoder_payload(cache.model(name), name)


def decoders(*names: str) -> None:
    """Send these AE/VAE decoders to the browser (once per page view: the same bytes on a rerun go as a reference
    to the browser's cached copy)."""
    for name in names:
        _decoder(key=f"lse_decoder_{name}", data=_payload(name), height=0)


def pad(key: str, decoder: str, surfaces: list[dict], z: tuple[float, float], bound: float, size: int = 280,
        on_change=None) -> None:
    """Latent surfaces (see :func:`surface`) the pointer decodes over; a release calls ``on_change`` with the new
    z in ``st.session_state[key].z``."""
    # the browser rebuilds the pad's surfaces only when this changes (a new z just moves the markers)
    signature = hashlib.md5("".join([decoder, *(s["html"] for s in surfaces)]).encode()).hexdigest()
    _pad(key=key, data={"decoder": decoder, "surfaces": surfaces, "z": [float(z[0]), float(z[1])],
                        "bound": float(bound), "size": size, "signature": signature},
         default={"z": None}, on_z_change=on_change or (lambda: None))


def surface(html: str, width: int, height: int, label: str, *, nodes=None, box=None) -> dict:
    """A surface of :func:`pad`: ``html`` from :func:`explorer.ui.kit.html_plot.render` (its image sits at 48, 4 px),
    mapped to latent space either through grid ``nodes`` (fx, fy, xs, ys: node centres as fractions and their
    latent values, interpolated in between) or a ``box`` (lo, hi) mapped linearly."""
    spec = {"html": html, "w": width, "h": height, "left": 48, "top": 4, "label": label}
    if nodes is not None:
        fx, fy, xs, ys = (np.asarray(a, float).round(6).tolist() for a in nodes)
        spec.update(kind="nodes", fx=fx, fy=fy[::-1], xs=xs, ys=ys[::-1])
    else:
        lo, hi = box
        spec.update(kind="linear", lo=[float(v) for v in lo], hi=[float(v) for v in hi])
    return spec


def hover(key: str, charts: list[tuple], decoders_: list[str], titles: list[str], axis_names=("x", "y"),
          size: int = 112, on_click=None, verdict: dict | None = None) -> None:
    """Over the Plotly charts with these keys: a card beside the pointer with each decoder's image of the map
    position under it, and a marker at the chart's pinned position. ``charts``: (chart key, to-latent spec or None
    for no card: {"kind": "raw"} or {"kind": "pca", "mean", "components"}, pinned (x, y) or None), or with a fourth
    item, one to-latent spec per decoder (e.g. :func:`grid_link` for another model's plane). A click on a chart
    calls ``on_click`` at once (read it with :func:`clicked`), before Plotly's selection event arrives. With
    ``verdict`` ({"classes": class names, "colours": {True: css, False: css}, "marks": {"yes": "✓", "no": "✗"}}), each decode in the card also shows
    the verdict of the nearest scored point of its decoder's quality map (sent by :func:`verdicts`)."""
    specs = []
    for k, t, p, *links in charts:
        spec = {"key": k, "to_latent": t, "pin": None if p is None else [float(v) for v in p]}
        if links:
            spec["links"] = links[0]
        specs.append(spec)
    if verdict is not None:
        verdict = {"classes": [str(c) for c in verdict["classes"]],
                   "colours": {"yes": verdict["colours"][True], "no": verdict["colours"][False]},
                   "marks": dict(verdict.get("marks", {"yes": "", "no": ""}))}
    _hover(key=key, data={"charts": specs, "decoders": decoders_, "titles": titles, "axis_names": list(axis_names),
                          "size": size, "verdict": verdict},
           height=0, on_click_change=on_click or (lambda: None))


@st.cache_resource(show_spinner=False, max_entries=16)
def _link_bytes(name: str, _grid) -> bytes:
    return core.link_payload(_grid.x, _grid.y, _grid.z, name)


def grid_link(name: str, grid) -> dict:
    """Send a :class:`explorer.teaching.LinkGrid` to the browser under ``name`` (as bytes: a rerun re-sends only a
    reference to the browser's copy) and return the to-latent spec of :func:`hover` that carries positions on one
    plane to another model's through it (looked up bilinearly, as :func:`explorer.teaching.linked` does)."""
    _decoder(key=f"lse_link_{name}", data=_link_bytes(name, grid), height=0)
    return {"kind": "grid", "ref": name}


@st.cache_resource(show_spinner=False, max_entries=16)
def _verdict_bytes(name: str, _qmap) -> bytes:
    return core.verdict_payload(_qmap, name)


def verdicts(maps: dict) -> None:
    """Send these models' quality maps ({model name: :class:`explorer.quality.QualityMap`}) to the browser, for
    :func:`hover`'s verdicts (as bytes: a rerun re-sends only a reference to the browser's copy)."""
    for name, qmap in maps.items():
        _decoder(key=f"lse_verdict_{name}", data=_verdict_bytes(name, qmap), height=0)


def keys(key: str, on_step) -> None:
    """← / → on the page (not while typing or on a slider) call ``on_step`` with -1 / +1 (read it with
    :func:`key_step`)."""
    _keys(key=key, data={}, height=0, on_step_change=on_step)


def key_step(key: str) -> int | None:
    """The step a :func:`keys` press reported (see :func:`step_of`); a crafted report is dropped with a toast."""
    event = st.session_state.get(key)
    step = step_of(event)
    if step is None and event is not None:
        values.ignored("a key press that was not a step back or forward")
    return step


def step_of(event) -> int | None:
    """A :func:`keys` event's step: -1 or +1, or None for anything else (a crafted event is ignored)."""
    step = values.field(event, "step")
    return step if isinstance(step, int) and values.whole_number(step, -1, 1) in (-1, 1) else None


def clicked(key: str) -> dict | None:
    """The click a :func:`hover` reported, as a Plotly selection point ({"chart", "curve_number", "point_index",
    "x", "y"}), or None when there is none or it is not a well-formed click (a chart's key, whole numbers from 0,
    finite coordinates within :data:`CLICK_LIMIT`; dropped with a toast)."""
    click = values.reported(key, "click")
    if click is None:
        return None
    chart = values.field(click, "chart")
    curve, index = (values.whole_number(values.field(click, k), 0, INDEX_LIMIT) for k in ("curve", "index"))
    x, y = (values.finite_number(values.field(click, k), -CLICK_LIMIT, CLICK_LIMIT) for k in ("x", "y"))
    if not isinstance(chart, str) or None in (curve, index, x, y):
        values.ignored("a click that was not a point of a chart")
        return None
    return {"chart": chart, "curve_number": curve, "point_index": index, "x": x, "y": y}


@st.cache_data(show_spinner=False, max_entries=512)
def code_sprite(name: str, c1: int, code: str, other: float, seed: int) -> str:
    """The frames of one code slider as one PNG (28 x 81*28, lossless), as a data URI."""
    frames = to_uint8(core.code_frames(cache.model(name), c1, code, other, seed))
    return png_data_uri(np.concatenate(list(frames), axis=1))


@st.cache_data(show_spinner=False, max_entries=512)
def switch_sprite(name: str, categories: tuple[int, ...], c1: int, c2: float, c3: float, seed: int) -> str:
    """:func:`explorer.live.switch_frames` as one PNG (28 x 28 * (len(categories) + 1), lossless), as a data URI."""
    frames = to_uint8(core.switch_frames(cache.model(name), categories, c1, c2, c3, seed))
    return png_data_uri(np.concatenate(list(frames), axis=1))


def codes(key: str, name: str, c1: int, c2: float, c3: float, seed: int, labels: dict, caption: str,
          trained: tuple[float, float], on_change=None, size: int = 280, switch: dict | None = None) -> None:
    """InfoGAN's c2 / c3 as live sliders beside the generated image, the model's ``trained`` range marked on them;
    a release calls ``on_change`` with
    ``st.session_state[key].codes`` = {"c2", "c3"}. With ``switch`` ({"c1_key": the page's category control,
    "categories": its options in order, "captions": the image's caption for each, "seed_key": the "New noise"
    button or None, "seed_caption"}), a click on either shows the image it leads to at once (the server's frames
    of :func:`switch_sprite`), before the server answers."""
    lo, hi = core.CODE_RANGE
    if switch is not None:
        switch = {**switch, "categories": [int(c) for c in switch["categories"]],
                  "frames": switch_sprite(name, tuple(int(c) for c in switch["categories"]), c1, c2, c3, seed)}
    _codes(key=key, data={"switch": switch, "c1": int(c1),
        "frames": {"c2": code_sprite(name, c1, "c2", c3, seed), "c3": code_sprite(name, c1, "c3", c2, seed)},
        "frames_other": {"c2": c3, "c3": c2}, "c2": c2, "c3": c3, "labels": labels, "caption": caption,
        "size": size, "range": {"lo": lo, "hi": hi, "step": core.CODE_STEP, "trained": [float(t) for t in trained],
                                "trained_text": span(*trained),
                                "values": core.code_values().tolist()}},
        default={"codes": None}, on_codes_change=on_change or (lambda: None))


def flipbook(key: str, payload: dict, index: int, on_change=None) -> None:
    """A :class:`explorer.ui.widgets.flipbook.Book`'s payload at stop ``index``; a release calls ``on_change`` with the stop
    in ``st.session_state[key].index``. The browser rebuilds its panels only when the payload's signature changes."""
    _flipbook(key=key, data={**payload, "index": int(index)}, default={"index": None},
              on_index_change=on_change or (lambda: None))


def posterior(key: str, decoder: str, html: str, mu, sigma, eps, scale: float, draws, decodes: int,
              planes: tuple[dict, dict], ranges: dict, on_change=None) -> None:
    """The VAE diagram's ``html`` (:func:`explorer.ui.inside.diagram.vae_diagram`, with a controls slot) made live:
    ε and the σ-scale move z = μ + s·σ·ε, the samples of q(z|x) (``draws``: their standard-normal draws) and their
    decodes in the browser; a release calls ``on_change`` with ``st.session_state[key].view`` = {"eps", "scale"}
    (read it with :func:`posterior_view`). ``planes``: the full and the zoomed plane's specs
    (:meth:`~explorer.ui.inside.diagram.Plane.spec`); ``ranges``: {"eps" | "scale": {"lo", "hi", "step"}}."""
    as_list = lambda v: [float(x) for x in np.asarray(v, float).ravel()]  # noqa: E731
    signature = hashlib.md5(f"{decoder}|{as_list(mu)}|{as_list(sigma)}".encode()).hexdigest()
    _posterior(key=key, data={"html": html, "signature": signature, "decoder": decoder, "mu": as_list(mu),
                              "sigma": as_list(sigma), "eps": as_list(eps), "scale": float(scale),
                              "draws": np.asarray(draws, float).round(5).tolist(), "decodes": int(decodes),
                              "full": planes[0], "zoom": planes[1], "ranges": ranges},
               default={"view": None}, on_view_change=on_change or (lambda: None))


def posterior_view(key: str, ranges: dict) -> tuple[tuple[float, float], float] | None:
    """The (ε, σ-scale) a :func:`posterior` release reported, each within its range; None when there is none, and
    a crafted report is dropped with a toast."""
    view = values.reported(key, "view")
    if view is None:
        return None
    eps = values.field(view, "eps")
    scale = values.finite_number(values.field(view, "scale"), ranges["scale"]["lo"], ranges["scale"]["hi"])
    if isinstance(eps, list) and len(eps) == 2:
        eps = [values.finite_number(e, ranges["eps"]["lo"], ranges["eps"]["hi"]) for e in eps]
    if scale is None or not isinstance(eps, list) or len(eps) != 2 or None in eps:
        values.ignored("a value of ε or the σ-scale outside its range")
        return None
    return (eps[0], eps[1]), scale
