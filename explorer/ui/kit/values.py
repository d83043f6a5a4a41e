"""Values a browser reports (a live component's state, a chart's event), checked in one place: whatever JSON can
carry arrives here (10**20 for 1e20, strings, lists, nested objects), and a handler either gets a number in its
bounds or None, never an exception. A handler that drops a report says so with :func:`ignored`."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import streamlit as st


def finite_number(value: object, lo: float = -math.inf, hi: float = math.inf) -> float | None:
    """``value`` as a float when it is an int or float (not a bool), finite and within [lo, hi]; else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    try:
        number = float(value)
    except OverflowError:                       # an int beyond any float (10**400)
        return None
    return number if math.isfinite(number) and lo <= number <= hi else None


def whole_number(value: object, lo: int, hi: int) -> int | None:
    """``value`` as an int when it is a whole number (3 or 3.0, not a bool) within [lo, hi]; else None."""
    number = finite_number(value, lo, hi)
    return None if number is None or number != int(number) else int(number)


def field(value: object, *path: str) -> object:
    """The value at ``path`` through nested mappings (``field(state, "click", "x")``), or None when a step is
    missing or is not a mapping."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def reported(key: str, *path: str) -> object:
    """What the component with this key reported, at ``path`` (see :func:`field`)."""
    return field(st.session_state.get(key), *path)


def ignored(what: str) -> None:
    """Say that a report was dropped, in one short sentence: "Ignored <what>."."""
    st.toast(f"Ignored {what}.")
