import json
import os
import re
import shutil

import pytest
import torch
from safetensors import safe_open

import explorer
from explorer import checkpoints, names
from explorer.models import VAE, InfoGAN, InfoGANConfig, VAEConfig
from tests.test_models import TINY_GAN, images


@pytest.fixture
def saved_vae(tmp_path):
    torch.manual_seed(0)
    model = VAE(VAEConfig("mnist", 2, (32,))).eval()
    folder = checkpoints.save_model(model, tmp_path / "tiny-vae", training={"seed": 0})
    return model, folder


def test_round_trip_exact_files_and_outputs(saved_vae):
    model, folder = saved_vae
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.safetensors"]
    loaded = explorer.load_model(folder, device="cpu")
    assert (loaded.kind, loaded.dataset, loaded.latent_dim, loaded.training) == ("vae", "mnist", 2, False)
    x = images()
    assert torch.equal(loaded.encode(x), model.encode(x))
    assert torch.equal(loaded.decode(torch.ones(3, 2)), model.decode(torch.ones(3, 2)))
    with safe_open(str(folder / "model.safetensors"), framework="pt") as f:   # plain safetensors, no pickle
        assert set(f.keys()) == set(model.state_dict())


def test_half_storage_round_trip(tmp_path):
    torch.manual_seed(0)
    model = InfoGAN(InfoGANConfig("mnist", **TINY_GAN)).eval()
    folder = checkpoints.save_model(model, tmp_path / "gan", half=True)
    with safe_open(str(folder / "model.safetensors"), framework="pt") as f:
        assert f.get_tensor("generator.fc.0.weight").dtype == torch.float16
    loaded = explorer.load_model(folder, device="cpu")
    z = torch.randn(4, 62)
    a = model.generate(torch.arange(4), torch.zeros(4), torch.zeros(4), z)
    b = loaded.generate(torch.arange(4), torch.zeros(4), torch.zeros(4), z)
    assert next(loaded.parameters()).dtype == torch.float32
    assert (a - b).abs().max() < 1e-2


def test_corrupt_weights_name_the_file(saved_vae):
    _, folder = saved_vae
    (folder / "model.safetensors").write_bytes(b"\x13\x00\x00\x00\x00\x00\x00\x00not json at all")
    with pytest.raises(explorer.CheckpointError, match=r"model\.safetensors: corrupt or truncated"):
        explorer.load_model(folder)


def test_truncated_weights(saved_vae):
    _, folder = saved_vae
    path = folder / "model.safetensors"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(explorer.CheckpointError, match="corrupt or truncated"):
        explorer.load_model(folder)


def test_mismatched_config(saved_vae):
    _, folder = saved_vae
    doc = json.loads((folder / "config.json").read_text())
    doc["config"]["latent_dim"] = 16
    (folder / "config.json").write_text(json.dumps(doc))
    with pytest.raises(explorer.CheckpointError,
                       match=r"decoder.0.weight has shape \[32, 2\], the config builds \[32, 16\]"):
        explorer.load_model(folder)


def test_missing_keys(saved_vae, tmp_path):
    _, folder = saved_vae
    doc = json.loads((folder / "config.json").read_text())
    doc["config"]["hidden"] = [32, 16]
    (folder / "config.json").write_text(json.dumps(doc))
    with pytest.raises(explorer.CheckpointError, match="weights do not match the config: missing"):
        explorer.load_model(folder)


@pytest.mark.parametrize("text,message", [
    ("{not json", "not valid JSON"),
    ('{"kind": "gan", "config": {}}', "unknown model kind 'gan'"),
    ('{"kind": "vae", "config": {"dataset": "mnist", "depth": 3}}', r"unknown vae config fields \['depth'\]"),
    ('[1, 2]', "must be an object"),
])
def test_bad_config(saved_vae, text, message):
    _, folder = saved_vae
    (folder / "config.json").write_text(text)
    with pytest.raises(explorer.CheckpointError, match=message):
        explorer.load_model(folder)


def test_missing_files_and_unknown_names(saved_vae, tmp_path):
    _, folder = saved_vae
    (folder / "model.safetensors").unlink()
    with pytest.raises(explorer.CheckpointError, match=r"model\.safetensors: missing file"):
        explorer.load_model(folder)
    with pytest.raises(explorer.CheckpointError, match="no such checkpoint"):
        explorer.load_model("no-such-model", root=tmp_path)


def test_nan_weights_are_refused(saved_vae):
    model, folder = saved_vae
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))
    checkpoints.save_model(model, folder)
    with pytest.raises(explorer.CheckpointError, match="NaN or infinite"):
        explorer.load_model(folder)


def test_list_models_only_lists_checkpoint_folders(saved_vae, tmp_path):
    (tmp_path / "not-a-model").mkdir()
    assert checkpoints.list_models(tmp_path) == ["tiny-vae"]


def set_config(folder, **fields) -> None:
    doc = json.loads((folder / "config.json").read_text())
    doc["config"].update(fields)
    (folder / "config.json").write_text(json.dumps(doc))


@pytest.mark.parametrize("fields, message", [
    ({"hidden": "abc"}, r"'hidden' = 'abc': expected a list"),
    ({"latent_dim": "two"}, r"'latent_dim' = 'two': expected a whole number"),
    ({"latent_dim": 2.5}, r"'latent_dim' = 2.5: expected a whole number"),
    ({"latent_dim": -5}, r"'latent_dim' = -5: expected 1 to 4096"),
    ({"latent_dim": True}, r"'latent_dim' = True: expected a whole number"),
    ({"hidden": [20000, 20000]}, r"'hidden' = \[20000, 20000\]: expected 1 to 4096"),
    ({"hidden": [4096] * 16}, r"builds [\d,]+ parameters, over the 50,000,000 limit"),
    ({"dataset": "cifar"}, r"unknown dataset 'cifar'"),
])
def test_a_config_value_of_the_wrong_type_or_size_is_refused_before_allocating(saved_vae, fields, message):
    """Each failure names config.json and the field; nothing the size of the config is allocated first."""
    import tracemalloc

    _, folder = saved_vae
    set_config(folder, **fields)
    tracemalloc.start()
    with pytest.raises(explorer.CheckpointError, match=r"config\.json: .*" + message):
        explorer.load_model(folder, device="cpu")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 << 20, f"{peak:,} bytes allocated before the refusal"


@pytest.mark.parametrize("name, text, message", [
    ("config.json", "[1, 2, 3]", "must be an object"),
    ("metrics.json", "[1, 2]", "metrics must be an object of sections"),
    ("metrics.json", '{"eval": [1]}', "metrics must be an object of sections"),
    ("curves.json", '{"loss": 3}', "curves must be an object of per-epoch lists"),
])
def test_malformed_json_files_are_checkpoint_errors(saved_vae, name, text, message):
    _, folder = saved_vae
    (folder / name).write_text(text)
    with pytest.raises(explorer.CheckpointError, match=message):
        f = checkpoints.CheckpointFolder(folder)
        f.document(), f.metrics(), f.curves()


def test_a_fifo_or_an_oversized_file_is_refused_without_reading_it(saved_vae, tmp_path):
    import os

    _, folder = saved_vae
    (folder / "metrics.json").unlink(missing_ok=True)
    os.mkfifo(folder / "metrics.json")                         # reading it would block forever
    with pytest.raises(explorer.CheckpointError, match=r"metrics\.json: not a regular file"):
        explorer.read_metrics(folder)
    (folder / "metrics.json").unlink()
    with open(folder / "curves.json", "wb") as f:
        f.truncate(checkpoints.MAX_JSON_BYTES + 1)             # sparse: no disk space used
    with pytest.raises(explorer.CheckpointError, match="over the .*-byte limit"):
        checkpoints.CheckpointFolder(folder).curves()


def test_integer_weights_where_the_model_holds_floats_are_refused(saved_vae):
    from safetensors.torch import save_file

    model, folder = saved_vae
    state = {k: v.to(torch.int64) if v.is_floating_point() else v for k, v in model.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"))
    with pytest.raises(explorer.CheckpointError, match="is stored as I64; the model holds torch.float32"):
        explorer.load_model(folder)


def test_a_name_is_always_a_folder_of_the_checkpoint_root(saved_vae, tmp_path, monkeypatch):
    """A plain name never resolves to a folder of the working directory (which could shadow a checkpoint)."""
    _, folder = saved_vae
    monkeypatch.chdir(folder.parent)
    with pytest.raises(explorer.CheckpointError, match="no such checkpoint"):
        explorer.load_model("tiny-vae", root=tmp_path / "elsewhere")
    assert explorer.load_model("tiny-vae", root=folder.parent).kind == "vae"
    assert explorer.load_model(folder).kind == "vae"             # an explicit path still works


# --- hostile folders and config files ------------------------------------------------------------------------------

@pytest.fixture
def root(tmp_path, monkeypatch):
    """A checkpoint root (``$EXPLORER_CHECKPOINTS``) holding one good model, ``tiny-vae``."""
    torch.manual_seed(0)
    root = tmp_path / "checkpoints"
    checkpoints.save_model(VAE(VAEConfig("mnist", 2, (32,))).eval(), root / "tiny-vae", training={"seed": 0})
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", root)
    return root


def copy_as(root, name: bytes) -> None:
    """A copy of ``tiny-vae`` under a folder name given as bytes (any name a file system holds)."""
    target = os.path.join(os.fsencode(root), name)
    shutil.copytree(os.path.join(os.fsencode(root), b"tiny-vae"), target)


def write_config(root, text: str) -> None:
    (root / "tiny-vae" / "config.json").write_text(text)


def config_with(**top) -> str:
    doc = {"format_version": 1, "kind": "vae", "config": {"dataset": "mnist", "latent_dim": 2, "hidden": [32]},
           "training": {}}
    doc.update(top)
    return json.dumps(doc)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


OUTSIDE_RULE = "the name is outside the naming rule (a-z, 0-9 and single hyphens)"
HOSTILE = {   # case: (damage a root holding tiny-vae, ("ignored", shown name, reason) or ("refused", message))
    "non-UTF-8 name": (lambda r: copy_as(r, b"x-\xff\xfe-name"),
                       ("ignored", "x-\ufffd\ufffd-name", "the name is not valid UTF-8")),
    "trailing newline": (lambda r: copy_as(r, b"tiny-vae\n"), ("ignored", "tiny-vae\\x0a", OUTSIDE_RULE)),
    "upper case": (lambda r: copy_as(r, b"Tiny-VAE"), ("ignored", "Tiny-VAE", OUTSIDE_RULE)),
    "long name": (lambda r: copy_as(r, b"\xff" * 200), ("ignored", "\ufffd" * 40 + "...",
                                                         "the name is not valid UTF-8")),
    "no config": (lambda r: (r / "half-copied").mkdir(), ("ignored", "half-copied", "no config.json")),
    "kind a list": (lambda r: write_config(r, config_with(kind=["vae"])),
                    ("refused", r"unknown model kind \['vae'\]")),
    "kind an object": (lambda r: write_config(r, config_with(kind={"vae": 1})),
                       ("refused", r"unknown model kind \{'vae': 1\}")),
    "kind a 3 MB string": (lambda r: write_config(r, config_with(kind="v" * 3_000_000)),
                           ("refused", r"a string of 3,000,000 characters \('vvv.*'\); the limit is 1,000")),
    "kind of 900 characters": (lambda r: write_config(r, config_with(kind="v" * 900)),
                               ("refused", r"unknown model kind 'vvv")),
    "a long field name": (lambda r: write_config(r, config_with(config={"dataset": "mnist", "q" * 900: 1})),
                          ("refused", r"unknown vae config fields \['qqq")),
    "a long dataset": (lambda r: write_config(r, config_with(config={"dataset": "d" * 900, "latent_dim": 2})),
                       ("refused", r"unknown dataset 'ddd")),
    "200,000-deep nesting": (lambda r: write_config(r, config_with(training=0).replace("0}", nested(200_000) + "}")),
                             ("refused", r"nested 200,001 deep; the limit is 32")),
    "40-deep nesting": (lambda r: write_config(r, config_with(training=0).replace("0}", nested(40) + "}")),
                        ("refused", r"nested 41 deep; the limit is 32")),
    "a 5,000-digit integer": (lambda r: write_config(r, config_with(config=0).replace('"config": 0',
                                                                                      '"config": ' + "9" * 5000)),
                              ("refused", r"a number of 5,000 characters; the limit is 40")),
    "a 5,000-digit float": (lambda r: write_config(r, config_with(training=0).replace("0}", "0." + "1" * 5000 + "}")),
                            ("refused", r"a number of 5,002 characters; the limit is 40")),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_folder_is_ignored_and_a_hostile_config_refused_in_a_short_message(root, case):
    """A folder whose name is not valid UTF-8 or outside the naming rule is no model (listed as ignored, with its
    reason); a config.json that would crash the parser or flood a message is a CheckpointError naming the file
    relative to the checkpoint root, quoting at most ~40 characters of the bad value."""
    damage, expected = HOSTILE[case]
    damage(root)
    if expected[0] == "ignored":
        assert checkpoints.list_models() == ["tiny-vae"]
        assert expected[1:] in checkpoints.ignored_folders()
        assert explorer.load_model("tiny-vae", device="cpu").kind == "vae"
        return
    with pytest.raises(explorer.CheckpointError) as caught:
        explorer.load_model("tiny-vae", device="cpu")
    message = str(caught.value)
    assert re.search(expected[1], message), message[:300]
    assert message.startswith("checkpoints/tiny-vae/config.json: ") and str(root) not in message
    assert len(message) < 160, message[:300]


def test_a_name_is_a_whole_match_of_the_naming_rule():
    assert names.is_name("mnist-vae-2d")
    assert not any(names.is_name(n) for n in ("mnist-vae-2d\n", "mnist--vae", "-a", "a-", "Mnist", "", None, 3))
