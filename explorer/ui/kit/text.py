"""Numbers as the app's text writes them."""

from __future__ import annotations


def signed(value: float) -> str:
    """A number with a typographic minus: −1, 0.5."""
    return f"{value:g}".replace("-", "−")


def span(lo: float, hi: float) -> str:
    """A range as the captions write it: −1…1."""
    return f"{signed(lo)}…{signed(hi)}"
