"""Live training (explorer.train_job): settings checked, the project's loop, frames, the exported model round-trips
through the zip and explorer.load_model, and the same seed gives the same weights."""

from __future__ import annotations

import io
import multiprocessing as mp
import time
import zipfile

import numpy as np
import pytest
import torch

import explorer
from explorer import checkpoints, names, train_job
from explorer.jobs import CANCEL, RUN, STOP, Control, JobPool

TINY = {"dataset": "mnist", "kind": "vae", "images": 1000, "epochs": 2, "seed": 3}   # the fixture has 60 images


@pytest.fixture
def trained_dir(idx_data_dir, tmp_path, monkeypatch):
    root = tmp_path / "trained"
    monkeypatch.setattr(checkpoints, "TRAINED_DIR", root)
    monkeypatch.setenv("EXPLORER_TRAINED", str(root))
    return root


def control(code: int = RUN) -> Control:
    return Control(mp.Value("i", code, lock=False))


def train(spec: dict, ctl: Control | None = None, on_frame=None) -> tuple[list, list]:
    frames, ends = [], []

    def emit(kind, payload):
        if kind == "frame":
            frames.append(payload)
            if on_frame:
                on_frame(payload)
        else:
            ends.append((kind, payload))

    train_job.run(spec, ctl or control(), emit)
    return frames, ends


def weights(name: str) -> dict:
    """The tensors (not the file: safetensors writes its metadata's keys in any order)."""
    from safetensors.torch import load_file

    return load_file(checkpoints.TRAINED_DIR / name / "model.safetensors")


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("bad", [{"images": 999}, {"images": 10_001}, {"epochs": 0}, {"epochs": True},
                                 {"seed": -1}, {"latent_dim": 4}, {"beta": 2.5}, {"beta": float("nan")},
                                 {"kind": "gan"}, {"dataset": "cifar"}, {"classes": (0, 10)}, {"classes": [1.5]},
                                 {"color": "red"}])
def test_settings_outside_their_bounds_are_refused(bad):
    with pytest.raises(ValueError):
        train_job.Settings.from_dict({**TINY, **bad})


def test_settings_name_the_model_by_every_setting():
    a = train_job.Settings.from_dict(TINY)
    assert names.parse_trained(a.name) == names.ModelName("mnist", "vae", 2)
    assert a.name == train_job.Settings.from_dict(dict(TINY)).name
    assert a.name != train_job.Settings.from_dict({**TINY, "seed": 4}).name
    assert train_job.Settings.from_dict({**TINY, "kind": "ae", "beta": 0.3}).beta == 0.0   # an AE has no KL weight
    assert train_job.Settings(classes=(3, 1, 3)).classes == (1, 3)


def test_a_run_reports_frames_and_exports_a_model_that_round_trips_through_the_zip(trained_dir, tmp_path):
    frames, ends = train(TINY)
    assert ends[-1][0] == "done"
    name = ends[-1][1]["name"]
    first, last = frames[0], frames[-1]
    assert first["step"] == 0 and last["step"] == last["steps"] == 2 and last["epoch"] == 2   # 60 images: 1 batch
    assert first["coords"].shape == (20, 2) and first["coords"].dtype == np.float32
    assert first["grid"].shape == (8 * 29 - 1, 8 * 29 - 1) and first["grid"].dtype == np.uint8
    assert not np.array_equal(first["coords"], last["coords"])              # the map moved
    assert len(last["curve_recon"]) >= 1 and np.isfinite(last["curve_kl"]).all() and 0 <= last["knn"] <= 1

    assert (trained_dir / name).is_dir() and not (checkpoints.CHECKPOINT_DIR / name).exists()
    by_name = explorer.load_model(name, device="cpu")                         # a trained name finds its folder
    with zipfile.ZipFile(io.BytesIO(checkpoints.CheckpointFolder(trained_dir / name).zip_bytes())) as z:
        assert sorted(z.namelist()) == ["config.json", "model.safetensors"]
        z.extractall(tmp_path / "unzipped")
    model = explorer.load_model(tmp_path / "unzipped", device="cpu")
    assert model.kind == "vae" and model.latent_dim == 2 and model.dataset == "mnist"
    z = torch.randn(5, 2)
    assert torch.equal(model.decode(z), by_name.decode(z))
    images, _ = explorer.load_dataset("mnist", "test")
    x = torch.from_numpy(images[:20, None] / 255.0).float()
    enc = model.encode(x).numpy()
    coords = last["coords"]
    order = np.argsort(train_job.map_subset(train_job.Settings.from_dict(TINY), explorer.load_dataset("mnist", "test")[1]))
    assert np.allclose(enc[train_job.map_subset(train_job.Settings.from_dict(TINY),
                                                 explorer.load_dataset("mnist", "test")[1])][order], coords[order],
                       atol=1e-5)                                              # the last map is the model's


def test_stop_exports_the_model_so_far_and_cancel_exports_nothing(trained_dir):
    many = {**TINY, "epochs": 50}
    ctl = control()
    frames, ends = train(many, ctl, on_frame=lambda f: setattr(ctl._value, "value", STOP) if f["step"] >= 3 else None)
    assert ends[-1][0] == "done" and ends[-1][1]["stopped_early"] and 3 <= frames[-1]["step"] < 50
    ctl = control()
    _, ends = train({**many, "seed": 5}, ctl, on_frame=lambda f: setattr(ctl._value, "value", CANCEL))
    assert ends == [("cancelled", {})]
    assert not (trained_dir / train_job.Settings.from_dict({**many, "seed": 5}).name).exists()


def test_a_three_d_model_is_mapped_through_its_principal_components():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(500, 3)) * [5.0, 2.0, 0.1]
    coords, centre, axes = train_job.plane(z)
    assert coords.shape == (500, 2) and np.allclose(np.abs(axes[0]), [1, 0, 0], atol=0.05)
    flipped = train_job.plane(-z)[2]
    assert np.allclose(flipped, axes)            # signed by the largest entry: the map does not flip


def run_in_pool(pool, spec: dict):
    job_id = pool.submit(spec)
    deadline = time.monotonic() + 60
    while pool.status(job_id).state not in ("done", "failed", "cancelled") and time.monotonic() < deadline:
        pool.touch(job_id)
        time.sleep(0.05)
    job = pool.status(job_id)
    assert job.state == "done", job.error
    return job


def test_in_a_worker_the_same_seed_gives_the_same_weights_and_another_seed_others(trained_dir):
    pool = JobPool("explorer.train_job:run", workers=2)
    try:
        name = run_in_pool(pool, TINY).result["name"]
        first = weights(name)
        (trained_dir / name / "model.safetensors").unlink()
        for _ in range(2):                                # a fresh worker and one that has trained before
            again = run_in_pool(pool, TINY)
            assert again.result["name"] == name and same(weights(name), first)
        assert explorer.load_model(name, device="cpu").latent_dim == 2
        other = run_in_pool(pool, {**TINY, "seed": 4}).result["name"]
        assert not same(weights(other), first)
    finally:
        pool.close()


def test_knn_accuracy_is_one_for_separate_classes_and_near_chance_for_mixed_ones():
    from explorer.metrics import knn_accuracy

    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 50)
    apart = rng.normal(size=(200, 2)) * 0.1 + labels[:, None] * 10
    assert knn_accuracy(apart, labels, 5) == 1.0
    assert abs(knn_accuracy(rng.normal(size=(200, 2)), labels, 5) - 0.25) < 0.12


def test_only_the_newest_trained_models_are_kept(tmp_path):
    import os

    made = []
    for i in range(4):
        name = names.trained_name("mnist", "vae", 2, f"{i:012x}")
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (1000 + i, 1000 + i))
        made.append(name)
    (tmp_path / "not-a-model").mkdir()
    assert sorted(train_job.prune(tmp_path, 2)) == made[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*made[2:], "not-a-model"])
