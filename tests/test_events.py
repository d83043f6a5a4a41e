"""Chart events are read safely: crafted points are dropped, good ones come through as numbers."""

import math

from explorer.ui.kit import events
from explorer.ui.latent_map import maps

import numpy as np


def test_points_keep_well_formed_points_and_drop_crafted_ones():
    good = {"curve_number": 3, "point_index": 7, "x": 0.5, "y": -1.25}
    crafted = [{"curve_number": "abc", "point_index": 0, "x": 1, "y": 1},
               {"curve_number": 1, "point_index": 10 ** 9 + 0.5, "x": 1, "y": 1},
               {"curve_number": 1, "point_index": -1, "x": 1, "y": 1},
               {"curve_number": 1, "point_index": 0, "x": math.nan, "y": 1},
               {"curve_number": 1, "point_index": 0, "x": "1", "y": 1},
               {"curve_number": True, "point_index": 0, "x": 1, "y": 1},
               "not a point", None]
    assert events.points({"points": [good, *crafted]}) == [good]
    assert events.points({"points": "nope"}) == [] and events.points(None) == [] and events.points([1]) == []
    hidden = {"curve_number": 2, "point_index": 4}                  # box/lasso points may lack coordinates
    assert events.points({"points": [hidden]}) == [{"curve_number": 2, "point_index": 4, "x": None, "y": None}]


def test_a_crafted_map_event_decodes_nothing():
    labels = np.repeat(np.arange(10), 5)
    for point in ({"curve_number": 1, "point_index": 10 ** 9, "x": 0.0, "y": 0.0},
                  {"curve_number": 1, "point_index": 0, "x": math.inf, "y": 0.0},
                  {"curve_number": "1", "point_index": 0, "x": 0.0, "y": 0.0}):
        assert maps.read_event({"selection": {"points": [point], "box": [], "lasso": []}}, labels) is None
    pick = maps.read_event({"selection": {"points": [{"curve_number": 2, "point_index": 1, "x": 0.1, "y": 0.2}],
                                          "box": [], "lasso": []}}, labels)
    assert pick.kind == "point" and pick.index == 6 and pick.xy == (0.1, 0.2)
