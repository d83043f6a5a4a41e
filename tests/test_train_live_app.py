"""AppTest of the Train it yourself page: the controls, a short real training run through the worker pool, the
finished model offered (selected, marked Yours) on the Latent grid and the Latent map, and its zip."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

import explorer
from explorer import checkpoints

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.test_app import ENTRY  # noqa: E402

PAGE = "pages/15_Train_it_yourself.py"


@pytest.fixture
def trained_dir(tmp_path, monkeypatch):
    root = tmp_path / "trained"
    monkeypatch.setattr(checkpoints, "TRAINED_DIR", root)
    monkeypatch.setenv("EXPLORER_TRAINED", str(root))
    from explorer.ui.shell import yours
    yours.pool.clear()              # trainers started by an earlier test inherited that test's environment
    yield root
    yours.pool().close()
    yours.pool.clear()


def need_training_split(ds: str) -> None:
    """Training needs the dataset's training split (``scripts/setup.sh --dev`` installs Debian's Fashion-MNIST)."""
    from explorer import data

    try:
        data.load_dataset(ds, "train")
    except data.DatasetNotFoundError as e:
        pytest.skip(f"no {ds} training split here: {e}")


def page(state: dict | None = None) -> AppTest:
    need_training_split("fashion")
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.session_state["dataset"] = "fashion"
    at.session_state["live_widgets"] = False
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "info", "success", "warning", "error")
                    for e in at.get(kind) if isinstance(getattr(e, "value", None), str))


def test_the_page_offers_the_settings_and_a_train_button_before_any_run(trained_dir):
    at = page()
    assert [s.label for s in at.slider] == ["β (KL weight)", "Training images", "Epochs"]
    assert at.slider[0].disabled                                 # β only for the β-VAE
    assert at.selectbox(key="train_kind").value == "vae" and at.selectbox(key="train_latent").value == 2
    assert at.button(key="train_start").label == "Train" and at.button(key="train_pause").disabled
    assert "Press **Train** to start" in texts(at)
    at.selectbox(key="train_kind").set_value("beta").run()
    assert not at.slider(key="train_beta").disabled


def test_train_runs_in_a_worker_and_the_model_joins_the_latent_grid_and_map(trained_dir):
    at = page({"train_images": 1000, "train_epochs": 2, "train_seed": 7})
    at.button(key="train_start").click().run()
    deadline, saw_map = time.monotonic() + 90, False
    while time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        saw_map |= len(at.get("plotly_chart")) == 2               # the map and the curves, while it trains
        if "Your model is ready" in texts(at):
            break
    assert "Your model is ready" in texts(at) and saw_map
    assert "Class separation" in texts(at)
    assert any("What the decoder draws over the map" in e.proto.body for e in at.get("html"))
    assert len(at.get("plotly_chart")) == 2 and not at.button(key="train_start").disabled
    (name,) = [p.name for p in trained_dir.iterdir() if p.name.startswith("yours-")]
    assert not (checkpoints.CHECKPOINT_DIR / name).exists()
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the model (.zip)"
    with zipfile.ZipFile(io.BytesIO(checkpoints.CheckpointFolder(trained_dir / name).zip_bytes())) as z:
        assert sorted(z.namelist()) == ["config.json", "model.safetensors"]

    at.switch_page("pages/02_Latent_grid.py").run()
    assert not at.exception, [e.message for e in at.exception]
    choice = at.sidebar.radio(key="grid_model")
    assert at.session_state["grid_model"] == name                   # offered selected, once, after training
    shipped = [n for n in ("fashion-vae-2d", "fashion-ae-2d") if n in explorer.list_models()]
    assert choice.options[len(shipped):] == ["Yours · VAE · 2-D · 1,000 images · 2 epochs · seed 7"]
    assert "Every cell is what the decoder draws" in texts(at) and len(at.get("image")) + len(at.get("html")) > 0

    at.switch_page("pages/01_Latent_map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["map_model"] == name
    assert "placed at its 2-D VAE code" in texts(at) and len(at.get("plotly_chart")) == 1


def test_the_live_map_is_the_latent_maps_figure_refilled_with_each_frame():
    import numpy as np

    from explorer.ui.kit.colours import CLASS_COLOURS
    from explorer.ui.train_live import views

    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 30).astype(np.uint8)            # a run on three classes
    frames = [{"coords": rng.normal(size=(90, 2)).astype(np.float32) + labels[:, None] * 4, "labels": labels}
              for _ in range(2)]
    for frame in frames:
        fig = views.map_figure(frame, "fashion", 2)
        for k in range(3):
            assert np.array_equal(fig.data[k].x, frame["coords"][labels == k, 0])
            assert fig.data[k].marker.color == CLASS_COLOURS[k]
        notes = fig.layout.annotations                                   # class names, not colour alone
        assert [n.text for n in notes] == ["<b>T-shirt/top</b>", "<b>Trouser</b>", "<b>Pullover</b>"]
        assert notes[1].x == pytest.approx(float(np.median(frame["coords"][labels == 1, 0])))
    assert views.map_figure(frames[0], "fashion", 3).layout.xaxis.title.text == "PC 1"


def test_a_three_d_model_trained_here_is_mapped_through_pca_on_the_latent_map_and_not_offered_on_the_grid(
        trained_dir):
    import multiprocessing as mp

    from explorer import train_job
    from explorer.jobs import Control

    need_training_split("mnist")
    settings = train_job.Settings(dataset="mnist", kind="ae", latent_dim=3, images=1000, epochs=1, seed=1)
    ends = []
    train_job.run(settings.to_dict(), Control(mp.Value("i", 0)), lambda kind, p: ends.append((kind, p)))
    assert ends[-1][0] == "done"
    name = ends[-1][1]["name"]
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.session_state["dataset"] = "mnist"
    at.session_state["live_widgets"] = False
    at.session_state["yours_models"] = {name: settings}
    at.switch_page("pages/01_Latent_map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["map_model"] == name
    assert "its 3-D autoencoder encoding, projected to 2-D" in texts(at)
    assert at.radio(key="map_method").options == ["PCA", "UMAP"] and at.radio(key="map_method").value == "pca"
    at.switch_page("pages/02_Latent_grid.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert all(not o.startswith("Yours") for o in at.sidebar.radio(key="grid_model").options)
