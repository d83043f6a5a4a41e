"""explorer.teaching (and the fast decode-quality scoring in explorer.latent) on tiny untrained models and
synthetic encodings: shapes, orientation, the exact meaning of every number, replay files, CSV export."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
import torch

from explorer import checkpoints, quality, teaching
from explorer.checkpoints import CheckpointFolder
from explorer.latent import decode
from explorer.metrics import nearest_distances
from explorer.models import REGISTRY
from explorer.models.ae import AEConfig
from explorer.models.classifier import ClassifierConfig
from explorer.models.vae import VAEConfig
from explorer.quality import DecodeQuality, QualityScorer

from .conftest import synthetic_images


@pytest.fixture(scope="module")
def tiny():
    """Untrained 2-D AE and VAE, a small classifier with non-trivial BatchNorm statistics, and 60 test images."""
    torch.manual_seed(0)
    ae = REGISTRY["ae"][0](AEConfig(dataset="mnist", latent_dim=2, hidden=(32,))).eval()
    vae = REGISTRY["vae"][0](VAEConfig(dataset="mnist", latent_dim=2, hidden=(32,))).eval()
    clf = REGISTRY["classifier"][0](ClassifierConfig(dataset="mnist", channels=(4, 8), hidden=16)).eval()
    for bn in (m for m in clf.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.data.uniform_(0.5, 1.5)
    images, labels = synthetic_images(60)
    return {"ae": ae, "vae": vae, "clf": clf, "images": images, "labels": labels,
            "scorer": QualityScorer(clf, images)}


def two_clusters(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Encodings of class 0 around (-5, 0) and class 1 around (5, 0): an empty gap between them."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    enc = rng.normal(0, 0.5, (n, 2)) + np.where(labels[:, None] == 0, [-5.0, 0.0], [5.0, 0.0])
    return enc.astype(np.float32), labels


# --- fast scoring in explorer.latent -------------------------------------------------------------------------------

def test_fast_scoring_equals_the_reference_computation(tiny):
    scorer = tiny["scorer"]
    images = np.random.default_rng(1).random((300, 28, 28)).astype(np.float32)
    q = scorer.score(images)
    probs = tiny["clf"].predict_proba(torch.from_numpy(images[:, None])).numpy()
    np.testing.assert_allclose(q.confidence, probs.max(1), atol=1e-5)
    np.testing.assert_array_equal(q.predicted, probs.argmax(1))
    expected = nearest_distances(images, scorer.reference) / scorer.typical_distance
    np.testing.assert_allclose(q.distance_ratio, expected, rtol=1e-4, atol=1e-4)


def test_real_images_score_as_close_to_real_data(tiny):
    q = tiny["scorer"].score(tiny["images"].astype(np.float32) / 255)
    assert np.allclose(q.distance_ratio, 0, atol=1e-2)        # each is in the reference set


# --- planes and maps -----------------------------------------------------------------------------------------------

def test_plane_is_the_1_to_99_percentile_box_and_rows_run_up_in_y():
    enc, _ = two_clusters()
    x, y = quality.plane_axes(enc, n=20)
    assert len(x) == len(y) == 20 and np.all(np.diff(x) > 0) and np.all(np.diff(y) > 0)
    assert x[0] == pytest.approx(np.percentile(enc[:, 0], 1)) and y[-1] == pytest.approx(np.percentile(enc[:, 1], 99))
    wide, _ = quality.plane_axes(enc, n=20, margin=0.1)
    assert wide[-1] - wide[0] == pytest.approx(1.2 * (x[-1] - x[0]))
    points = quality.plane_points(x, y)
    assert points.shape == (400, 2)
    np.testing.assert_allclose(points[:20, 1], y[0])            # the first row is the lowest y
    np.testing.assert_allclose(points[20:40, 0], x)


def test_density_peaks_on_the_clusters_and_sums_to_one():
    enc, _ = two_clusters()
    x, y = quality.plane_axes(enc, n=40)
    d = quality.density(enc, x, y)
    assert d.shape == (40, 40)
    step_x, step_y = x[1] - x[0], y[1] - y[0]
    inside = ((enc[:, 0] >= x[0] - step_x / 2) & (enc[:, 0] <= x[-1] + step_x / 2)
              & (enc[:, 1] >= y[0] - step_y / 2) & (enc[:, 1] <= y[-1] + step_y / 2))
    assert d.sum() == pytest.approx(inside.mean(), abs=0.01)      # the share of encodings on the plane
    row, col = np.unravel_index(d.argmax(), d.shape)
    assert abs(abs(x[col]) - 5) < 1.0 and abs(y[row]) < 1.0
    assert d[np.abs(y).argmin(), np.abs(x).argmin()] < d.max() / 20    # the gap at the origin is empty


def test_nearest_encoding_matches_brute_force():
    enc, _ = two_clusters(50)
    pts = np.random.default_rng(2).normal(0, 4, (30, 2))
    brute = np.sqrt(((pts[:, None] - enc[None]) ** 2).sum(-1)).min(1)
    np.testing.assert_allclose(quality.nearest_encoding(pts, enc), brute, rtol=1e-5)


def test_quality_map_scores_every_grid_point(tiny):
    model, scorer = tiny["vae"], tiny["scorer"]
    enc, _ = two_clusters(100)
    qmap = quality.quality_map(model, scorer, enc, n=12)
    assert qmap.confidence.shape == qmap.distance_ratio.shape == qmap.nearest_encoding.shape == (12, 12)
    # row r, column c is the image decoded at (x[c], y[r])
    _, q = quality.decode_and_score(model, scorer, np.array([[qmap.x[3], qmap.y[7]]]))
    assert qmap.confidence[7, 3] == pytest.approx(q.confidence[0], abs=1e-5)
    assert qmap.distance_ratio[7, 3] == pytest.approx(q.distance_ratio[0], rel=1e-4)
    head = qmap.headline()
    assert head["fraction_data_like"] == pytest.approx(qmap.data_like.mean())
    assert head["fraction_far"] == pytest.approx(qmap.far.mean())
    assert 0 < head["fraction_far"] < 1                           # the gap between the clusters is far
    assert qmap.far[np.abs(qmap.y).argmin(), np.abs(qmap.x).argmin()]


def synthetic_map(enc: np.ndarray, n: int = 30) -> quality.QualityMap:
    x, y = quality.plane_axes(enc, n)
    pts = quality.plane_points(x, y)
    near = quality.nearest_encoding(pts, enc).reshape(n, n)
    conf = np.exp(-near)                                          # good near the encodings, bad in the gaps
    return quality.QualityMap(x=x, y=y, confidence=conf, predicted=np.zeros((n, n), int),
                               distance_ratio=near, nearest_encoding=near, density=quality.density(enc, x, y))


def test_data_like_and_far_follow_their_thresholds():
    enc, _ = two_clusters()
    qmap = synthetic_map(enc)
    # known verdicts at and around both thresholds (confidence >= 0.9 and distance ratio <= 1.5)
    scores = DecodeQuality(np.array([0.95, 0.90, 0.89, 0.99, 0.99]), np.zeros(5, int),
                           np.array([1.0, 1.5, 1.0, 1.51, 0.2]))
    assert scores.data_like.tolist() == [True, True, False, False, True]
    assert quality.is_data_like(0.9, 1.5) and not quality.is_data_like(0.9, 1.500001)
    assert qmap.data_like.any() and not qmap.data_like.all()
    assert qmap.far_threshold == pytest.approx(0.04 * np.ptp(qmap.x))
    assert qmap.headline()["data_like_where_far"] == pytest.approx(qmap.data_like[qmap.far].mean())


def test_gap_between_two_classes_is_the_empty_middle():
    enc, labels = two_clusters()
    qmap = synthetic_map(enc)
    z = teaching.gap_between(qmap, enc, labels, 0, 1)
    assert abs(z[0]) < 1.5 and abs(z[1]) < 2.5                  # between the clusters, near their axis
    assert quality.value_at(qmap, qmap.nearest_encoding, z) > 2.5
    assert np.isnan(quality.value_at(qmap, qmap.confidence, (1e3, 0)))


# --- prior, paths, posterior ---------------------------------------------------------------------------------------

def test_prior_samples_are_reproducible_standard_normal():
    a, b = quality.prior_samples(2, 4000, seed=3), quality.prior_samples(2, 4000, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, quality.prior_samples(2, 4000, seed=4))
    assert np.abs(a.mean(0)).max() < 0.06 and np.abs(a.std(0) - 1).max() < 0.06


def test_class_mix_compares_sample_classes_with_the_data():
    samples, data, tv = quality.class_mix(np.array([0, 0, 1, 1]), np.array([0, 1, 2, 3]), n_classes=4)
    np.testing.assert_allclose(samples, [0.5, 0.5, 0, 0])
    np.testing.assert_allclose(data, [0.25] * 4)
    assert tv == pytest.approx(0.5)
    assert quality.class_mix(np.arange(10), np.arange(10))[2] == 0.0


def test_lerp_and_slerp_paths():
    a, b = np.array([2.0, 0.0]), np.array([0.0, 2.0])
    line, arc = teaching.lerp(a, b, 5), teaching.slerp(a, b, 5)
    for path in (line, arc):
        np.testing.assert_allclose(path[0], a, atol=1e-6)
        np.testing.assert_allclose(path[-1], b, atol=1e-6)
    np.testing.assert_allclose(line[2], [1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(arc, axis=1), 2.0, atol=1e-5)   # stays on the circle
    np.testing.assert_allclose(teaching.slerp(a, 3 * a, 4), teaching.lerp(a, 3 * a, 4), atol=1e-6)


def test_interpolation_starts_and_ends_at_the_encodings(tiny):
    images = tiny["images"]
    z, decoded, quality = teaching.interpolation(tiny["ae"], tiny["scorer"], images[0], images[1], 7)
    assert z.shape == (7, 2) and decoded.shape == (7, 28, 28) and quality.confidence.shape == (7,)
    from explorer.latent import encode

    ends = encode(tiny["ae"], images[:2])
    np.testing.assert_allclose(z[[0, -1]], ends, atol=1e-5)
    np.testing.assert_allclose(decoded, decode(tiny["ae"], z), atol=1e-6)


def test_posterior_sigma_is_half_exp_logvar(tiny):
    mu, sigma = teaching.posterior(tiny["vae"], tiny["images"][:5])
    x = torch.from_numpy(tiny["images"][:5].astype(np.float32)[:, None] / 255)
    ref_mu, ref_logvar = tiny["vae"].posterior(x)
    np.testing.assert_allclose(mu, ref_mu.numpy(), atol=1e-6)
    np.testing.assert_allclose(sigma, np.exp(0.5 * ref_logvar.numpy()), rtol=1e-5)


def test_ellipses_lie_on_their_ellipse_and_are_separated():
    centres, radii = np.array([[1.0, 2.0], [-3.0, 0.5]]), np.array([[0.5, 0.2], [1.0, 2.0]])
    x, y = teaching.ellipses(centres, radii, k=2, n=16)
    assert len(x) == 2 * 17 and np.isnan(x[16]) and np.isnan(x[-1])
    for i in range(2):
        xs, ys = x[i * 17:i * 17 + 16], y[i * 17:i * 17 + 16]
        r = ((xs - centres[i, 0]) / (2 * radii[i, 0])) ** 2 + ((ys - centres[i, 1]) / (2 * radii[i, 1])) ** 2
        np.testing.assert_allclose(r, 1.0, atol=1e-9)
    cx, cy = teaching.prior_contours((1.0, 2.0), n=8)
    np.testing.assert_allclose(np.hypot(cx[:8], cy[:8]), 1.0)
    assert teaching.prior_mass_inside(1.0) == pytest.approx(0.3935, abs=1e-4)
    assert teaching.prior_mass_inside(3.0) == pytest.approx(0.9889, abs=1e-4)


# --- replay --------------------------------------------------------------------------------------------------------

def checkpoint_folder(path):
    """A folder that counts as a checkpoint (it has a config.json) for what teaching reads from one."""
    path.mkdir(parents=True, exist_ok=True)
    (path / CheckpointFolder.CONFIG).write_text('{"kind": "ae", "config": {}}')
    return path


def write_snapshots(folder, epochs, n=6, dim=2, **override):
    checkpoint_folder(folder)
    arrays = {"epochs": np.array(epochs, np.int64),
              "encodings": np.arange(len(epochs) * n * dim, dtype=np.float16).reshape(len(epochs), n, dim),
              "labels": np.arange(n) % 3, **override}
    np.savez_compressed(folder / CheckpointFolder.SNAPSHOTS, **arrays)
    return folder


def test_replay_reads_snapshots(tmp_path):
    folder = write_snapshots(tmp_path / "mnist-ae-2d", [0, 1, 3])
    replay = teaching.load_replay(str(folder))
    assert replay.epochs.tolist() == [0, 1, 3] and replay.encodings.dtype == np.float32
    np.testing.assert_array_equal(replay.at(3), replay.encodings[2])
    with pytest.raises(KeyError, match="saved: \\[0, 1, 3\\]"):
        replay.at(2)
    other = teaching.load_replay(str(write_snapshots(tmp_path / "mnist-vae-2d", [0, 2, 3])))
    assert teaching.common_epochs(replay, other).tolist() == [0, 3]


def test_replay_errors_name_the_file(tmp_path):
    checkpoint_folder(tmp_path / "empty")
    with pytest.raises(checkpoints.CheckpointError, match="no training snapshots"):
        teaching.load_replay(str(tmp_path / "empty"))
    bad = write_snapshots(tmp_path / "bad", [0, 1], labels=np.arange(4))
    with pytest.raises(checkpoints.CheckpointError, match="inconsistent"):
        teaching.load_replay(str(bad))
    checkpoint_folder(tmp_path / "junk")
    (tmp_path / "junk" / CheckpointFolder.SNAPSHOTS).write_bytes(b"not a zip")
    with pytest.raises(checkpoints.CheckpointError, match="unreadable"):
        teaching.load_replay(str(tmp_path / "junk"))


# --- export --------------------------------------------------------------------------------------------------------

def test_csv_round_trip():
    data = teaching.to_csv({"name": np.array(["a", "b"]), "value": np.array([0.1234567, 2.0]),
                            "count": np.array([3, 4])})
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows == [["name", "value", "count"], ["a", "0.123457", "3"], ["b", "2", "4"]]
    with pytest.raises(ValueError, match="differ in length"):
        teaching.to_csv({"a": np.zeros(2), "b": np.zeros(3)})


def test_quality_map_columns_one_row_per_grid_point():
    enc, _ = two_clusters()
    qmap = synthetic_map(enc, n=10)
    cols = teaching.quality_map_columns(qmap, "m")
    assert {len(v) for v in cols.values()} == {100}
    rows = list(csv.DictReader(io.StringIO(teaching.to_csv(cols).decode())))
    assert len(rows) == 100 and rows[0]["model"] == "m"
    assert int(rows[55]["far_from_encodings"]) == int(qmap.far.ravel()[55])
