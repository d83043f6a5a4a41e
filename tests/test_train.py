import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

import explorer
from explorer import train
from explorer.recipes import InfoGANTraining, get_recipe, training_options
from explorer import checkpoints
from explorer.resume import RunStateError, load_state, save_state

TINY = ["--max-steps", "2", "--epochs", "2"]  # 60 tiny images: one batch per epoch


@pytest.mark.parametrize("name", ["mnist-ae-2d", "mnist-vae-16d", "fashion-classifier", "mnist-infogan", "mnist-dae",
                                  "fashion-vae-2d-beta0p1"])
def test_training_smoke_exports_a_loadable_checkpoint(name, idx_data_dir, tmp_path, capsys):
    out, runs = tmp_path / "out", tmp_path / "runs"
    train.main([name, *TINY, "--out", str(out), "--runs", str(runs)])
    folder = out / name
    expected = {"config.json", "model.safetensors", "metrics.json", "curves.json"}
    if get_recipe(name).snapshot_epochs:
        expected.add("snapshots.npz")
    assert {p.name for p in folder.iterdir()} == expected
    config = json.loads((folder / "config.json").read_text())
    assert config["training"]["steps"] == 2 and config["training"]["data_source"] == "idx"
    assert config["training"]["command"] == f"python -m explorer.train {name}"
    curves = json.loads((folder / "curves.json").read_text())
    assert curves["epoch"] == [1, 2] and all(np.isfinite(v[0]) for v in curves.values())
    model = explorer.load_model(folder, device="cpu")
    assert model.kind == name.split("-")[1]


def test_snapshots_hold_test_encodings_per_epoch(idx_data_dir, tmp_path):
    train.main(["mnist-vae-2d", "--epochs", "2", "--out", str(tmp_path / "o"), "--runs", str(tmp_path / "r")])
    with np.load(tmp_path / "o" / "mnist-vae-2d" / "snapshots.npz") as f:
        assert list(f["epochs"]) == [0, 1, 2]
        assert f["encodings"].shape == (3, 20, 2) and len(f["labels"]) == 20
        assert not np.array_equal(f["encodings"][0], f["encodings"][2])   # the map moved while training


def test_resume_continues_where_it_stopped(idx_data_dir, tmp_path, capsys):
    args = ["mnist-ae-2d", "--out", str(tmp_path / "o"), "--runs", str(tmp_path / "r")]
    train.main([*args, "--epochs", "2"])
    train.main([*args, "--epochs", "4"])
    assert "resuming after epoch 2" in capsys.readouterr().out
    curves = json.loads((tmp_path / "o" / "mnist-ae-2d" / "curves.json").read_text())
    assert curves["epoch"] == [1, 2, 3, 4]


def test_killed_run_loses_at_most_one_epoch(idx_data_dir, tmp_path):
    """SIGKILL a real training process mid-run; rerunning resumes from its last saved epoch."""
    runs = tmp_path / "r"
    cmd = [sys.executable, "-m", "explorer.train", "mnist-ae-16d", "--epochs", "400", "--out", str(tmp_path / "o"),
           "--runs", str(runs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    printed = 0
    for line in proc.stdout:
        if " epoch " in line and ":" in line:
            printed = int(line.split(" epoch ")[1].split(":")[0])
            if printed >= 3:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state_dir = runs / "mnist-ae-16d-seed0"
    model = explorer.models.AE(explorer.models.AEConfig("mnist", 16))
    opt = torch.optim.Adam(model.parameters())
    progress = load_state(state_dir, {"model": model}, {"model": opt})
    assert progress["epoch"] >= printed - 1 and progress["epoch"] >= 1
    assert progress["curves"]["epoch"] == list(range(1, progress["epoch"] + 1))


def test_state_round_trip_restores_optimiser(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    save_state(tmp_path, {"m": model}, {"m": opt}, {"epoch": 7})
    model2 = torch.nn.Linear(3, 2)
    opt2 = torch.optim.Adam(model2.parameters(), lr=0.5)
    assert load_state(tmp_path, {"m": model2}, {"m": opt2}) == {"epoch": 7}
    assert torch.equal(model2.weight, model.weight)
    assert opt2.param_groups[0]["lr"] == 0.01
    s1, s2 = opt.state_dict()["state"][0], opt2.state_dict()["state"][0]
    assert torch.equal(s1["exp_avg"], s2["exp_avg"]) and float(s1["step"]) == float(s2["step"])


def test_unknown_model_name_is_refused():
    with pytest.raises(ValueError, match="no recipe named 'mnist-gan'"):
        train.main(["mnist-gan", "--max-steps", "1"])


def tiny_gan_recipe(**options):
    """mnist-infogan's recipe on a tiny network for 3 epochs, with some of its training options changed."""
    recipe = get_recipe("mnist-infogan")
    config = explorer.models.InfoGANConfig("mnist", g_hidden=32, g_channels=(8, 4), d_channels=(4, 8), d_hidden=16,
                                           q_hidden=8)
    return dataclasses.replace(recipe, model=config, epochs=3,
                               training=dataclasses.replace(recipe.training, **options))


def test_infogan_finish_averages_the_readers_and_recalibrates_their_batchnorm():
    recipe = tiny_gan_recipe(average_epochs=2, recalibrate_bn=True)
    model = explorer.models.InfoGAN(recipe.model).train()
    task = train.InfoGANTask(recipe, model, torch.device("cpu"))
    readers = task.readers()
    seen = []
    for epoch in (1, 2, 3):                      # stand-ins for three epochs of training
        with torch.no_grad():
            for p in readers.parameters():
                p.add_(torch.randn_like(p))
        seen.append([p.detach().clone() for p in readers.parameters()])
        task.end_epoch(epoch)
    assert int(task.readers_average.n_averaged) == 2          # epochs 2 and 3 only
    x = torch.rand(128, 1, 28, 28)
    task.finish(x)
    for p, p2, p3 in zip(readers.parameters(), seen[1], seen[2]):
        assert torch.allclose(p, (p2 + p3) / 2, atol=1e-6)
    bn = model.trunk.net[3]                       # the trunk's first BatchNorm: statistics of the real images now
    inputs = []
    bn.register_forward_hook(lambda module, args, out: inputs.append(args[0]))
    model.eval()
    with torch.no_grad():
        model.features(x)
    assert torch.allclose(bn.running_mean, inputs[0].mean((0, 2, 3)), atol=1e-5)


def test_infogan_continuous_information_weight_changes_from_the_recipes_epoch():
    recipe = tiny_gan_recipe(cont_weight_from=(3, 0.25))
    model = explorer.models.InfoGAN(recipe.model).train()
    task = train.InfoGANTask(recipe, model, torch.device("cpu"))
    x, y = torch.rand(16, 1, 28, 28), torch.zeros(16, dtype=torch.long)
    for epoch, weight in ((1, recipe.training.cont_weight), (2, recipe.training.cont_weight), (3, 0.25)):
        task.start_epoch(epoch)
        terms = task.step(x, y)   # "info" is the weighted sum the G+Q step optimised
        assert terms["info"] == pytest.approx(terms["info_cat"] + weight * terms["info_cont"], rel=1e-5)


def test_infogan_information_loss_reads_shifted_fakes_from_the_recipes_epoch(monkeypatch):
    recipe = tiny_gan_recipe(q_shift_from=(2, 2))
    model = explorer.models.InfoGAN(recipe.model).train()
    task = train.InfoGANTask(recipe, model, torch.device("cpu"))
    trunk_calls, generated, read, judged, shifts = [], [], [], [], []
    model.trunk.register_forward_hook(lambda module, args, out: trunk_calls.append((args[0], out)))
    model.generator.register_forward_hook(lambda module, args, out: generated.append(out))

    def images_behind(h):   # the images the trunk read to give features h
        return next(images for images, out in trunk_calls if out is h)

    task.d_head.register_forward_hook(lambda module, args, out: judged.append(images_behind(args[0])))
    information_loss = model.information_loss

    def spy(h, *args, **kwargs):
        read.append(images_behind(h))
        return information_loss(h, *args, **kwargs)

    monkeypatch.setattr(model, "information_loss", spy)
    # A stand-in shift that keeps the graph and leaves an unmistakable trace: all-zero images.
    monkeypatch.setattr(train, "random_shift", lambda x, pixels: (shifts.append(pixels), x * 0)[1])
    real, y = torch.rand(16, 1, 28, 28) + 1, torch.zeros(16, dtype=torch.long)   # values > 1: no fake looks like this

    task.start_epoch(1)
    task.step(real, y)
    assert shifts == [] and len(read) == 2 and all(torch.equal(images, generated[-1]) for images in read)

    read.clear(), judged.clear()
    task.start_epoch(2)
    task.step(real, y)
    assert shifts == [2, 2] and len(read) == 2 and all(not images.any() for images in read)
    assert not read[0].requires_grad and read[1].requires_grad   # D step on detached fakes; the G step trains G
    assert judged[0] is real and all(torch.equal(images, generated[-1]) for images in judged[1:])   # D: unshifted


def test_resumed_infogan_run_exports_the_same_averaged_model(idx_data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(train, "get_recipe", lambda name: tiny_gan_recipe(average_epochs=2, recalibrate_bn=True))
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    train.main(["mnist-infogan", "--out", str(whole / "o"), "--runs", str(whole / "r")])
    train.main(["mnist-infogan", "--max-steps", "2", "--out", str(parts / "o"), "--runs", str(parts / "r")])

    def weights(root):   # tensors only: the file's metadata records wall time, which differs
        return load_file(root / "o" / "mnist-infogan" / "model.safetensors")

    stopped = weights(parts)
    train.main(["mnist-infogan", "--out", str(parts / "o"), "--runs", str(parts / "r")])
    resumed, uninterrupted = weights(parts), weights(whole)
    assert resumed.keys() == uninterrupted.keys()
    assert all(torch.equal(resumed[k], uninterrupted[k]) for k in resumed)
    # The stop after epoch 2 had averaged one epoch, not two.
    assert not torch.equal(stopped["trunk.net.0.weight"], resumed["trunk.net.0.weight"])


def test_a_smoke_run_never_replaces_a_shipped_checkpoint(idx_data_dir, tmp_path, monkeypatch, capsys):
    """Without --out, only the recipe as written exports to the checkpoint root; --max-steps or an override
    exports to the scratch folder."""
    shipped, scratch = tmp_path / "checkpoints", tmp_path / "scratch"
    monkeypatch.setattr(train.checkpoints, "CHECKPOINT_DIR", shipped)
    monkeypatch.setattr(train, "SCRATCH_EXPORTS", scratch)
    runs = ["--runs", str(tmp_path / "r")]
    train.main(["mnist-ae-2d", "--max-steps", "1", *runs])
    train.main(["mnist-ae-2d", "--epochs", "1", "--seed", "5", *runs])
    assert not shipped.exists() and (scratch / "mnist-ae-2d" / "model.safetensors").is_file()
    assert "does not replace a shipped checkpoint" in capsys.readouterr().out
    assert train.export_root(None, None, {}) == shipped
    assert train.export_root(tmp_path / "x", 3, {"epochs": 1}) == tmp_path / "x"


def test_a_run_stopped_inside_an_epoch_does_not_record_it(idx_data_dir, tmp_path, monkeypatch, capsys):
    """60 training images in batches of 16 make 4 steps an epoch; stopping after 6 saves epoch 1 only, and the
    next run resumes after epoch 1 and trains every batch of epoch 2."""
    recipe = dataclasses.replace(get_recipe("mnist-ae-2d"), batch_size=16, epochs=2)
    monkeypatch.setattr(train, "get_recipe", lambda name: recipe)
    args = ["mnist-ae-2d", "--out", str(tmp_path / "o"), "--runs", str(tmp_path / "r")]
    train.main([*args, "--max-steps", "6"])
    out = capsys.readouterr().out
    assert "stopped after 2 of 4 batches of epoch 2" in out
    curves = json.loads((tmp_path / "o" / "mnist-ae-2d" / "curves.json").read_text())
    assert curves["epoch"] == [1]
    train.main(args)
    assert "resuming after epoch 1" in capsys.readouterr().out
    config = json.loads((tmp_path / "o" / "mnist-ae-2d" / "config.json").read_text())
    assert config["training"]["epochs_done"] == 2 and config["training"]["steps"] == 8
    assert json.loads((tmp_path / "o" / "mnist-ae-2d" / "curves.json").read_text())["epoch"] == [1, 2]


def test_training_options_refuse_a_mistyped_key():
    with pytest.raises(ValueError, match="unknown infogan training options \\['cont_wieght'\\]"):
        training_options("infogan", {"cont_wieght": 0.1})
    with pytest.raises(TypeError):
        dataclasses.replace(get_recipe("mnist-classifier"), training=InfoGANTraining())
    recorded = json.loads(json.dumps(dataclasses.asdict(get_recipe("mnist-infogan").training)))
    assert training_options("infogan", recorded) == get_recipe("mnist-infogan").training


def test_a_schedule_applies_from_its_epoch():
    assert [train.from_epoch((3, 0.1), e, 1.0) for e in (1, 2, 3, 4)] == [1.0, 1.0, 0.1, 0.1]
    assert train.from_epoch(None, 10, 1.0) == 1.0


def test_learning_rates_drop_to_a_tenth_for_the_last_epochs():
    recipe = dataclasses.replace(get_recipe("mnist-classifier"), epochs=10, lr=1e-3, lr_drop_epochs=3)
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    seen = []
    for epoch in range(1, 11):
        train.set_learning_rates({"model": opt}, recipe, epoch)
        seen.append(opt.param_groups[0]["lr"])
    assert seen[:7] == [pytest.approx(1e-3)] * 7 and seen[7:] == [pytest.approx(1e-4)] * 3


def test_random_shift_moves_each_image_by_at_most_its_pixels():
    torch.manual_seed(0)
    x = torch.zeros(64, 1, 28, 28)
    x[:, :, 14, 14] = 1.0                                        # one lit pixel in the middle
    shifted = train.random_shift(x, 2)
    assert shifted.shape == x.shape and torch.equal(shifted.sum((1, 2, 3)), x.sum((1, 2, 3)))
    where = shifted[:, 0].flatten(1).argmax(1)
    rows, cols = where // 28 - 14, where % 28 - 14
    assert rows.abs().max() <= 2 and cols.abs().max() <= 2
    assert len(set(zip(rows.tolist(), cols.tolist()))) > 10, "the shifts vary from image to image"
    assert torch.equal(train.random_shift(x, 0), x)


def test_export_replaces_the_whole_folder_and_an_interrupted_one_changes_nothing(idx_data_dir, tmp_path,
                                                                                   monkeypatch, capsys):
    out, args = tmp_path / "o", ["mnist-vae-2d", "--epochs", "1", "--runs", str(tmp_path / "r")]
    train.main([*args, "--out", str(out)])
    folder = out / "mnist-vae-2d"
    (folder / "projection-pca.npz").write_bytes(b"maps of the old weights")
    checkpoints.CheckpointFolder(folder).update_metrics("eval", {"test_nelbo": 1.0})
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def fail(self, curves):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints.CheckpointFolder, "write_curves", fail)
        with pytest.raises(SystemExit):
            train.main([*args, "--epochs", "2", "--out", str(out)])
    assert "disk full" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "an interrupted export leaves it as it was"
    assert sorted(p.name for p in out.iterdir()) == ["mnist-vae-2d"], "no staging folder is left behind"

    train.main([*args, "--epochs", "2", "--out", str(out)])
    assert not (folder / "projection-pca.npz").exists() and "eval" not in explorer.read_metrics(folder)
    assert checkpoints.CheckpointFolder(folder).training["epochs_done"] == 2
    assert sorted(p.name for p in out.iterdir()) == ["mnist-vae-2d"]


def test_a_damaged_run_state_names_its_file_and_what_to_do(idx_data_dir, tmp_path):
    runs = tmp_path / "r"
    args = ["mnist-vae-2d", "--epochs", "1", "--out", str(tmp_path / "o"), "--runs", str(runs)]
    train.main(args)
    state = next(runs.rglob("state.safetensors"))
    state.write_bytes(state.read_bytes()[:500])
    with pytest.raises(RunStateError, match=r"state\.safetensors: cannot resume .*--fresh"):
        train.main(args)
    train.main([*args, "--fresh"])                          # and --fresh does start again


def test_a_denoising_run_corrupts_the_same_way_when_resumed(idx_data_dir, tmp_path):
    """Two epochs in one go and one + one resumed give the same weights: the noise is seeded per epoch."""
    whole, split = tmp_path / "whole", tmp_path / "split"
    train.main(["mnist-dae", "--epochs", "2", "--out", str(whole / "o"), "--runs", str(whole / "r")])
    train.main(["mnist-dae", "--epochs", "1", "--out", str(split / "o"), "--runs", str(split / "r")])
    train.main(["mnist-dae", "--epochs", "2", "--out", str(split / "o"), "--runs", str(split / "r")])
    a = load_file(str(whole / "o" / "mnist-dae" / "model.safetensors"))
    b = load_file(str(split / "o" / "mnist-dae" / "model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    curves = json.loads((whole / "o" / "mnist-dae" / "curves.json").read_text())
    assert np.isfinite(curves["test_psnr"]).all()


def occupied(folder: Path) -> Path:
    """A regular file where the folder should be: no one, not even root, can write into it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    return folder / "models"


def read_only(folder: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("make", [read_only, occupied], ids=["read-only folder", "a file in the way"])
@pytest.mark.parametrize("flag", ["--out", "--runs"])
def test_an_out_or_runs_folder_that_cannot_be_written_ends_in_one_line_before_any_training(tmp_path, capsys,
                                                                                          monkeypatch, make, flag):
    """What failed, on which folder, and what to do, on stderr; exit status 1; no training started (the data is
    never read)."""
    monkeypatch.setattr(train, "train", lambda *a, **k: pytest.fail("trained into a folder it cannot write"))
    bad = make(tmp_path / "bad")
    folders = {"--out": str(tmp_path / "o"), "--runs": str(tmp_path / "r"), flag: str(bad)}
    with pytest.raises(SystemExit) as stopped:
        train.main(["mnist-vae-2d", "--max-steps", "1", *(a for kv in folders.items() for a in kv)])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("python -m explorer.train: ")
    assert str(bad) in err and "--out and --runs" in err


def test_evaluate_ends_in_one_line_when_a_checkpoint_folder_cannot_be_written(tmp_path, capsys, monkeypatch):
    from explorer import evaluate
    from explorer.models import VAE, VAEConfig

    root = tmp_path / "checkpoints"
    checkpoints.save_model(VAE(VAEConfig("mnist", 2, (32,))), root / "tiny-vae")
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", root)
    monkeypatch.setattr(evaluate, "evaluate_model", lambda *a: pytest.fail("evaluated before checking the folder"))
    (root / "tiny-vae" / f".write-test-{os.getpid()}").mkdir()       # a folder where a file must be written
    with pytest.raises(SystemExit) as stopped:
        evaluate.main(["tiny-vae"])
    err = capsys.readouterr().err
    assert stopped.value.code == 1 and err.count("\n") == 1
    assert err.startswith("python -m explorer.evaluate: Is a directory: ") and str(root / "tiny-vae") in err
    assert "--no-write" in err
