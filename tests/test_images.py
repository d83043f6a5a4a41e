"""Images for the screen (explorer/ui/images.py)."""

import warnings

import numpy as np

from explorer.ui.kit.images import enlarge, mosaic, to_uint8


def test_to_uint8_maps_floats_to_grey_levels_and_nan_to_black_without_a_warning():
    floats = np.array([[0.0, 0.5, 1.0, 1.7, -0.3, np.nan, np.inf, -np.inf]], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # numpy's "invalid value encountered in cast" fails here
        out = to_uint8(floats)
        enlarge(np.full((28, 28), np.nan, np.float32), 56)
        mosaic(np.full((2, 28, 28), np.nan, np.float32), cols=2)
    assert out.dtype == np.uint8 and out.tolist() == [[0, 128, 255, 255, 0, 0, 255, 0]]
    same = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert to_uint8(same) is same
