"""Shareable views: which controls live in the page's URL, and the sidebar's "link to this view".

Two kinds of shared value, one owner:

* **A widget** shares its value through Streamlit's own binding: ``st.slider(..., **url.shared("grid_size"))``.
  The widget's key is the query parameter; a value from the URL that the widget would not accept (an unknown
  option, a number out of range, text where a number belongs) is dropped from the URL and the widget keeps its
  default; a default value is left out of the URL.
* **A value that is not one widget** (InfoGAN's c2 and c3: the live sliders or Streamlit's) is a :class:`Value`:
  :func:`read` puts a valid URL value into session state before the controls render, :func:`write` puts the
  current value back after them. A malformed value is ignored with a note, never a traceback.

Query parameters this module does not declare (the Lesson's ``step`` and ``present``) are left alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

_WRITTEN = "_url_written"      # session state: the text this session last wrote for each Value
_SEEN = "_url_seen"            # session state: each followed parameter's URL text on this session's last run


def shared(key: str) -> dict:
    """Keyword arguments that make a widget's value part of the page URL (its key names the query parameter)."""
    return {"key": key, "bind": "query-params"}


@dataclass(frozen=True)
class Value:
    """A session-state value kept in the URL as text: ``parse`` turns URL text into a value or raises
    ``ValueError``; ``text`` turns a value into URL text; a value equal to ``default`` is left out of the URL."""

    key: str
    parse: Callable[[str], Any]
    text: Callable[[Any], str]
    default: Any
    expected: str                # what a valid value looks like, for the note on a malformed one


def number(key: str, lo: float, hi: float, step: float, default: float = 0.0) -> Value:
    """A finite number in [lo, hi], snapped to multiples of ``step``."""
    def parse(text: str) -> float:
        value = float(text)
        if not math.isfinite(value) or not lo <= value <= hi:
            raise ValueError(text)
        return round(round(value / step) * step, 6)
    return Value(key, parse, lambda v: f"{float(v):g}", default, f"a number from {lo:g} to {hi:g}")


def read(*values: Value) -> list[str]:
    """Put each value the URL carries into session state, unless this session wrote that very text (the URL then
    only echoes the controls); call before the controls that show them. Returns the keys it set."""
    written = st.session_state.setdefault(_WRITTEN, {})
    taken = []
    for v in values:
        raw = st.query_params.get(v.key)
        if raw is None or raw == written.get(v.key):
            continue
        try:
            value = v.parse(raw)
        except (ValueError, TypeError, OverflowError):
            del st.query_params[v.key]
            st.toast(f"The link's `{v.key}` was ignored: expected {v.expected}.", icon=":material/link_off:")
            continue
        st.session_state[v.key] = value
        written[v.key] = raw
        taken.append(v.key)
    return taken


def write(*values: Value) -> None:
    """Put each value's current state into the URL (a default value removes it); call after the controls."""
    written = st.session_state.setdefault(_WRITTEN, {})
    for v in values:
        value = st.session_state.get(v.key, v.default)
        if value == v.default:
            if v.key in st.query_params:
                del st.query_params[v.key]
            written.pop(v.key, None)
            continue
        text = v.text(value)
        if st.query_params.get(v.key) != text:
            st.query_params[v.key] = text
        written[v.key] = text


def arrived(key: str) -> str | None:
    """The URL's text for ``key`` when it changed since this session's last run that asked (a link was opened, or
    Back / Forward went to another history entry), else None; "" when the parameter went away. A parameter that is
    absent the first time is no news. Streamlit pushes a history entry whenever a run changes the query string, so a
    value that follows :func:`arrived` on every run makes Back and Forward restore it."""
    seen = st.session_state.setdefault(_SEEN, {})
    raw = st.query_params.get(key)
    first = key not in seen
    before = seen.get(key)
    seen[key] = raw
    if raw == before:
        return None
    if raw is None:
        return None if first else ""
    return raw


def put(key: str, value: str | None) -> None:
    """Set (or, with None, remove) a parameter that :func:`arrived` follows, as this session's own change: the next
    run does not take it for news."""
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    st.session_state.setdefault(_SEEN, {})[key] = value


# --- the sidebar's "link to this view" ---------------------------------------------------------------------------

_LINK_HTML = """<div class="lse-link">
<button type="button" class="lse-link-copy">Copy link to this view</button>
<input class="lse-link-url" readonly aria-label="Link to this view" value="">
<span class="lse-link-note" aria-live="polite"></span>
</div>"""

_LINK_JS = """
export default function (component) {
  const root = component.parentElement;
  const button = root.querySelector(".lse-link-copy");
  const field = root.querySelector(".lse-link-url");
  const note = root.querySelector(".lse-link-note");
  const show = () => { field.value = window.location.href; };
  show();
  const timer = setInterval(show, 500);        // the URL changes as controls move, without a rerun here
  button.onclick = async () => {
    show();
    field.focus();
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      note.textContent = "Copied.";
    } catch (e) {
      note.textContent = "Press Ctrl+C (⌘C) to copy.";
    }
  };
  return () => clearInterval(timer);
}
"""

_LINK_CSS = """
.lse-link { display: flex; flex-direction: column; gap: 4px; }
.lse-link-copy { font: inherit; padding: 4px 10px; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--st-border-color, #ccc); background: var(--st-secondary-background-color, #f0f2f6);
  color: var(--st-text-color, inherit); }
.lse-link-url { font: 12px monospace; width: 100%; box-sizing: border-box; padding: 2px 4px;
  border: 1px solid var(--st-border-color, #ddd); border-radius: 4px; color: var(--st-text-color, inherit);
  background: transparent; }
.lse-link-note { font-size: 12px; opacity: 0.75; min-height: 1em; }
"""

LINK_KEY = "lse_link"
_link = st.components.v2.component(LINK_KEY, html=_LINK_HTML, js=_LINK_JS, css=_LINK_CSS)


def link_control() -> None:
    """A button that copies the page's current URL (every shared control included), with the URL shown beside it
    for browsers that do not allow copying (plain http to another machine)."""
    _link(key=LINK_KEY)
