import functools
import io
import json
import math
import os
import re
import shutil
import struct
import zlib

import numpy as np
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


# --- hostile .npz files ---------------------------------------------------------------------------------------------

def npy(shape: tuple, descr: str = "<f4", data: bytes | None = None) -> bytes:
    """An .npy file's bytes written by hand: a header claiming ``shape`` and ``descr``, then ``data`` (default:
    the zeros the header claims)."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue() + (bytes(math.prod(shape) * np.dtype(descr).itemsize) if data is None else data)


def deflated(data: bytes) -> tuple[list[bytes], int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return [c.compress(data) + c.flush()], len(data), zlib.crc32(data)


@functools.cache
def two_gb_of_zeros(header: bytes) -> tuple[list[bytes], int, int]:
    """``header`` then 2 GiB of zeros as one raw deflate stream of ~2 MB, built from one 16 MiB block repeated
    (a full flush makes each block's bytes the same), with the true size and CRC-32."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block, crc = bytes(16 << 20), zlib.crc32(header)
    parts = [c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)]
    zeros = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    for _ in range(128):
        parts.append(zeros)
        crc = zlib.crc32(block, crc)
    parts.append(c.flush())
    return parts, len(header) + (128 << 24), crc


def write_zip(path, members: dict[str, bytes | tuple[list[bytes], int, int]]) -> None:
    """A zip written byte by byte: each member raw bytes (deflated here) or (deflate stream parts, size, CRC-32)."""
    body, directory = bytearray(), bytearray()
    for name, member in members.items():
        parts, size, crc = deflated(member) if isinstance(member, bytes) else member
        packed = sum(map(len, parts))
        fields = (20, 0, 8, 0, 0x21, crc, packed, size, len(name.encode()))
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, len(body))
        directory += name.encode()
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name.encode()
        for part in parts:
            body += part
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    with open(path, "wb") as f:
        f.write(body + directory + end)


def snapshot_members(**replace) -> dict:
    members = {"epochs.npy": npy((3,), "<i8", np.arange(3, dtype=np.int64).tobytes()),
               "encodings.npy": npy((3, 5, 2), "<f4", np.ones((3, 5, 2), np.float32).tobytes()),
               "labels.npy": npy((5,), "<i8", np.arange(5, dtype=np.int64).tobytes())}
    members.update(replace)
    return {k: v for k, v in members.items() if v is not None}


def nan_encodings() -> bytes:
    e = np.ones((3, 5, 2), np.float32)
    e[1, 2, 0] = np.nan
    return npy((3, 5, 2), "<f4", e.tobytes())


def map_members(**replace) -> dict:
    meta = np.array(json.dumps({"method": "pca", "params": {}, "weights_sha256": ""}))
    members = {"coords.npy": npy((5, 2)), "meta.npy": npy((), meta.dtype.str, meta.tobytes()),
               "mean.npy": npy((2,)), "components.npy": npy((2, 2))}
    members.update(replace)
    return members


HOSTILE_NPZ = {   # case: (file, its members, what the refusal says)
    "2 GiB of zeros in ~2 MB": ("snapshots.npz",
                                lambda: snapshot_members(**{"encodings.npy": two_gb_of_zeros(
                                    npy((2, 1 << 26, 4), "<f4", b""))}),
                                r"arrays hold 2,147,483,\d+ bytes; the limit is 268,435,456"),
    "a header claiming 10**12 elements": ("snapshots.npz",
                                          lambda: snapshot_members(**{"encodings.npy": npy((10**6, 10**6, 1), "<f4",
                                                                                          b"\0" * 64)}),
                                          r"'encodings': its header claims \(1000000, 1000000, 1\) float32 "
                                          r"\(4,000,000,000,000 bytes\), the file holds 64"),
    "NaN encodings": ("snapshots.npz", lambda: snapshot_members(**{"encodings.npy": nan_encodings()}),
                      r"'encodings' holds NaN or infinite values"),
    "epochs one number": ("snapshots.npz", lambda: snapshot_members(**{"epochs.npy": npy((), "<i8")}),
                          r"inconsistent snapshot shapes: epochs \[\], encodings \[3, 5, 2\], labels \[5\]"),
    "fewer labels than encodings": ("snapshots.npz", lambda: snapshot_members(**{"labels.npy": npy((4,), "<i8")}),
                                    r"inconsistent snapshot shapes: epochs \[3\], encodings \[3, 5, 2\], labels \[4\]"),
    "text encodings": ("snapshots.npz", lambda: snapshot_members(**{"encodings.npy": npy((3, 5, 2), "<U1")}),
                       r"encodings are stored as <U1; expected floats"),
    "a member that is not an array": ("snapshots.npz",
                                      lambda: snapshot_members(**{"notes.txt": bytes(50_000_000)}),
                                      r"member 'notes.txt' is not an .npy array"),
    "map coords [N, 3]": ("projection-pca.npz", lambda: map_members(**{"coords.npy": npy((5, 3))}),
                          r"inconsistent map shapes"),
    "map coords infinite": ("projection-pca.npz",
                            lambda: map_members(**{"coords.npy": npy((5, 2), "<f4",
                                                                     np.full((5, 2), np.inf, np.float32).tobytes())}),
                            r"'coords' holds NaN or infinite values"),
    "map meta not JSON": ("projection-pca.npz",
                          lambda: map_members(**{"meta.npy": npy((), "<U3", np.array("{{{").tobytes())}),
                          r"not valid JSON"),
}


@pytest.mark.parametrize("case", list(HOSTILE_NPZ))
def test_a_hostile_npz_is_refused_from_its_headers_in_a_checkpoint_error_naming_the_file(root, case):
    """Snapshots and precomputed maps: sizes checked from the .npy headers before any data is inflated, NaN and
    inconsistent shapes refused, each as a CheckpointError naming checkpoints/<name>/<file>, not the server path."""
    from explorer.projection import load_shipped

    filename, members, problem = HOSTILE_NPZ[case]
    write_zip(root / "tiny-vae" / filename, members())
    folder = checkpoints.CheckpointFolder.find("tiny-vae")
    with pytest.raises(explorer.CheckpointError) as caught:
        folder.snapshots() if filename == "snapshots.npz" else load_shipped(folder, "pca")
    message = str(caught.value)
    assert re.search(problem, message), message
    assert message.startswith(f"checkpoints/tiny-vae/{filename}: ") and str(root) not in message


def test_the_hand_written_npz_files_read_back_when_nothing_is_wrong(root):
    from explorer.projection import load_shipped

    write_zip(root / "tiny-vae" / "snapshots.npz", snapshot_members())
    write_zip(root / "tiny-vae" / "projection-pca.npz", map_members())
    folder = checkpoints.CheckpointFolder.find("tiny-vae")
    assert folder.snapshots()["encodings"].shape == (3, 5, 2)
    assert load_shipped(folder, "pca") is None                  # valid, but made from other weights
