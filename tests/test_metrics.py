import numpy as np
import pytest

from explorer.metrics import (categorical_information, image_moments, match_categories, nearest_distances,
                              sweep_correlation)


def test_match_categories_recovers_a_permutation():
    labels = np.repeat(np.arange(10), 5)
    perm = np.array([3, 7, 0, 1, 9, 2, 8, 4, 6, 5])
    categories = np.argsort(perm)[labels]        # category k stands for label perm[k]
    mapping, accuracy = match_categories(categories, labels)
    assert accuracy == 1.0 and np.array_equal(mapping, perm)
    categories[:5] = categories[5]               # five of label 0 land in label 1's category
    assert match_categories(categories, labels)[1] == 45 / 50


def bar(width: int, shear: float) -> np.ndarray:
    """A vertical bar of the given width, sheared by ``shear`` columns per row (positive: leaning right at the
    top, as a forward-slanted stroke)."""
    img = np.zeros((28, 28))
    for row in range(4, 24):
        centre = 14 + shear * (14 - row)
        img[row, int(round(centre - width / 2)):int(round(centre + width / 2))] = 1
    return img


def test_image_moments_slant_sign_and_width():
    slant, width = image_moments(np.stack([bar(3, 0), bar(3, 0.3), bar(3, -0.3), bar(7, 0)]))
    assert abs(slant[0]) < 0.02
    assert slant[1] < -0.2 and slant[2] > 0.2          # y grows downwards: a right lean has mu11 < 0
    assert width[3] > width[0] * 1.8


def test_sweep_correlation_reads_monotone_trends():
    values = np.linspace(-1, 1, 9)
    rising = np.stack([values * 2 + k for k in range(4)])
    assert sweep_correlation(values, rising) == 1.0
    assert sweep_correlation(values, -rising) == -1.0
    assert sweep_correlation(values, np.ones((3, 9))) == 0.0


def test_nearest_distances_match_brute_force():
    rng = np.random.default_rng(0)
    q, r = rng.random((7, 28, 28)), rng.random((11, 28, 28))
    brute = np.sqrt(((q.reshape(7, 1, -1) - r.reshape(1, 11, -1)) ** 2).sum(-1)).min(1)
    assert np.allclose(nearest_distances(q, r, chunk=3), brute, atol=1e-3)
    self_excluded = nearest_distances(r, r, exclude_self=True)
    assert (self_excluded > 1).all()


def test_categorical_information_rewards_confident_balanced_codes():
    k = 10
    confident_even = np.eye(k)[np.arange(200) % k]
    assert categorical_information(confident_even) == pytest.approx(np.log(k), abs=1e-6)
    assert categorical_information(np.full((200, k), 1 / k)) == pytest.approx(0, abs=1e-9)
    one_category = np.eye(k)[np.zeros(200, int)]
    assert categorical_information(one_category) == pytest.approx(0, abs=1e-6)
    half_sure = 0.5 * confident_even + 0.5 / k
    assert 0 < categorical_information(half_sure) < np.log(k)
