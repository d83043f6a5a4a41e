"""explorer.projection: PCA and raw maps, the fast way back from a map position, the files the shipped maps live
in, and one real (small) UMAP fit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer import projection
from explorer.checkpoints import CheckpointFolder


def plane_data(n: int = 400, seed: int = 0) -> np.ndarray:
    """Points on a 2-D plane inside 6-D space (so PCA's two axes hold everything)."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((6, 2)))[0].T
    return (rng.standard_normal((n, 2)) * [3.0, 1.0]) @ basis + rng.standard_normal(6)


def test_pca_inverse_is_exact_on_the_plane():
    x = plane_data()
    p = projection.pca(x)
    assert p.coords.shape == (len(x), 2)
    assert np.var(p.coords[:, 0]) > np.var(p.coords[:, 1]), "PC1 carries the most variance"
    np.testing.assert_allclose(p.pca_inverse(p.coords), x, atol=1e-4)
    inv = projection.InverseMap(p, x)((1.5, -0.5))
    assert inv.exact and inv.how == "pca"
    np.testing.assert_allclose((inv.vector - p.mean) @ p.components.T, [1.5, -0.5], atol=1e-5)


def test_pca_axes_signs_are_stable():
    x = plane_data()
    a, b = projection.pca(x), projection.pca(x[::-1].copy())
    np.testing.assert_allclose(a.components, b.components, atol=1e-5)


def test_raw_map_is_the_latent_and_rejects_other_sizes():
    z = np.random.default_rng(1).standard_normal((50, 2)).astype(np.float32)
    inv = projection.InverseMap(projection.raw(z), z)((0.25, -1.0))
    assert inv.exact and inv.how == "raw"
    np.testing.assert_allclose(inv.vector, [0.25, -1.0])
    with pytest.raises(ValueError, match="2-D"):
        projection.raw(np.zeros((5, 3)))


def umap_like(n: int = 500, seed: int = 2) -> projection.Projection:
    coords = np.random.default_rng(seed).uniform(-5, 5, (n, 2)).astype(np.float32)
    return projection.Projection("umap", coords)


def test_delaunay_inverse_reproduces_a_linear_map_inside_the_hull():
    """Barycentric interpolation is exact for vectors that depend linearly on the map position."""
    p = umap_like()
    a = np.random.default_rng(3).standard_normal((2, 7))
    vectors = p.coords @ a + 1.0
    inverse = projection.InverseMap(p, vectors)
    for point in [(0.3, 0.1), (-2.0, 3.3), (4.0, -4.0)]:
        inv = inverse(point)
        assert inv.how == "delaunay" and not inv.exact
        np.testing.assert_allclose(inv.vector, np.asarray(point) @ a + 1.0, rtol=1e-4, atol=1e-4)


def test_inverse_at_a_data_point_returns_its_vector_and_zero_distance():
    p = umap_like()
    vectors = np.random.default_rng(4).standard_normal((len(p.coords), 5))
    inverse = projection.InverseMap(p, vectors)
    inv = inverse(p.coords[17])
    np.testing.assert_allclose(inv.vector, vectors[17], atol=1e-4)
    assert inv.nearest_index == 17 and inv.nearest_distance == pytest.approx(0, abs=1e-6)


def test_outside_the_hull_falls_back_to_nearest_neighbours_and_reports_the_gap():
    p = umap_like()
    vectors = np.random.default_rng(5).standard_normal((len(p.coords), 3))
    inverse = projection.InverseMap(p, vectors)
    inv = inverse((20.0, 20.0))
    assert inv.how == "knn"
    assert inv.nearest_distance > 10 * inverse.typical_spacing
    lo, hi = vectors.min(0), vectors.max(0)
    assert np.all(inv.vector >= lo - 1e-6) and np.all(inv.vector <= hi + 1e-6), "a weighted mean of data"


def test_inverse_needs_one_vector_per_point():
    with pytest.raises(ValueError, match="vectors"):
        projection.InverseMap(umap_like(10), np.zeros((9, 3)))
    with pytest.raises(ValueError, match="vectors"):
        projection.InverseMap(umap_like(10))


def test_save_and_load_round_trip(tmp_path):
    x = plane_data(80)
    p = projection.pca(x)
    folder = CheckpointFolder(tmp_path)
    (tmp_path / folder.WEIGHTS).write_bytes(b"weights")
    projection.save_shipped(folder, p, None)
    q, vectors = projection.load_shipped(folder, "pca")
    assert q.method == "pca" and vectors is None
    np.testing.assert_array_equal(q.coords, p.coords)
    np.testing.assert_array_equal(q.components, p.components)
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp")), "written atomically"
    projection.save_shipped(folder, projection.Projection("umap", p.coords, params={"n_neighbors": 5}), x)
    q, vectors = projection.load_shipped(folder, "umap")
    assert q.mean is None and q.params == {"n_neighbors": 5}
    np.testing.assert_allclose(vectors, x, rtol=1e-3, atol=1e-3)   # stored as float16


def test_which_models_need_a_projection():
    assert projection.needs_projection("vae", 16) and projection.needs_projection("infogan", 74)
    assert not projection.needs_projection("ae", 2) and not projection.needs_projection("classifier", 10)


def test_precompute_skips_unfinished_checkpoints(tmp_path, capsys):
    """The command only maps final checkpoints (epochs_done equals the recipe's) unless --force."""
    from explorer import checkpoints
    from explorer.models import AE, AEConfig

    model = AE(AEConfig(dataset="mnist", latent_dim=16))
    checkpoints.save_model(model, tmp_path / "mnist-ae-16d", training={"epochs_done": 1})
    projection.main(["--root", str(tmp_path)])
    assert "skipped" in capsys.readouterr().out
    assert not list((tmp_path / "mnist-ae-16d").glob("projection-*"))
    assert not CheckpointFolder.find("mnist-ae-16d", tmp_path).is_final()


def test_umap_fit_reports_progress_and_separates_clusters():
    """One real umap-learn fit on three well-separated clusters, on the exact neighbour graph."""
    pytest.importorskip("umap")
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((3, 10)) * 20
    labels = np.repeat(np.arange(3), 100)
    x = centers[labels] + rng.standard_normal((300, 10))
    stages = []
    p = projection.umap(x, n_neighbors=10, min_dist=0.1, progress=lambda stage, f: stages.append(f))
    assert p.method == "umap" and p.coords.shape == (300, 2) and p.params["n_neighbors"] == 10
    assert stages[0] == 0.0 and stages[-1] == 1.0 and stages == sorted(stages)
    assert len(stages) > 5, "the layout epochs are reported"
    means = np.stack([p.coords[labels == k].mean(0) for k in range(3)])
    spread = max(np.linalg.norm(p.coords[labels == k] - means[k], axis=1).mean() for k in range(3))
    gaps = [np.linalg.norm(means[i] - means[j]) for i in range(3) for j in range(i + 1, 3)]
    assert min(gaps) > 2 * spread
    json.dumps(p.params)   # stored as JSON in the npz


def test_nearest_neighbours_are_exact_and_start_with_the_point_itself():
    x = np.random.default_rng(3).standard_normal((200, 5)).astype(np.float32)
    indices, distances = projection.nearest_neighbours(x, 7)
    assert indices.shape == distances.shape == (200, 7) and distances.dtype == np.float32
    brute = np.linalg.norm(x[:, None] - x[None], axis=2)
    assert np.array_equal(indices[:, 0], np.arange(200)) and np.allclose(distances[:, 0], 0, atol=1e-3)
    assert np.allclose(distances, np.sort(brute, axis=1)[:, :7], atol=1e-4)
    assert np.allclose(np.take_along_axis(brute, indices, 1), distances, atol=1e-4)


def test_a_shipped_map_belongs_to_its_weights(tmp_path):
    """load_shipped ignores a map made from other weights (a retrained checkpoint)."""
    folder = CheckpointFolder(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"weights v1")
    p = projection.pca(plane_data(50))
    projection.save_shipped(folder, p, None)
    shipped = projection.load_shipped(folder, "pca")
    assert shipped is not None and shipped[0].method == "pca"
    assert projection.load_shipped(folder, "umap") is None
    (tmp_path / "model.safetensors").write_bytes(b"weights v2")
    assert projection.load_shipped(folder, "pca") is None


def test_umap_progress_may_print(capsys):
    """A progress callback that prints (as the precompute command's log does) neither recurses nor is lost."""
    pytest.importorskip("umap")
    x = np.random.default_rng(1).standard_normal((120, 4))
    projection.umap(x, n_neighbors=5, progress=lambda stage, f: print(f"progress {f:.2f} {stage}"))
    out = capsys.readouterr().out
    assert "progress 0.00 Importing UMAP" in out and "progress 1.00 Done" in out
    assert "epoch 200/200" in out and "UMAP(" not in out
