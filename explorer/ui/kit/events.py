"""Chart selection events, read in one place: whether a chart's selection is new (``st.plotly_chart`` keeps its last
selection across reruns, so an old one must not act again), and its points checked (a crafted or malformed event
is dropped with a warning in the server log, never a traceback)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

import streamlit as st

from explorer.ui.kit.values import finite_number, whole_number

log = logging.getLogger(__name__)
INDEX_LIMIT = 10**9               # a trace or point number beyond this is crafted


def new_selection(chart_key: str) -> Mapping | None:
    """The selection of the chart with this key if it changed since the last call for this chart, else None."""
    event = st.session_state.get(chart_key)
    selection = event.get("selection") if hasattr(event, "get") else None
    signature = json.dumps(selection, sort_keys=True, default=str)
    seen = f"{chart_key}__seen"
    if signature == st.session_state.get(seen):
        return None
    st.session_state[seen] = signature
    return selection if isinstance(selection, Mapping) else None


def points(selection: Mapping | None) -> list[dict]:
    """The well-formed points of a selection: {"curve_number", "point_index", "x", "y"} with integers and finite
    coordinates (a point without coordinates, as box and lasso selections of hidden traces send, keeps None)."""
    if not isinstance(selection, Mapping):
        return []
    raw = selection.get("points") or []
    out = []
    for point in raw if isinstance(raw, list) else []:
        if not isinstance(point, Mapping):
            continue
        curve = whole_number(point.get("curve_number"), 0, INDEX_LIMIT)
        index = whole_number(point.get("point_index", point.get("point_number")), 0, INDEX_LIMIT)
        located = point.get("x") is not None or point.get("y") is not None
        x, y = finite_number(point.get("x")), finite_number(point.get("y"))
        if curve is None or index is None or (located and (x is None or y is None)):
            log.warning("ignored a malformed chart point: %.200r", point)
            continue
        out.append({"curve_number": curve, "point_index": index, "x": x, "y": y})
    return out


def is_area(selection: Mapping | None) -> bool:
    """Whether a selection is a box or a lasso (not a click)."""
    return isinstance(selection, Mapping) and bool(selection.get("box") or selection.get("lasso"))
