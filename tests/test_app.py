"""AppTest over every page of the app with the shipped checkpoints: no exception, and every keyed widget changes
what is shown. Plot clicks are simulated through the chart's session state (AppTest has no chart API); the real
clicks are in tests/test_browser.py."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

import explorer
from explorer import projection

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENTRY = str(REPO / "streamlit_app.py")
SHOWN = ("title", "markdown", "caption", "image", "plotly_chart", "dataframe", "json", "alert", "html")


def need(*names: str) -> None:
    missing = [n for n in names if n not in explorer.list_models()]
    if missing:
        pytest.skip(f"checkpoints not shipped: {', '.join(missing)}")


@pytest.fixture(autouse=True)
def no_umap_warm_up(monkeypatch):
    """The background numba compilation is for servers; tests that fit a UMAP do it themselves."""
    monkeypatch.setattr(projection, "warm_up", lambda: 0.0)


def run(page: str | None = None, dataset: str = "mnist", state: dict | None = None, live: bool = False) -> AppTest:
    """The app after one run of ``page``: with Streamlit's own widgets (the live widgets' fallback, which AppTest
    can drive) unless ``live`` (tests/test_live_app.py reads what the live widgets are sent)."""
    at = AppTest.from_file(ENTRY, default_timeout=300)
    at.session_state["dataset"] = dataset
    at.session_state["live_widgets"] = live
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> dict[str, str]:
    """A fingerprint of everything the page shows (text, images, charts, tables), not of its widgets, by kind."""
    return {kind: "|".join(hashlib.md5(e.proto.SerializeToString()).hexdigest() for e in at.get(kind))
            for kind in SHOWN}


def changes(at: AppTest, act, *what: str) -> None:
    """Apply ``act`` (a widget change), rerun, and check that the page did not fail and that what the user should
    see change did: each kind of element in ``what`` ("image", "plotly_chart", "caption", …) shows something
    else."""
    assert what and set(what) <= set(SHOWN), what
    before = shown(at)
    act(at)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = shown(at)
    assert [k for k in what if after[k] == before[k]] == [], f"unchanged: {[k for k in what if after[k] == before[k]]}"


def captions(at: AppTest) -> list[str]:
    """Captions of every image on the page, in order."""
    return [img.caption for el in at.get("image") for img in el.proto.imgs]


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


# --- every page, both datasets ----------------------------------------------------------------------------------

PAGES = [None, "pages/01_Latent_map.py", "pages/02_Latent_grid.py", "pages/03_InfoGAN_codes.py", "pages/05_Models.py"]


@pytest.mark.parametrize("dataset", ["mnist", "fashion"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs(page, dataset):
    need(f"{dataset}-vae-2d", f"{dataset}-infogan")
    at = run(page, dataset)
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"
    assert at.sidebar.selectbox(key="dataset").value == dataset


def test_dataset_choice_changes_the_page():
    need("mnist-vae-2d", "fashion-vae-2d")
    at = run("pages/01_Latent_map.py")
    changes(at, lambda a: a.sidebar.selectbox(key="dataset").set_value("fashion"), "caption", "plotly_chart")
    assert "Fashion-MNIST" in texts(at)


# --- latent map -------------------------------------------------------------------------------------------------

def _encodings(name: str) -> np.ndarray:
    from explorer.projection import map_vectors

    images, _ = explorer.load_dataset(name.split("-")[0], "test")
    return map_vectors(explorer.load_model(name), images)[0]


def _click(curve: int, index: int, x: float, y: float) -> dict:
    return {"selection": {"points": [{"curve_number": curve, "point_number": index, "point_index": index,
                                      "x": x, "y": y}], "point_indices": [index], "box": [], "lasso": []}}


def test_map_model_choice_and_thumbnails():
    need("mnist-vae-2d", "mnist-ae-2d")
    at = run("pages/01_Latent_map.py")
    changes(at, lambda a: a.sidebar.radio(key="map_model").set_value("ae-2d"), "caption", "plotly_chart")
    assert "autoencoder encoding" in texts(at)
    changes(at, lambda a: a.toggle(key="map_thumbnails").set_value(True), "plotly_chart")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len(spec["layout"]["images"]) > 100


def test_map_click_point_shows_original_and_reconstruction():
    need("mnist-vae-2d")
    at = run("pages/01_Latent_map.py")
    _, labels = explorer.load_dataset("mnist", "test")
    z = _encodings("mnist-vae-2d")
    test_index = int(np.flatnonzero(labels == 3)[5])
    changes(at, lambda a: a.session_state.__setitem__("map_chart", _click(4, 5, *z[test_index])), "markdown", "image",
            "plotly_chart")
    assert f"**Test image #{test_index}** · class **3**" in texts(at)
    assert captions(at)[:2] == ["original", "reconstruction"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][-1]["x"] == [pytest.approx(float(z[test_index, 0]))], "a marker on the clicked point"
    changes(at, lambda a: a.button(key="map_clear").click(), "markdown", "image", "plotly_chart")
    assert "Click a point" in texts(at)


def test_map_click_empty_space_decodes_exactly_on_a_2d_latent():
    need("mnist-vae-2d")
    at = run("pages/01_Latent_map.py")
    changes(at, lambda a: a.session_state.__setitem__("map_chart", _click(0, 7, 0.5, -0.25)), "markdown", "image",
            "plotly_chart")
    assert "Decoded at (0.50, -0.25)" in texts(at)
    assert "**Exact:**" in texts(at)


def test_map_box_selection_shows_a_gallery():
    need("mnist-vae-2d")
    at = run("pages/01_Latent_map.py")
    _, labels = explorer.load_dataset("mnist", "test")
    event = {"selection": {"points": [{"curve_number": 1, "point_index": i, "x": 0, "y": 0} for i in range(4)]
                           + [{"curve_number": 0, "point_index": 3, "x": 0, "y": 0}],
                           "point_indices": [0, 1, 2, 3], "box": [{"x": [0, 1], "y": [0, 1]}], "lasso": []}}
    changes(at, lambda a: a.session_state.__setitem__("map_chart", event), "markdown", "caption", "image")
    assert "**4 images selected**" in texts(at)
    gallery = at.get("image")[-1].proto.imgs
    assert len(gallery) == 4 and all(img.caption.startswith("0 #") for img in gallery)


def test_map_16d_pca_and_umap_with_custom_parameters(monkeypatch):
    need("mnist-vae-16d")
    fitted = []

    def fake_umap(vectors, n_neighbors=15, min_dist=0.1, seed=0, progress=None):
        """Stands in for umap-learn (its real fit is tested in test_projection.py): a map that depends on the
        parameters, reported through the same progress callback."""
        fitted.append((n_neighbors, min_dist))
        progress("Laying out the map", 0.5)
        coords = projection.pca(vectors).coords * (1 + n_neighbors / 10 + min_dist)
        return projection.Projection("umap", coords, params={"n_neighbors": n_neighbors, "min_dist": min_dist})

    monkeypatch.setattr(projection, "umap", fake_umap)
    at = run("pages/01_Latent_map.py", state={"map_model": "vae-16d"})
    assert "projected to 2-D" in texts(at)
    changes(at, lambda a: a.radio(key="map_method").set_value("umap"), "plotly_chart")
    at.slider(key="map_n_neighbors").set_value(30)
    changes(at, lambda a: a.slider(key="map_min_dist").set_value(0.5) and a.button(key="map_umap_apply").click(),
            "plotly_chart")
    assert (30, 0.5) in fitted
    changes(at, lambda a: a.session_state.__setitem__("map_chart", _click(0, 0, 0.0, 0.0)), "markdown", "image",
            "plotly_chart")
    assert "**Approximate:**" in texts(at) and "nearest test image" in texts(at)


def test_map_infogan_point_reads_codes_and_noise_seed_redraws():
    need("mnist-infogan")
    at = run("pages/01_Latent_map.py", state={"map_model": "infogan"})
    changes(at, lambda a: a.session_state.__setitem__("map_chart", _click(1, 0, 0.0, 0.0)),
            "markdown", "caption", "image", "plotly_chart")
    assert "Q reads it as category" in texts(at)
    changes(at, lambda a: a.number_input(key="map_noise_seed").set_value(5), "image")


# --- latent grid ------------------------------------------------------------------------------------------------

GRID_WIDGETS = [
    ("grid_size", lambda a: a.slider(key="grid_size").set_value(9)),
    ("grid_spacing", lambda a: a.radio(key="grid_spacing").set_value("gaussian")),
    ("grid_z1_range", lambda a: a.slider(key="grid_z1_range_vae-2d").set_value((-1.0, 1.5))),
    ("grid_z2_range", lambda a: a.slider(key="grid_z2_range_vae-2d").set_value((-0.5, 2.0))),
    ("grid_overlay", lambda a: a.toggle(key="grid_overlay").set_value(True)),
    ("grid_z1", lambda a: a.slider(key="grid_z1_vae-2d").set_value(1.0)),
    ("grid_z2", lambda a: a.slider(key="grid_z2_vae-2d").set_value(-1.0)),
    ("grid_model", lambda a: a.sidebar.radio(key="grid_model").set_value("ae-2d")),
]


@pytest.mark.parametrize("widget,act", GRID_WIDGETS, ids=[w for w, _ in GRID_WIDGETS])
def test_grid_widget_changes_the_view(widget, act):
    need("mnist-vae-2d", "mnist-ae-2d")
    at = run("pages/02_Latent_grid.py")
    changes(at, act, "html")


def test_grid_point_caption_follows_the_sliders():
    need("mnist-vae-2d")
    at = run("pages/02_Latent_grid.py")
    at.slider(key="grid_z1_vae-2d").set_value(0.5)
    at.slider(key="grid_z2_vae-2d").set_value(-1.25)
    at.run()
    assert "decoded at z = (+0.50, -1.25)" in captions(at)


# --- InfoGAN codes ----------------------------------------------------------------------------------------------

GAN_WIDGETS = [
    ("gan_seed", lambda a: a.number_input(key="gan_seed").set_value(3)),
    ("gan_new_noise", lambda a: a.button(key="gan_new_noise").click()),
    ("gan_c1", lambda a: a.segmented_control(key="gan_c1").set_value(
        (a.segmented_control(key="gan_c1").value + 1) % 10)),
    ("gan_c2", lambda a: a.slider(key="gan_c2").set_value(1.5)),
    ("gan_c3", lambda a: a.slider(key="gan_c3").set_value(-0.75)),
    ("gan_read_index", lambda a: a.number_input(key="gan_read_index").set_value(17)),
    ("gan_random_image", lambda a: a.button(key="gan_random_image").click()),
    ("gan_use_codes", lambda a: a.button(key="gan_use_codes").click()),
]


@pytest.mark.parametrize("widget,act", GAN_WIDGETS, ids=[w for w, _ in GAN_WIDGETS])
def test_infogan_widget_changes_the_view(widget, act):
    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py")
    changes(at, act, "image")


def test_infogan_c1_is_labelled_by_matched_class_and_range_is_marked():
    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py")
    control = at.segmented_control(key="gan_c1")
    assert list(control.options) == [str(d) for d in range(10)], "c1 is labelled by class, in class order"
    at.slider(key="gan_c2").set_value(1.5)
    at.run()
    assert "Outside the trained range" in texts(at)
    assert "category " in " ".join(captions(at)) and "c2 +1.50" in " ".join(captions(at))


@pytest.mark.parametrize("dataset", ["mnist", "fashion"])
def test_infogan_image_says_how_often_its_category_draws_the_matched_class(dataset):
    name = f"{dataset}-infogan"
    need(name)
    ev = explorer.read_metrics(name)["eval"]
    share, mapping = ev["generated_class_accuracy_per_category"], ev["c1_mapping"]
    # Categories whose figure differs from the one at their class's index: a category/class mix-up shows.
    telling = [k for k in range(10) if mapping[k] != k and share[k] != share[mapping[k]]]
    assert len(telling) >= 2
    classes = explorer.DATASETS[dataset].classes
    at = run("pages/03_InfoGAN_codes.py", dataset=dataset)
    for category in telling[:2]:
        at.segmented_control(key="gan_c1").set_value(category)
        at.run()
        assert not at.exception
        expected = f"**{share[category]:.0%}** of this category's samples as {classes[mapping[category]]} (100 samples"
        assert expected in texts(at), (category, expected)


def test_infogan_codes_are_named_only_after_factors_their_sweeps_move():
    from explorer.ui.shell.categories import FACTOR_MIN_RHO, factor_names

    clear = {"rotation_code": "c2", "rotation_rho": 0.98, "width_code": "c3", "width_rho": -0.93}
    assert factor_names(clear) == {"c2": "c2 (rotation)", "c3": "c3 (width)"}
    weak = {"rotation_code": "c3", "rotation_rho": -0.16, "width_code": "c2", "width_rho": -0.79}
    assert factor_names(weak) == {"c2": "c2 (width)", "c3": "c3"}
    assert factor_names({**weak, "rotation_rho": -FACTOR_MIN_RHO})["c3"] == "c3 (rotation)"
    assert factor_names({}) == {"c2": "c2", "c3": "c3"}

    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py")
    ev = explorer.read_metrics("mnist-infogan")["eval"]
    factor = "rotation" if ev["rotation_code"] == "c2" else "width"
    assert at.slider(key="gan_c2").label == factor_names(ev)["c2"] == f"c2 ({factor})"
    # Fashion-MNIST: the sweep finds width in one code and nothing in the other (clothes barely slant).
    need("fashion-infogan")
    ev = explorer.read_metrics("fashion-infogan")["eval"]
    at = run("pages/03_InfoGAN_codes.py", dataset="fashion")
    labels = {code: at.slider(key=f"gan_{code}").label for code in ("c2", "c3")}
    assert abs(ev["rotation_rho"]) < FACTOR_MIN_RHO <= abs(ev["width_rho"])
    assert labels == {ev["width_code"]: f"{ev['width_code']} (width)", ev["rotation_code"]: ev["rotation_code"]}


# --- models -----------------------------------------------------------------------------------------------------

def test_models_page_lists_every_checkpoint_and_details_change():
    at = run("pages/05_Models.py")
    table = at.get("dataframe")[0].value
    names = explorer.list_models()
    assert sorted(table["model"]) == names and set(table["status"]) == {"final"}
    assert "problem" not in table.columns, "no empty problem column when no checkpoint has one"
    assert not table["headline metric"].str.contains("test_").any(), "plain words, not metric keys"
    measures = metric_rows(at)
    assert measures and all(words for words, _, _ in measures)
    sources = [v for _, v, k in measures if k == "data_source"]
    assert sources and all(len(v.split()) > 3 for v in sources), sources     # a sentence, not "npm"
    if len(names) < 2:
        pytest.skip("needs two checkpoints")
    changes(at, lambda a: a.selectbox(key="models_pick").set_value(names[-1]), "markdown", "plotly_chart", "json")
    assert f"**{names[-1]}**" in texts(at)


def metric_rows(at: AppTest) -> list[tuple[str, str, str]]:
    """(measure, value, key) of every row of the Models page's metric tables (Markdown tables)."""
    rows = []
    for m in at.markdown:
        if m.value.startswith("| measure | value |"):
            for line in m.value.splitlines()[2:]:
                words, value, key = (cell.strip() for cell in line.strip("|").split(" | "))
                rows.append((words, value.strip("*"), key.strip("`")))
    return rows


@pytest.mark.parametrize("name", ["mnist-ae-16d", "mnist-vae-16d", "fashion-vae-2d", "fashion-ae-2d"])
def test_models_page_shows_one_value_per_concept_as_the_docs_publish_it(name):
    """The training loop's last-epoch test check and the evaluation of the shipped weights both record a
    "reconstruction error on test images" (mnist-ae-16d: 78.49 and 78.36): the page shows one, the evaluation's, in
    the digits docs/evaluation.md (and the README's headline table) print, and never cuts it."""
    import re

    from explorer.evaluate import published

    need(name)
    at = run("pages/05_Models.py", state={"models_pick": name})
    rows = metric_rows(at)
    words = [w for w, _, _ in rows]
    assert len(words) == len(set(words)), [w for w in words if words.count(w) > 1]
    shown = {k: v for _, v, k in rows}
    recorded = explorer.read_metrics(name)["eval"]
    doc = (REPO / "docs" / "evaluation.md").read_text()
    checked = 0
    for key, value in recorded.items():
        if isinstance(value, float):
            assert shown[key] == published(value), key
            row = re.search(rf"^\| {re.escape(name)} \| {key} \| ([^ |]+) \|", doc, re.M)
            assert row and row.group(1) == shown[key], (key, row and row.group(1), shown[key])
            checked += 1
    assert checked >= 2
    if name.startswith(("mnist-vae-", "fashion-vae-")) and name.count("-") == 2:
        line = next(l for l in (REPO / "README.md").read_text().splitlines()
                    if l.startswith(f"| VAE {name.split('-')[-1][:-1]}-D, negative ELBO"))
        column = 1 if name.startswith("mnist") else 2
        assert line.split(" | ")[column].split(" (")[0] == shown["test_nelbo"], line


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def test_broken_checkpoint_shows_its_error_and_the_rest_works(tmp_path, monkeypatch, request):
    """A checkpoint folder with truncated weights: the Models page names the problem, the map of another model
    still works, and the broken model's own page shows st.error, not a traceback."""
    import shutil

    from explorer import checkpoints

    need("mnist-vae-2d", "mnist-ae-2d")
    root = tmp_path / "checkpoints"
    root.mkdir()
    for name in ("mnist-vae-2d", "mnist-ae-2d"):
        shutil.copytree(checkpoints.CHECKPOINT_DIR / name, root / name,
                        ignore=shutil.ignore_patterns("snapshots.npz"))
    weights = root / "mnist-ae-2d" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", root)
    clear_caches()
    request.addfinalizer(clear_caches)
    at = run("pages/05_Models.py")
    assert any("mnist-ae-2d" in e.value and "safetensors" in e.value for e in at.error)
    at = run("pages/01_Latent_map.py")
    assert not at.error
    at = run("pages/01_Latent_map.py", state={"map_model": "ae-2d"})
    assert any("cannot be loaded" in e.value for e in at.error)


def test_home_and_models_render_beside_folders_that_are_not_models(tmp_path, monkeypatch, request):
    """Folders named outside the naming rule or not valid UTF-8 (which Streamlit's cache keys cannot hash) are no
    models: Home and Models render, and the Models page lists them as ignored with their reasons."""
    import os
    import shutil

    from explorer import checkpoints

    need("mnist-vae-2d")
    root = tmp_path / "checkpoints"
    root.mkdir()
    source = checkpoints.CHECKPOINT_DIR / "mnist-vae-2d"
    shutil.copytree(source, root / "mnist-vae-2d", ignore=shutil.ignore_patterns("snapshots.npz"))
    for bad in (b"x-\xff\xfe-name", b"mnist-vae-2d\n"):
        shutil.copytree(os.fsencode(source), os.path.join(os.fsencode(root), bad),
                        ignore=shutil.ignore_patterns(b"snapshots.npz"))
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", root)
    clear_caches()
    request.addfinalizer(clear_caches)
    at = run()
    assert "| mnist-vae-2d |" in texts(at) and not at.error
    at = run("pages/05_Models.py")
    assert list(at.get("dataframe")[0].value["model"]) == ["mnist-vae-2d"] and not at.error
    ignored = next(df.value for df in at.get("dataframe") if "entry" in df.value.columns)
    assert list(ignored["entry"]) == ["mnist-vae-2d\\x0a", "x-\ufffd\ufffd-name"]
    assert list(ignored["why it is ignored"]) == ["the name is outside the naming rule (a-z, 0-9 and single "
                                                  "hyphens)", "the name is not valid UTF-8"]


BREAKAGES = {   # one broken copy of mnist-ae-2d per kind of damage: (file, how, what the error names)
    "wrong-type": ("config.json", lambda p: _edit(p, hidden="abc"), "'hidden' = 'abc'"),
    "absurd-size": ("config.json", lambda p: _edit(p, hidden=[20000, 20000]), "expected 1 to 4096"),
    "not-an-object": ("config.json", lambda p: p.write_text("[1, 2, 3]"), "must be an object"),
    "bad-metrics": ("metrics.json", lambda p: p.write_text("[1, 2]"), "metrics must be an object"),
    "fifo": ("metrics.json", lambda p: (p.unlink(), __import__("os").mkfifo(p)), "not a regular file"),
    "truncated": ("model.safetensors", lambda p: p.write_bytes(p.read_bytes()[:1000]), "corrupt or truncated"),
    "int-weights": ("model.safetensors", lambda p: _integer_weights(p), "is stored as I64"),
}


def _edit(path: Path, **fields) -> None:
    doc = json.loads(path.read_text())
    doc["config"].update(fields)
    path.write_text(json.dumps(doc))


def _integer_weights(path: Path) -> None:
    from safetensors.torch import load_file, save_file

    save_file({k: v.to(torch.int64) for k, v in load_file(str(path)).items()}, str(path))


def test_a_root_with_one_broken_folder_of_each_kind_keeps_every_page_working(tmp_path, monkeypatch, request):
    """Each broken card fails alone on the Models page, naming its file and problem; every page still runs for the
    good models."""
    import shutil

    from explorer import checkpoints

    need("mnist-vae-2d", "mnist-ae-2d", "mnist-infogan", "mnist-classifier")
    root = tmp_path / "checkpoints"
    root.mkdir()
    # every page has its models: MNIST's, and the Fashion-MNIST ones the Lesson's first step shows
    good = [n for n in explorer.list_models() if n.startswith("mnist-") or n in
            ("fashion-ae-2d", "fashion-vae-2d", "fashion-classifier")]
    for name in good:
        shutil.copytree(checkpoints.CHECKPOINT_DIR / name, root / name)
    for label, (filename, damage, _) in BREAKAGES.items():
        broken = root / f"broken-{label}"
        shutil.copytree(checkpoints.CHECKPOINT_DIR / "mnist-ae-2d", broken,
                        ignore=shutil.ignore_patterns("snapshots.npz"))
        damage(broken / filename)
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", root)
    clear_caches()
    request.addfinalizer(clear_caches)
    at = run("pages/05_Models.py")
    assert not at.exception
    table = at.get("dataframe")[0].value
    assert len(table) == len(good) + len(BREAKAGES)
    for label, (filename, _, problem) in BREAKAGES.items():
        row = table[table["model"] == f"broken-{label}"].iloc[0]
        assert row["status"] == "broken" and filename in row["problem"] and problem in row["problem"], label
    assert not any(str(tmp_path) in e.value for e in at.error), "errors name checkpoints/<name>/…, not server paths"
    for page in [None] + sorted(str(p.relative_to(REPO)) for p in (REPO / "pages").glob("*.py")
                                if p.name != "00_Home.py"):
        at = run(page)
        shown = [e.value for e in at.error]
        assert not at.exception, page
        if page and page.endswith("05_Models.py"):       # the Models page lists the broken ones, each with its problem
            assert {e.split("**")[1] for e in shown} == {f"broken-{k}" for k in BREAKAGES}, shown
        else:
            assert not shown, (page, shown)


VAE_PAGES = ("01_Latent_map", "02_Latent_grid", "04_Your_own", "06_Gaps", "07_Sampling_and_paths", "08_VAE_posterior",
             "09_Training_replay", "13_Lesson", "14_Inside_the_models")   # they load mnist-vae-2d on their first run
# (the Lesson at its MNIST step: it opens on Fashion-MNIST)


@pytest.fixture(scope="module")
def truncated_vae_root(tmp_path_factory):
    """The MNIST checkpoints, mnist-vae-2d's weights cut to their first 1,000 bytes (issue #32's input)."""
    import shutil

    from explorer import checkpoints

    root = tmp_path_factory.mktemp("truncated") / "checkpoints"
    root.mkdir()
    for name in explorer.list_models():
        if name.startswith("mnist-") or name in ("fashion-ae-2d", "fashion-vae-2d", "fashion-classifier"):
            shutil.copytree(checkpoints.CHECKPOINT_DIR / name, root / name,
                            ignore=shutil.ignore_patterns("snapshots.npz"))
    weights = root / "mnist-vae-2d" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    return root


@pytest.mark.parametrize("page", sorted(p.stem for p in (REPO / "pages").glob("*.py")))
def test_a_truncated_vae_shows_the_guard_on_every_page_that_loads_it(page, truncated_vae_root, monkeypatch, request):
    """One guard path: every page that loads the broken model (its warm-up included: Your own, the Lesson) shows
    the same error box naming checkpoints/mnist-vae-2d/model.safetensors, and no page raises."""
    from explorer import checkpoints

    need("mnist-vae-2d", "mnist-ae-2d", "mnist-classifier")
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", truncated_vae_root)
    clear_caches()
    request.addfinalizer(clear_caches)
    from explorer.ui.teaching.lesson import steps as lesson_steps

    surprise = lesson_steps.STEPS.index(lesson_steps.step_by_key("surprise"))
    at = run(f"pages/{page}.py", state={"lesson_step": surprise} if page == "13_Lesson" else None)
    shown = [e.value for e in at.error]
    assert not any(str(truncated_vae_root.parent) in e for e in shown), shown
    if page in VAE_PAGES:
        assert len(shown) == 1 and shown[0].startswith("**The `mnist-vae-2d` checkpoint cannot be loaded.** corrupt "
                                                       "or truncated"), shown
        assert "`checkpoints/mnist-vae-2d/model.safetensors`" in shown[0]
    elif page == "05_Models":
        assert [e.split("**")[1] for e in shown] == ["mnist-vae-2d"], shown
    else:
        assert not shown, shown


def _inconsistent_snapshots(root: Path) -> None:
    from tests.test_checkpoints import npy, snapshot_members, write_zip

    write_zip(root / "mnist-vae-2d" / "snapshots.npz", snapshot_members(**{"labels.npy": npy((4,), "<i8")}))


def _long_integer(root: Path) -> None:
    path = root / "mnist-ae-2d" / "config.json"
    path.write_text(path.read_text().replace('"latent_dim": 2', '"latent_dim": ' + "9" * 5000, 1))


SHOWN_PATHS = {   # damage -> (page, its state, what the error box says and the file it names)
    "inconsistent snapshots": (_inconsistent_snapshots, "09_Training_replay", {},
                               "inconsistent snapshot shapes: epochs [3], encodings [3, 5, 2], labels [4]",
                               "checkpoints/mnist-vae-2d/snapshots.npz"),
    "a 5,000-digit integer in a config": (_long_integer, "01_Latent_map", {"map_model": "ae-2d"},
                                          "a number of 5,000 characters; the limit is 40",
                                          "checkpoints/mnist-ae-2d/config.json"),
}


@pytest.mark.parametrize("case", list(SHOWN_PATHS))
def test_the_error_box_names_the_file_under_the_checkpoint_root_not_the_server_path(case, tmp_path, monkeypatch,
                                                                                  request):
    import shutil

    from explorer import checkpoints

    need("mnist-vae-2d", "mnist-ae-2d", "mnist-classifier")
    damage, page, state, problem, shown = SHOWN_PATHS[case]
    root = tmp_path / "checkpoints"
    root.mkdir()
    for name in ("mnist-vae-2d", "mnist-ae-2d", "mnist-classifier"):
        shutil.copytree(checkpoints.CHECKPOINT_DIR / name, root / name)
    damage(root)
    monkeypatch.setattr(checkpoints, "CHECKPOINT_DIR", root)
    clear_caches()
    request.addfinalizer(clear_caches)
    at = run(f"pages/{page}.py", state=state)
    (error,) = [e.value for e in at.error]
    assert problem in error and f"`{shown}`" in error, error
    assert str(tmp_path) not in error and "/" + shown not in error, error


def test_missing_dataset_shows_an_error_and_the_models_page_works(monkeypatch, request):
    need("mnist-vae-2d")

    def missing(name, split="test", source="auto"):
        raise explorer.DatasetNotFoundError(f"no {name} {split} split found (test)")

    monkeypatch.setattr(explorer, "load_dataset", missing)
    clear_caches()
    request.addfinalizer(clear_caches)
    for page in (None, "pages/01_Latent_map.py", "pages/02_Latent_grid.py"):
        at = run(page)
        assert any("test images are missing" in e.value for e in at.error), page
    at = run("pages/05_Models.py")
    assert not at.error and at.get("dataframe")


def test_serve_launches_the_entry_with_the_given_options(monkeypatch):
    """``python -m explorer.ui.shell.serve`` imports the heavy modules, then runs ``streamlit run streamlit_app.py``."""
    import sys

    from streamlit.web import cli

    from explorer.ui.shell import serve

    seen = {}
    monkeypatch.setattr(cli, "main", lambda: seen.setdefault("argv", list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["serve"])
    serve.main(["--server.port", "8600"])
    assert seen["argv"] == ["streamlit", "run", ENTRY, "--server.port", "8600"]
    assert all(name in sys.modules for name in serve.PRELOAD)


def test_infogan_map_caption_names_the_trunk_width_of_the_shipped_model():
    from explorer.ui.latent_map import views

    for name in ("mnist-infogan", "fashion-infogan"):
        model = explorer.load_model(name)
        assert f"({model.config.d_hidden:,} numbers)" in views.map_caption(model, 2000)
    assert "(1,024 numbers)" in views.map_caption(explorer.load_model("mnist-infogan"), 2000)


def test_every_cache_has_a_size_bound():
    """Each st.cache_* of the app taking arguments has max_entries: memory stays bounded whatever sessions ask
    for (one without arguments holds one entry)."""
    import ast

    unbounded = []
    for path in sorted((REPO / "explorer" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for dec in node.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
                        keywords = {k.arg for k in dec.keywords} if isinstance(dec, ast.Call) else set()
                        if "max_entries" not in keywords and node.args.args:
                            unbounded.append(f"{path.name}:{node.name}")
    assert not unbounded, unbounded


def test_infogan_captions_say_what_a_category_draws_in_words():
    """Not "category 9: 0" (a code and a class a student has to decode) but what the category draws."""
    import re

    from explorer.ui.shell.categories import PURE_MIN, c1_matching, drawn_words

    assert drawn_words("0", 0.9, digits=True) == "draws the digit 0"
    assert drawn_words("Ankle boot", PURE_MIN, digits=False) == "draws an Ankle boot"
    assert drawn_words("T-shirt/top", 0.8, digits=False) == "draws a T-shirt/top"
    assert drawn_words("Shirt", 0.19, digits=False) == "draws a mix: 19% read as Shirt"
    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py", state={"gan_c1": 9})
    caption = next(c for c in captions(at) if "seed" in c)
    digit = c1_matching("mnist-infogan")["mapping"][9]
    assert caption.startswith(f"category 9 draws the digit {digit} · noise seed 0"), caption
    assert not re.search(r"category \d+: ", " ".join(captions(at)) + texts(at))
    assert "the one that **draws the digit" in texts(at), "the read-back says it in words too"


def test_infogan_categories_below_half_purity_are_labelled_mixed_everywhere_on_the_page():
    """Fashion-MNIST's "Shirt" category draws shirts 19 % of the time: it is "mixed · 19% Shirt" on the c1 control,
    the traversal rows and the confusion matrix, and the image's caption says it in words; MNIST's categories keep
    their class names."""
    from explorer.ui.shell.categories import PURE_MIN, label_for

    assert label_for("Shirt", 0.19) == "mixed · 19% Shirt" and label_for("Bag", PURE_MIN) == "Bag"
    assert label_for("Bag", None) == "Bag"
    need("fashion-infogan", "mnist-infogan")
    ev = explorer.read_metrics("fashion-infogan")["eval"]
    shirt = ev["c1_mapping"].index(explorer.DATASETS["fashion"].classes.index("Shirt"))
    assert ev["generated_class_accuracy_per_category"][shirt] < PURE_MIN
    at = run("pages/03_InfoGAN_codes.py", dataset="fashion", state={"gan_c1": shirt})
    expected = f"mixed · {ev['generated_class_accuracy_per_category'][shirt]:.0%} Shirt"
    control = at.segmented_control(key="gan_c1")
    assert expected in control.options          # AppTest lists a segmented control's options as shown
    share = ev["generated_class_accuracy_per_category"][shirt]
    assert f"category {shirt} draws a mix: {share:.0%} read as Shirt" in " ".join(captions(at))
    strip = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert expected in strip["layout"]["yaxis"]["ticktext"]
    matrix = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert f"category {shirt} → {expected}" in matrix["data"][0]["y"]
    mnist = run("pages/03_InfoGAN_codes.py")
    assert "mixed" not in " ".join(mnist.segmented_control(key="gan_c1").options)


def test_home_links_every_page_of_the_registry():
    """Home's cards and lesson list are st.page_link's to the registered pages (each resolved to a page script)."""
    from explorer.ui.shell import pages

    at = run()
    links = {el.proto.page: (el.proto.label, el.proto.page_script_hash) for el in at.get("page_link")}
    expected = {p.title.replace(" ", "_"): p for p in pages.PAGES if p.group != "home"}
    assert links.keys() == expected.keys() and len(at.get("page_link")) == len(expected)
    assert all(label.startswith(f"**{expected[k].title}**") and script for k, (label, script) in links.items())


def test_gallery_order_runs_from_the_centre_to_the_edge_and_spreads_over_a_large_selection():
    from explorer.ui.latent_map.maps import gallery_order

    coords = np.array([[0.0, 0.0], [10.0, 0.0], [1.0, 0.0], [-2.0, 0.0], [0.5, 0.0]])
    assert gallery_order(coords, [0, 1, 2, 3, 4], 10) == [2, 4, 0, 3, 1]    # centre x = 1.9
    rng = np.random.default_rng(0)
    many = rng.normal(size=(1000, 2))
    shown = gallery_order(many, range(1000), 96)
    dist = np.linalg.norm(many - many.mean(0), axis=1)
    assert len(shown) == 96 and shown[0] == int(dist.argmin()) and shown[-1] == int(dist.argmax())
    assert gallery_order(many, [], 96) == []


def test_map_gallery_of_a_large_selection_includes_its_outermost_image():
    need("mnist-vae-2d")
    at = run("pages/01_Latent_map.py")
    _, labels = explorer.load_dataset("mnist", "test")
    ones = np.flatnonzero(labels == 1)
    event = {"selection": {"points": [{"curve_number": 2, "point_index": i, "x": 0, "y": 0} for i in range(len(ones))],
                           "point_indices": list(range(len(ones))), "box": [{"x": [0, 1], "y": [0, 1]}],
                           "lasso": []}}
    changes(at, lambda a: a.session_state.__setitem__("map_chart", event), "markdown", "caption", "image")
    z = _encodings("mnist-vae-2d")[ones]
    outermost = int(ones[np.linalg.norm(z - z.mean(0), axis=1).argmax()])
    gallery = [img.caption for img in at.get("image")[-1].proto.imgs]
    assert len(gallery) == 96 and gallery[-1] == f"1 #{outermost}"
    assert f"Showing 96 of {len(ones)}, spread evenly from the selection's centre" in texts(at)


@pytest.mark.slow
def test_every_image_of_every_page_is_sent_lossless():
    """Decoded pixels are shown as they are: every st.image of every page (default view, MNIST) is a PNG, not a
    JPEG (Streamlit's default for arrays)."""
    from explorer.ui.shell import pages

    need("mnist-vae-2d", "mnist-ae-2d", "mnist-infogan", "mnist-classifier")
    urls = {}
    for page in pages.PAGES:
        at = run(page.path)
        urls[page.title] = [img.url for element in at.get("image") for img in element.proto.imgs]
    assert sum(map(len, urls.values())) >= 10, urls
    assert {title: [u for u in shown if not u.endswith(".png")] for title, shown in urls.items()} == \
        {title: [] for title in urls}
