"""Colour-blind safety (explorer/ui/kit/colours.py): the class colours and the verdict colours stay apart under a
simulation of deuteranopia and protanopia, and every verdict carries a mark as well as a colour.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision
deficiency", severity 1.0 (full dichromacy), applied to linear sRGB. Distance: CIE 1976 ΔE*ab in CIELAB (D65). A
ΔE of about 2.3 is a just-noticeable difference; the thresholds below ask for clearly different colours.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explorer.ui.kit import colours
from explorer.ui.kit.images import hex_to_rgb

MACHADO = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
CLASS_MIN_DELTA_E = {"normal": 20.0, "deuteranopia": 15.0, "protanopia": 15.0}
VERDICT_MIN_DELTA_E = 40.0
# tab10, the palette the app used before: its classes fall into two groups under deuteranopia (ΔE 7.2 and 4.6).
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def lab(hex_colour: str, vision: str) -> np.ndarray:
    c = np.asarray(hex_to_rgb(hex_colour), float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    seen = np.clip(MACHADO[vision] @ linear, 0, 1)
    xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                    [0.0193339, 0.1191920, 0.9503041]]) @ seen / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(palette, vision: str) -> float:
    return min(float(np.linalg.norm(lab(a, vision) - lab(b, vision))) for a, b in itertools.combinations(palette, 2))


def test_the_simulation_and_the_threshold_tell_a_palette_that_collapses():
    assert lab("#ffffff", "normal") == pytest.approx([100, 0, 0], abs=0.01)
    assert closest_pair(TAB10, "deuteranopia") < CLASS_MIN_DELTA_E["deuteranopia"]
    assert closest_pair(TAB10, "protanopia") < CLASS_MIN_DELTA_E["protanopia"]
    assert closest_pair(("#2e9d4e", "#e5484d"), "deuteranopia") < VERDICT_MIN_DELTA_E   # the old green / red


@pytest.mark.parametrize("vision", list(MACHADO))
def test_the_ten_class_colours_stay_apart(vision):
    assert len(set(colours.CLASS_COLOURS)) == 10
    assert closest_pair(colours.CLASS_COLOURS, vision) >= CLASS_MIN_DELTA_E[vision]


@pytest.mark.parametrize("vision", list(MACHADO))
def test_the_verdict_colours_stay_apart(vision):
    assert closest_pair((colours.GOOD, colours.BAD), vision) >= VERDICT_MIN_DELTA_E


def test_every_verdict_says_itself_with_a_mark():
    assert colours.verdict_words(True) == "✓ data-like" and colours.verdict_words(False) == "✗ not data-like"
    assert colours.verdict_colour(True) == colours.GOOD and colours.verdict_colour(False) == colours.BAD
