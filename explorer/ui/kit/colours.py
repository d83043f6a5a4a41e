"""The app's colours and the marks that go with them, chosen so that no reading depends on colour alone and the
colours themselves survive the common colour-vision deficiencies (tests/test_colours.py simulates them):

- the ten classes: Paul Tol's "muted" qualitative scheme (nine colours, designed for colour-blind readers), with
  black as the tenth; every map also writes each class's name at its centre;
- a verdict: Okabe & Ito's blue (data-like) and vermillion (not), which stay apart under deuteranopia and
  protanopia, always with a mark (✓ / ✗) in text and a shape (solid ring or frame / cross or dashed frame) in
  pictures.
"""

from __future__ import annotations

CLASS_COLOURS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933",
                 "#AA4499", "#000000")
GOOD, BAD = "#0072B2", "#D55E00"          # data-like, not data-like
MARKS = {True: "✓", False: "✗"}


def verdict_colour(data_like: bool) -> str:
    return GOOD if data_like else BAD


def verdict_words(data_like: bool) -> str:
    """"✓ data-like" or "✗ not data-like": the mark says it without the colour."""
    return f"{MARKS[bool(data_like)]} " + ("data-like" if data_like else "not data-like")
