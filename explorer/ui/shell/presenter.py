"""Presenter mode (``?present=1``): the sidebar hidden and the text enlarged for a projector, on the Lesson and on
the pages its steps open; and the way back from such a page to the Lesson step it was opened from
(``?lesson_step=3``)."""

from __future__ import annotations

import streamlit as st

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
