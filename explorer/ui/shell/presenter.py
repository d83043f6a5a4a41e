"""Presenter mode (``?present=1``): the sidebar hidden and the text enlarged for a projector, on the Lesson and on
the pages its steps open; and the way back from such a page to the Lesson step it was opened from
(``?lesson_step=3``)."""

from __future__ import annotations

import math

import streamlit as st

from explorer.ui.kit import values
from explorer.ui.shell import pages

PARAM = "present"
RETURN_PARAM = "lesson_step"
CSS = """<style>
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl] { display: none; }
[data-testid=stMainBlockContainer] { padding-left: 2rem; padding-right: 2rem; }
[data-testid=stMainBlockContainer] p, [data-testid=stMainBlockContainer] li { font-size: 1.1rem; }
[data-testid=stMainBlockContainer] [data-testid=stCaptionContainer],
[data-testid=stMainBlockContainer] [data-testid=stCaptionContainer] p { font-size: 1rem; }
[data-testid=stMainBlockContainer] [data-testid=stWidgetLabel] p { font-size: 1rem; }
</style>"""


VIEWPORT_KEY = "lse_viewport"
_VIEWPORT_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const send = () => {
    const size = [window.innerWidth, window.innerHeight];
    const known = data && data.known;
    if (!known || Math.abs(known[0] - size[0]) > 40 || Math.abs(known[1] - size[1]) > 40) setStateValue("size", size);
  };
  send();
  let timer = null;
  const onResize = () => { clearTimeout(timer); timer = setTimeout(send, 400); };
  window.addEventListener("resize", onResize);
  return () => { window.removeEventListener("resize", onResize); clearTimeout(timer); };
}
"""
_viewport = st.components.v2.component(VIEWPORT_KEY, js=_VIEWPORT_JS)
_KNOWN = "presenter_viewport"         # session state: the last valid size the browser reported


def measure() -> tuple[int, int] | None:
    """Ask the browser for the window's size (once per run, on a page whose figures follow it: :func:`scaled`);
    returns it in CSS px as the page last reported it (None until it has, or when the report is not two sizes from
    200 to 20,000 px). A resize reports again."""
    _viewport(key=VIEWPORT_KEY, data={"known": st.session_state.get(_KNOWN)}, default={"size": None},
              on_size_change=lambda: None, height=0)
    size = values.reported(VIEWPORT_KEY, "size")
    if isinstance(size, list) and len(size) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 200 <= v <= 20_000
            for v in size):
        st.session_state[_KNOWN] = [int(size[0]), int(size[1])]
    known = st.session_state.get(_KNOWN)
    return (known[0], known[1]) if known else None


def scaled(base: int, at_height: int = 768, step: int = 40, most: float = 1.6) -> int:
    """``base`` px (sized for a 1366 x 768 screen) grown with the window's height (:func:`measure`), in steps of
    ``step`` px so that figures cached by size stay few; ``base`` until the size is known."""
    size = st.session_state.get(_KNOWN)
    if size is None:
        return base
    grown = base * min(most, max(1.0, size[1] / at_height))
    return int(base + step * round((grown - base) / step))


def on() -> bool:
    return st.query_params.get(PARAM) in ("1", "true")


def style() -> None:
    """Presenter mode's look on this page."""
    st.html(CSS)


def _leave() -> None:
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def frame(title: str) -> None:
    """Above a page other than the Lesson: presenter mode when the URL asks for it (with a way out, since the
    sidebar is hidden), and the link back to the Lesson step that opened this page."""
    if title == pages.LESSON.title:
        return
    step = st.query_params.get(RETURN_PARAM, "")
    back = step.isdigit() and 0 < int(step) < 100
    if not (back or on()):
        return
    cols = st.columns([3, 1], vertical_alignment="center")
    if back:
        cols[0].page_link(pages.LESSON.path, label=f"Back to the Lesson, step {int(step)}",
                          icon=":material/arrow_back:", query_params={"step": str(int(step)),
                                                                      **({PARAM: "1"} if on() else {})})
    if on():
        style()
        cols[1].button("Leave presenter mode", key="presenter_leave", on_click=_leave,
                       icon=":material/close_fullscreen:")
