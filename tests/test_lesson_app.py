"""AppTest over the lesson pages (gaps, sampling and paths, VAE posterior, training replay, lesson mode) with the
shipped checkpoints: every page runs on both datasets, every keyed widget changes what is shown, map clicks move
the decoded position, and each lesson button sets the widgets it says. Real clicks: tests/test_lesson_browser.py."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

import explorer
from explorer import quality, teaching
from explorer.ui.shell import cache
from explorer.ui.shell.bundle import bundle
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching.family import data as family_data
from explorer.ui.teaching.lesson import steps as lesson_steps

from .test_app import changes, need, run, texts

PAGES = ["pages/06_Gaps.py", "pages/07_Sampling_and_paths.py", "pages/08_VAE_posterior.py",
         "pages/09_Training_replay.py", "pages/13_Lesson.py"]
DATASETS = ["mnist", "fashion"]


def need_lesson(ds: str) -> None:
    need(f"{ds}-ae-2d", f"{ds}-vae-2d", f"{ds}-classifier")


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(array) -> np.ndarray:
    """A trace's data array from a figure spec (Plotly sends numpy arrays as base64 typed arrays)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def captions(at) -> list[str]:
    """Every image's caption: st.image's and the inline figures' (explorer/ui/own_html.py)."""
    inline = [html.unescape(c) for element in at.get("html")
              for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", element.proto.body)]
    return [i.caption for element in at.get("image") for i in element.proto.imgs] + inline


def widget(at, key: str):
    """The widget with this key, whatever its type."""
    for kind in ("number_input", "selectbox", "toggle", "slider", "multiselect", "select_slider", "radio"):
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(key)


@pytest.mark.parametrize("ds", DATASETS)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_both_datasets(page, ds):
    need_lesson(ds)
    at = run(page, ds)
    assert not at.error, [e.value for e in at.error]
    assert at.title
    if page != "pages/13_Lesson.py":
        assert at.get("plotly_chart") or at.get("image"), "every view draws a figure"
        assert at.get("download_button"), "every view exports its data as CSV"


# --- gaps ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ds", DATASETS)
def test_gaps_headline_numbers_are_the_maps(ds):
    need_lesson(ds)
    at = run("pages/06_Gaps.py", ds)
    metrics = [m.value for m in at.metric]
    assert len(metrics) == 6
    for kind, shown in zip(("ae", "vae"), (metrics[:3], metrics[3:])):
        model = explorer.load_model(f"{ds}-{kind}-2d")
        images, _ = explorer.load_dataset(ds, "test")
        qmap = quality.quality_map(model, cache.quality_scorer(ds), cache.encodings(f"{ds}-{kind}-2d"))
        head = qmap.headline()
        assert shown[0] == f"{head['fraction_data_like']:.0%}"
        assert shown[1] == f"{head['fraction_far']:.0%}"
    heatmaps = [t for spec in charts(at) for t in spec["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2


def test_gaps_widgets_change_the_view():
    need_lesson("mnist")
    at = run("pages/06_Gaps.py")
    changes(at, lambda a: a.selectbox(key="gaps_metric").set_value("distance"), "plotly_chart")
    assert "distance ratio" in json.dumps(charts(at)[0]["data"][0]["colorbar"])
    changes(at, lambda a: a.selectbox(key="gaps_metric").set_value("data_like"), "plotly_chart")
    changes(at, lambda a: a.toggle(key="gaps_density").set_value(False), "plotly_chart")
    assert not any(t.get("name") == "density" for t in charts(at)[0]["data"])
    changes(at, lambda a: a.number_input(key="gaps_z1").set_value(1.5), "plotly_chart", "html")
    assert "AE at (1.50, 0.00)" in captions(at)
    changes(at, lambda a: a.number_input(key="gaps_z2").set_value(-2.0), "plotly_chart", "html")
    assert charts(at)[0]["data"][-1]["y"] == [-2.0], "the marker moved"


def _click(x: float, y: float) -> dict:
    return {"selection": {"points": [{"curve_number": 1, "point_number": 0, "point_index": 0, "x": x, "y": y}],
                          "point_indices": [0], "box": [], "lasso": []}}


def test_clicking_either_map_decodes_that_position_with_both_models():
    need_lesson("mnist")
    at = run("pages/06_Gaps.py")
    changes(at, lambda a: a.session_state.__setitem__("gaps_map_vae", _click(1.234, -0.5)), "caption", "plotly_chart",
            "html")
    assert at.number_input(key="gaps_z1").value == pytest.approx(1.23)
    assert at.number_input(key="gaps_z2").value == pytest.approx(-0.5)
    assert at.radio(key="gaps_on").value == "vae"
    # the autoencoder is decoded at the same place among the test images, not at the VAE's numbers
    ae = teaching.linked(lesson_data.link("mnist", "vae"), (1.23, -0.5))
    assert abs(ae[0] - 1.23) + abs(ae[1] + 0.5) > 0.5
    assert {f"AE at ({ae[0]:.2f}, {ae[1]:.2f})", "VAE at (1.23, -0.50)"} <= set(captions(at))
    # the verdict beside each decode is the score of that decode
    _, d = quality.decode_and_score(explorer.load_model("mnist-vae-2d"), cache.quality_scorer("mnist"),
                                     np.array([[1.23, -0.5]]))
    decodes = next(e.proto.body for e in at.get("html") if 'class="gaps-decode"' in e.proto.body)
    assert f"confidence <strong>{d.confidence[0]:.2f}</strong>" in decodes[decodes.index("VAE at (1.23, -0.50)"):]
    # an event already seen does not move the position again; a new click on the other map does
    at.number_input(key="gaps_z1").set_value(0.0)
    at.run()
    assert at.number_input(key="gaps_z1").value == 0.0
    changes(at, lambda a: a.session_state.__setitem__("gaps_map_ae", _click(3.0, 2.0)), "caption", "plotly_chart",
            "html")
    assert at.number_input(key="gaps_z1").value == pytest.approx(3.0)


# --- sampling, paths, posterior, replay ----------------------------------------------------------------------------

def test_prior_widgets_change_the_samples():
    need_lesson("mnist")
    at = run("pages/07_Sampling_and_paths.py")
    assert "Data-like among 1,000 prior samples" in [m.label for m in at.metric]
    changes(at, lambda a: a.number_input(key="prior_seed").set_value(7), "markdown", "image", "plotly_chart")
    changes(at, lambda a: a.slider(key="prior_count").set_value(16), "image", "plotly_chart")
    rings = [t for spec in charts(at) for t in spec["data"] if t.get("name") == "prior samples"]
    assert [len(values(t["x"])) for t in rings] == [16, 16]


def test_a_slider_value_that_comes_back_is_answered_from_the_cache(monkeypatch):
    """Samples shown, Steps along the path and Images per class: a value shown before is not decoded, framed,
    encoded or drawn again (the cache is keyed by the model, the value and the seed, path or images), so a step back
    answers at once."""
    from explorer.ui.teaching import figures as lesson_figures

    need_lesson("mnist")
    built = []
    for fn in ("framed_strip", "with_points", "posterior_figure", "path_scores", "with_paths"):
        original = getattr(lesson_figures, fn)
        monkeypatch.setattr(lesson_figures, fn, lambda *a, _f=original, _n=fn, **k:
                            built.append(_n if k.get("size", 56) == 56 else "the paths' strip") or _f(*a, **k))
    at = run("pages/07_Sampling_and_paths.py")
    for count in (40, 48):
        at.slider(key="prior_count").set_value(count)
        at.run()
    assert built.count("framed_strip") >= 2 and built.count("with_points") >= 2, "new values are drawn"
    built.clear()
    at.slider(key="prior_count").set_value(40)
    at.run()
    assert set(built) <= {"the paths' strip"}, built          # AppTest reruns the whole page, not the fragment
    for steps in (12, 13, 12):
        built.clear()
        at.slider(key="interp_steps").set_value(steps)
        at.run()
    assert not built, built                                   # the paths' strips, scores and maps too
    at = run("pages/08_VAE_posterior.py")
    for count in (9, 10, 9):
        built.clear()
        at.slider(key="post_count").set_value(count)
        at.run()
    assert not built, built
    shown = [t for t in charts(at)[0]["data"] if t.get("name", "").endswith(": μ")]
    assert [len(values(t["x"])) for t in shown] == [9, 9]


def test_prior_latent_size_switches_to_the_16d_models():
    need_lesson("mnist")
    need("mnist-ae-16d", "mnist-vae-16d")
    at = run("pages/07_Sampling_and_paths.py")
    changes(at, lambda a: a.radio(key="prior_dim").set_value(16), "markdown", "image", "plotly_chart")
    assert {"Autoencoder (AE) · 16-D", "Variational autoencoder (VAE) · 16-D"} <= {h.value for h in at.subheader}
    assert not any(t.get("name") == "prior samples" for spec in charts(at) for t in spec["data"]), "no 2-D map"
    images, labels = explorer.load_dataset("mnist", "test")
    scorer = cache.quality_scorer("mnist")
    for kind, shown in zip(("ae", "vae"), [m.value for m in at.metric][:2]):
        _, q = quality.decode_and_score(explorer.load_model(f"mnist-{kind}-16d"), scorer,
                                         quality.prior_samples(16, 1000, 0))
        assert shown == f"{q.data_like.mean():.0%}"


def test_interpolation_widgets_change_the_paths():
    need_lesson("mnist")
    at = run("pages/07_Sampling_and_paths.py")
    _, labels = explorer.load_dataset("mnist", "test")
    changes(at, lambda a: a.selectbox(key="interp_class_a").set_value(3), "markdown", "image", "plotly_chart")
    assert f"A: test image #{lesson_data.typical_example('mnist', 3)}" in captions(at)
    changes(at, lambda a: a.number_input(key="interp_pick_a").set_value(2), "markdown", "image", "plotly_chart")
    changes(at, lambda a: a.selectbox(key="interp_class_b").set_value(0), "markdown", "image", "plotly_chart")
    changes(at, lambda a: a.number_input(key="interp_pick_b").set_value(1), "markdown", "image", "plotly_chart")
    changes(at, lambda a: a.slider(key="interp_steps").set_value(7), "markdown", "image", "plotly_chart")
    scores = next(spec for spec in charts(at) if any(t.get("name") == "VAE · spherical" for t in spec["data"]))
    assert {len(values(t["x"])) for t in scores["data"]} == {7}
    assert {t["name"] for t in scores["data"]} == {"AE · linear", "VAE · linear", "VAE · spherical"}


def test_posterior_widgets_change_the_ellipses():
    need_lesson("mnist")
    at = run("pages/08_VAE_posterior.py")
    changes(at, lambda a: a.multiselect(key="post_classes").set_value([0, 1, 7]), "image", "plotly_chart", "dataframe")
    names = {t.get("name") for t in charts(at)[0]["data"]}
    assert {"0: 1σ", "1: 2σ", "7: μ"} <= names
    changes(at, lambda a: a.slider(key="post_count").set_value(3), "image", "plotly_chart", "dataframe")
    mus = [t for t in charts(at)[0]["data"] if t.get("name", "").endswith(": μ")]
    assert [len(values(t["x"])) for t in mus] == [3, 3, 3]
    changes(at, lambda a: a.multiselect(key="post_classes").set_value([]),
            "markdown", "caption", "image", "plotly_chart", "dataframe")
    assert "Choose one or more classes" in "".join(i.value for i in at.info)


def test_replay_widgets_change_the_maps():
    need_lesson("mnist")
    at = run("pages/09_Training_replay.py")
    epochs = teaching.common_epochs(teaching.load_replay("mnist-ae-2d"), teaching.load_replay("mnist-vae-2d"))
    assert at.select_slider(key="replay_book_static").value == len(epochs) - 1, "opens at the final epoch"
    assert at.session_state["replay_book_at"] == len(epochs) - 1
    final = captions(at)
    changes(at, lambda a: a.select_slider(key="replay_book_static").set_value(0), "image")
    first = captions(at)
    assert first != final and all("spans" in c for c in first)
    first_label = "the start" if epochs[0] == 0 else f"epoch {int(epochs[0])}"
    assert [b.proto.label for b in at.get("download_button")] == [f"Download the encodings at {first_label} as CSV"]
    changes(at, lambda a: a.toggle(key="replay_fixed_axes").set_value(True), "image")


def test_replay_book_plays_every_epoch_with_its_span():
    from explorer.ui.teaching import data as lesson_data

    need_lesson("mnist")
    epochs = lesson_data.replay_epochs("mnist")
    book = lesson_data.replay_book("mnist", True, 200)
    assert book.play_ms > 0 and len(book.stops) == len(epochs) and book.payload["play_ms"] == book.play_ms
    for panel, kind in zip(book.panels, ("ae", "vae")):
        enc = teaching.load_replay(f"mnist-{kind}-2d")
        span = np.percentile(enc.at(epochs[-1]), 99, axis=0) - np.percentile(enc.at(epochs[-1]), 1, axis=0)
        assert panel.captions[-1].endswith(f"spans {span[0]:.1f} × {span[1]:.1f}")
        assert panel.frames.shape[0] == len(epochs) and panel.frames.shape[2] == 200
        assert not np.array_equal(panel.frames[0], panel.frames[-1])


# --- lesson mode ---------------------------------------------------------------------------------------------------

def step_index(key: str) -> int:
    return lesson_steps.STEPS.index(lesson_steps.step_by_key(key))


def need_steps() -> None:
    """Every model a step of the Lesson uses."""
    need(*{f"{s.dataset}-{k}" for s in lesson_steps.STEPS
           for k in ("ae-2d", "vae-2d", "classifier", "ae-16d", "vae-16d", "infogan", "vae-2d-beta2")})


def lesson_at(key: str, dataset: str = "mnist"):
    """The Lesson after one run at step ``key`` (the sidebar's dataset is ``dataset``: the steps ignore it)."""
    return run("pages/13_Lesson.py", dataset, state={"lesson_step": step_index(key)})


def test_arriving_at_each_step_puts_its_settings_in_place_and_shows_its_view_on_its_dataset():
    need_steps()
    at = run("pages/13_Lesson.py")
    for index, step in enumerate(lesson_steps.STEPS):
        if index:
            at.button(key="lesson_next").click()
            at.run()
        assert at.selectbox(key="lesson_step").value == index
        assert not at.exception and not at.error, [e.value for e in at.error]
        for key, value in step.settings(step.dataset).items():
            assert at.session_state[key] == value, (step.key, key)
        assert at.get("plotly_chart") or at.get("image") or at.get("bidi_component"), step.key
        assert f"**{explorer.DATASETS[step.dataset].title}**" in texts(at), step.key
        assert at.query_params.get("step", [None]) in ([str(index + 1)], str(index + 1)) if index else \
            "step" not in at.query_params, "step 1 is the Lesson's URL without a step"


def test_the_lesson_leads_with_fashion_mnist_and_keeps_mnists_counter_example_as_a_surprise():
    """The gaps story is told on the dataset that shows it, MNIST's counter-example is its own step, and the
    InfoGAN steps are on MNIST."""
    datasets = [s.dataset for s in lesson_steps.STEPS]
    assert datasets[:3] == ["fashion"] * 3
    assert lesson_steps.step_by_key("surprise").dataset == "mnist"
    assert [s.dataset for s in lesson_steps.STEPS if s.key.startswith("gan-")] == ["mnist"] * 3


def test_every_step_makes_its_point_on_its_own_dataset():
    """Each step's point (``Step.holds``) recomputed from the shipped models of the step's dataset."""
    need_steps()
    for step in lesson_steps.STEPS:
        assert step.holds(lesson_steps.claims(step.dataset)), step.key


def test_the_sidebars_dataset_does_not_change_the_steps():
    need_steps()
    for sidebar_ds in DATASETS:
        at = lesson_at("between", sidebar_ds)
        assert at.session_state["lesson_pins"] == lesson_steps.step_by_key("between").settings("fashion")["lesson_pins"]
        assert "T-shirt/top" in at.subheader[0].value
        assert not at.sidebar.get("selectbox") or all(s.key != "dataset" for s in at.sidebar.selectbox)


def test_the_centre_pins_are_each_models_own_centre_of_the_first_class():
    """The planes differ 5-10x in scale: each ring is its own map's centre of the first class."""
    step = lesson_steps.step_by_key("maps")
    ds = step.dataset
    need_lesson(ds)
    _, labels = cache.dataset(ds, "test")
    pins = lesson_at("maps").session_state["lesson_pins"]
    for kind in ("ae", "vae"):
        z = teaching.class_centre(cache.encodings(f"{ds}-{kind}-2d"), labels, lesson_steps.PAIRS[ds][0])
        assert pins[kind] == pytest.approx(np.round(z, 2), abs=0.006), kind
    assert pins["ae"] != pytest.approx(pins["vae"], abs=0.5)


def test_the_between_pins_are_chosen_for_the_most_visible_contrast():
    """The stated rule, recomputed: of the autoencoder's empty grid points between the two classes, carried to the
    VAE's plane, the pins are where the autoencoder's draw is not data-like, the VAE's is, and the VAE's is the most
    visible (confidence x ink contrast); no other candidate scores higher."""
    step = lesson_steps.step_by_key("between")
    ds = step.dataset
    need_lesson(ds)
    a, b = lesson_steps.PAIRS[ds]
    ae, vae = bundle(f"{ds}-ae-2d"), bundle(f"{ds}-vae-2d")
    band = teaching.gap_band(lesson_data.quality_map(ae), ae.encodings, ae.labels, a, b)
    assert len(band) > 10
    linked = np.array([lesson_data.linked_pins(ds, "ae", p)["vae"] for p in band], np.float32)
    _, ae_scores = quality.decode_and_score(ae.model, ae.scorer, np.round(band, 2))
    vae_images, vae_scores = quality.decode_and_score(vae.model, vae.scorer, linked)
    score = teaching.visible_contrast(ae_scores.data_like, vae_scores.data_like, vae_scores.confidence, vae_images)
    best = int(np.argmax(score))
    pins = lesson_at("between").session_state["lesson_pins"]
    assert pins["ae"] == pytest.approx(np.round(band[best], 2), abs=0.006)
    assert pins["vae"] == pytest.approx(linked[best], abs=0.006)
    shown = {k: lesson_data.decode_point(bundle(f"{ds}-{k}-2d"), *pins[k]) for k in ("ae", "vae")}
    assert not shown["ae"]["data_like"] and shown["vae"]["data_like"]
    ink = teaching.ink_contrast(np.stack([shown[k]["image"] for k in ("ae", "vae")]))
    assert ink[1] > 0.5, "the VAE's draw is clearly visible, not a faint smudge"


def test_visible_contrast_prefers_a_confident_clear_draw_where_only_the_second_model_is_data_like():
    faint, clear = np.full((28, 28), 0.1, np.float32), np.zeros((28, 28), np.float32)
    faint[10:18, 10:18], clear[10:18, 10:18] = 0.25, 1.0
    score = teaching.visible_contrast(np.array([False, False, True, False]), np.array([True, True, True, False]),
                                      np.array([0.99, 0.99, 0.99, 0.99]), np.stack([faint, clear, clear, clear]))
    assert int(np.argmax(score)) == 1
    assert score[2] < 0 and score[3] < 0 and 0 < score[0] < score[1]


def test_every_claim_the_narration_makes_holds_for_the_shipped_models():
    """Each verdict in the narration is recomputed from the models: a model said to draw something "not"
    data-like scores below the rule there, one said to draw something data-like meets it; the plane-wide story
    follows the measured fractions."""
    for key in ("maps", "between"):
        step = lesson_steps.step_by_key(key)
        ds = step.dataset
        need_lesson(ds)
        classes = explorer.DATASETS[ds].classes
        at = lesson_at(key)
        text = texts(at)
        for kind in ("ae", "vae"):
            z = np.array(at.session_state["lesson_pins"][kind], np.float32)[None]
            _, scores = quality.decode_and_score(cache.model(f"{ds}-{kind}-2d"), cache.quality_scorer(ds), z)
            said = ("something data-like" if scores.data_like[0] else "something **not** data-like") + \
                f" (read as a {classes[scores.predicted[0]]}, {scores.confidence[0]:.0%} sure)"
            assert said in text, (key, kind, said)
    for key in ("measure", "surprise"):
        ds = lesson_steps.step_by_key(key).dataset
        numbers = {kind: lesson_data.gap_numbers(bundle(f"{ds}-{kind}-2d")) for kind in ("ae", "vae")}
        shown = texts(lesson_at(key))
        if numbers["vae"]["fraction_data_like"] > numbers["ae"]["fraction_data_like"]:
            assert "the autoencoder's gaps are real" in shown
        else:
            assert "draws something data-like over **more** of its plane than the VAE's" in shown


def test_the_beta_and_paths_narration_say_what_the_numbers_show():
    need_steps()
    ds = lesson_steps.step_by_key("beta").dataset
    recon = [family_data.beta_numbers(n)["test_recon"] for b, n in family_data.beta_names(ds) if b in (0.0, 1.0, 2.0)]
    shown = texts(lesson_at("beta"))
    flat = (max(recon) - min(recon)) / min(recon) < lesson_steps.RECON_FLAT
    assert ("hardly moves" in shown) == flat
    paths = lesson_steps.claims(lesson_steps.step_by_key("paths").dataset)
    order = sorted(((paths["ae_path_value"], "autoencoder's line"), (paths["vae_path_value"], "VAE's line"),
                    (paths["vae_arc_value"], "VAE's arc")), reverse=True)
    shown = texts(lesson_at("paths"))
    assert [shown.index(label) for _, label in order] == sorted(shown.index(label) for _, label in order)


def test_app_shows_the_recorded_gap_numbers():
    """The Lesson's narration and the Gaps view quote metrics.json's ``eval.gaps`` (the README's numbers)."""
    for key in ("measure", "surprise"):
        ds = lesson_steps.step_by_key(key).dataset
        need_lesson(ds)
        recorded = {kind: explorer.read_metrics(f"{ds}-{kind}-2d")["eval"]["gaps"] for kind in ("ae", "vae")}
        at = lesson_at(key)
        assert f"**{recorded['vae']['fraction_data_like']:.0%}** of the VAE's" in texts(at)
        assert f"**{recorded['ae']['fraction_data_like']:.0%}** of the autoencoder's" in texts(at)
        gaps = [m.value for m in run("pages/06_Gaps.py", ds).metric]
        assert gaps[0] == f"{recorded['ae']['fraction_data_like']:.0%}"
        assert gaps[1] == f"{recorded['ae']['fraction_far']:.0%}"
        assert gaps[3] == f"{recorded['vae']['fraction_data_like']:.0%}"
    ds = lesson_steps.step_by_key("prior").dataset
    recorded = {kind: explorer.read_metrics(f"{ds}-{kind}-2d")["eval"]["gaps"] for kind in ("ae", "vae")}
    prior = lesson_at("prior")
    assert f"**{recorded['ae']['prior_data_like']:.0%}** (autoencoder)" in texts(prior)
    assert f"**{recorded['vae']['prior_class_mix']:.2f}**" in texts(prior)


def test_a_steps_button_sets_its_view_up_again_after_exploring():
    step = lesson_steps.step_by_key("between")
    need_lesson(step.dataset)
    at = lesson_at("between")
    expected = step.settings(step.dataset)["lesson_pins"]
    at.session_state["lesson_pins"] = {"ae": [0.5, 0.5], "vae": [0.1, 0.1], "how": "clicked"}
    at.run()
    assert at.session_state["lesson_pins"]["ae"] == [0.5, 0.5], "exploring within a step keeps what the user did"
    at.button(key="lesson_apply_between").click()
    at.run()
    assert at.session_state["lesson_pins"] == expected


def test_lesson_next_and_previous_move_between_steps():
    need_lesson("fashion")
    at = run("pages/13_Lesson.py")
    assert at.button(key="lesson_previous").disabled
    at.button(key="lesson_next").click()
    at.run()
    assert at.selectbox(key="lesson_step").value == 1
    assert at.subheader[0].value == "Between the T-shirt/tops and the Sneakers"
    at.button(key="lesson_previous").click()
    at.run()
    assert at.selectbox(key="lesson_step").value == 0


def test_back_and_forward_follow_the_url_and_a_sessions_own_moves_are_not_undone():
    """Back / Forward run the page with an earlier URL: the step follows it; the session's own Next is kept
    although that run still carries the URL of the step before."""
    need_steps()
    at = run("pages/13_Lesson.py")
    for expected in (1, 2):
        at.button(key="lesson_next").click()
        at.run()
        assert at.selectbox(key="lesson_step").value == expected
        assert at.query_params["step"] in ([str(expected + 1)], str(expected + 1))
    at.query_params["step"] = "2"                 # Back
    at.run()
    assert at.selectbox(key="lesson_step").value == 1
    del at.query_params["step"]                   # Back again: the Lesson's first entry
    at.run()
    assert at.selectbox(key="lesson_step").value == 0


def test_explore_opens_the_step_on_its_page_with_its_dataset_pin_and_presenter_mode_and_a_way_back():
    step = lesson_steps.step_by_key("between")
    need_lesson(step.dataset)
    at = lesson_at("between")
    at.toggle(key="lesson_present").set_value(True)
    at.run()
    link = next(p for p in at.get("page_link") if "Explore" in p.proto.label)
    params = dict(pair.split("=", 1) for pair in link.proto.query_string.split("&")) \
        if hasattr(link.proto, "query_string") and link.proto.query_string else None
    pins = at.session_state["lesson_pins"]
    assert params is not None, "the Explore link carries query parameters"
    assert params["dataset"] == "fashion" and params["present"] == "1" and params["lesson_step"] == "2"
    assert float(params["gaps_z1"]) == pytest.approx(pins["ae"][0]) and params["gaps_on"] == "ae"
    from streamlit.testing.v1 import AppTest

    from .test_app import ENTRY

    page = AppTest.from_file(ENTRY, default_timeout=300)
    page.session_state["live_widgets"] = False
    for key, value in params.items():
        page.query_params[key] = value
    page.switch_page("pages/06_Gaps.py")
    page.run()
    assert not page.exception
    assert page.session_state["dataset"] == "fashion"
    assert page.session_state["gaps_z1"] == pytest.approx(pins["ae"][0])
    back = next(p for p in page.get("page_link") if "Back to the Lesson" in p.proto.label)
    assert "step 2" in back.proto.label and "present=1" in back.proto.query_string
    assert page.button(key="presenter_leave")


@pytest.mark.parametrize("given, expected", [("3", 2), ("9", 8), ("0", 0), ("99", 0), ("abc", 0), ("-2", 0)])
def test_the_url_opens_its_step_and_a_malformed_one_is_ignored(given, expected):
    from streamlit.testing.v1 import AppTest

    from .test_app import ENTRY

    need_lesson("mnist")
    at = AppTest.from_file(ENTRY, default_timeout=300)
    at.session_state["live_widgets"] = False
    at.query_params["step"] = given
    at.query_params["present"] = "1"
    at.switch_page("pages/13_Lesson.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="lesson_step").value == expected
    assert at.toggle(key="lesson_present").value is True


@pytest.mark.parametrize("event, expected", [({"step": 1}, 1), ({"step": -1}, -1), ({"step": 5}, None),
                                             ({"step": True}, None), ({"step": "1"}, None), ({"step": 1.0}, None),
                                             (None, None), ([1], None)])
def test_a_key_event_is_one_step_or_ignored(event, expected):
    from explorer.ui.widgets import live

    assert live.step_of(event) == expected


def test_a_position_is_carried_to_the_other_plane_through_the_same_test_images():
    """link_grid: the same encodings give the identity; encodings scaled and shifted in the other model give the
    same scaling at grid nodes inside the data (barycentric weights are exact for an affine map); linked()
    interpolates between nodes bilinearly and clamps outside."""
    rng = np.random.default_rng(0)
    enc = rng.uniform(-1, 1, (400, 2))
    x = y = np.linspace(-0.8, 0.8, 9)
    same = teaching.link_grid(enc, enc, x, y)
    assert np.allclose(same.z, np.stack(np.meshgrid(x, y), axis=-1), atol=1e-9)
    other = enc * [10.0, 3.0] + [5.0, -2.0]
    grid = teaching.link_grid(enc, other, x, y)
    assert np.allclose(grid.z[..., 0], 10 * x[None, :] + 5, atol=1e-6)
    assert np.allclose(grid.z[..., 1], 3 * y[:, None] - 2, atol=1e-6)
    assert teaching.linked(grid, (0.1, -0.3)) == pytest.approx([6.0, -2.9], abs=1e-5)
    assert teaching.linked(grid, (9.0, -9.0)) == pytest.approx(grid.z[0, -1], abs=1e-6)


# --- figure builders (no Streamlit run needed) ---------------------------------------------------------------------

def test_framed_strip_frames_data_like_solid_and_the_rest_dashed_in_the_verdict_colours():
    from explorer.ui.kit.colours import BAD, GOOD
    from explorer.ui.kit.images import hex_to_rgb
    from explorer.ui.teaching import figures as lesson_figures

    images = np.zeros((3, 28, 28), np.float32)
    strip = lesson_figures.framed_strip(images, np.array([True, False, True]), cols=2, size=28, frame=3)
    cell, gap = 28 + 6, 6
    assert strip.shape == (2 * cell + gap, 2 * cell + gap, 3)
    good_top, bad_top = strip[0, :cell], strip[0, cell + gap:2 * cell + gap]
    assert all(tuple(px) == hex_to_rgb(GOOD) for px in good_top), "a solid frame"
    coloured = [tuple(px) == hex_to_rgb(BAD) for px in bad_top]
    assert 0.3 < np.mean(coloured) < 0.7 and not any(tuple(px) not in (hex_to_rgb(BAD), (255, 255, 255))
                                                        for px in bad_top), "a dashed frame: colour and gaps"
    assert tuple(strip[-1, -1]) == (255, 255, 255)                  # the empty fourth cell


def test_quality_figure_has_the_click_grid_before_the_encodings():
    from explorer.ui.teaching import figures as lesson_figures

    rng = np.random.default_rng(0)
    enc = rng.normal(0, 1, (200, 2)).astype(np.float32)
    labels = np.arange(200) % 10
    x, y = quality.plane_axes(enc, 20)
    near = quality.nearest_encoding(quality.plane_points(x, y), enc).reshape(20, 20)
    qmap = quality.QualityMap(x, y, np.full((20, 20), 0.95), np.zeros((20, 20), int), near, near,
                               quality.density(enc, x, y))
    fig = lesson_figures.quality_figure(qmap, enc, labels, [str(k) for k in range(10)], "confidence")
    kinds = [(t.type, t.name) for t in fig.data]
    assert kinds[0] == ("heatmap", "Classifier confidence") and kinds[1] == ("scattergl", "plane")
    assert [n for t, n in kinds[2:12]] == [str(k) for k in range(10)]
    assert len(values(fig.data[1].x)) == 400
    assert {a.text for a in fig.layout.annotations} == {f"<b>{k}</b>" for k in range(10)}
    ticks = fig.data[0].colorbar.tickvals
    assert quality.CONFIDENT in ticks and all(abs(a - b) >= 0.3 for a, b in zip(ticks, ticks[1:])), \
        "colour-bar ticks far enough apart that their labels do not collide"
    config = lesson_figures.plot_config("name")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "name", "scale": 2}


def test_posterior_view_is_zoomed_to_the_clouds_shown():
    from explorer.ui.teaching import figures as lesson_figures

    mu = np.array([[1.0, 0.5], [1.4, 0.2]])
    sigma = np.array([[0.05, 0.04], [0.06, 0.05]])
    (x0, x1), (y0, y1) = lesson_figures.posterior_view(mu, sigma, least=0.1)
    assert x1 - x0 == pytest.approx(y1 - y0), "square: circles stay circles"
    assert x0 <= 1.0 - 2.5 * 0.05 and x1 >= 1.4 + 2.5 * 0.06 and y0 <= 0.2 - 2.5 * 0.05 and y1 >= 0.5 + 0.1
    assert x1 - x0 < 1.0, "a fraction of the prior's -3...3: the 1-sigma ellipses are visible, not dots"
    (a0, a1), _ = lesson_figures.posterior_view(mu[:1], sigma[:1] * 0, least=0.4)
    assert a1 - a0 == pytest.approx(0.8)


# --- bad input -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES[:4])
def test_missing_checkpoints_show_an_error_not_a_crash(page, tmp_path, monkeypatch):
    monkeypatch.setattr(explorer.checkpoints, "CHECKPOINT_DIR", tmp_path)
    cache.model.clear()
    try:
        at = run(page, "mnist")
        assert at.error and "cannot be loaded" in at.error[0].value
    finally:
        cache.model.clear()


def test_missing_test_split_shows_an_error(monkeypatch):
    need_lesson("mnist")

    def missing(name, split):
        raise explorer.DatasetNotFoundError(f"no {name} {split} split here")

    monkeypatch.setattr(explorer, "load_dataset", missing)
    cache.dataset.clear()
    try:
        at = run("pages/08_VAE_posterior.py", "mnist")
        assert at.error and "test images are missing" in at.error[0].value
    finally:
        cache.dataset.clear()


@pytest.mark.parametrize("ds", DATASETS)
def test_a_paths_first_pick_is_reconstructed_as_its_class_by_both_models(ds):
    """The default walk from the first class to the second ends on the second class (not on whatever the first
    test image of that class happens to be reconstructed as)."""
    need_lesson(ds)
    images, labels = cache.dataset(ds, "test")
    for cls in (1, 7):
        index = lesson_data.example_index(ds, cls, 0)
        assert labels[index] == cls
        for kind in ("ae", "vae"):
            model = cache.model(f"{ds}-{kind}-2d")
            from explorer.latent import encode

            _, scores = quality.decode_and_score(model, cache.quality_scorer(ds), encode(model, images[[index]]))
            assert scores.predicted[0] == cls and scores.data_like[0], (ds, cls, kind)


def test_the_handout_prints_every_step_with_its_narration_and_figure():
    from streamlit.testing.v1 import AppTest

    from .test_app import ENTRY

    need_steps()
    at = AppTest.from_file(ENTRY, default_timeout=600)
    at.session_state["live_widgets"] = False
    at.query_params["handout"] = "1"
    at.switch_page("pages/13_Lesson.py")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    titles = [h.value for h in at.subheader]
    assert titles == [f"Step {i + 1}. {lesson_steps.fill(s.title, s.dataset)}" for i, s in enumerate(lesson_steps.STEPS)]
    shown = texts(at)
    for step in lesson_steps.STEPS:
        assert lesson_steps.fill(step.text, step.dataset) in shown, step.key
    assert len(at.get("plotly_chart")) >= 2 * 4 + 3, "both planes of the four gaps steps and the InfoGAN figures"


def test_without_live_widgets_the_server_draws_each_models_ring():
    step = lesson_steps.step_by_key("between")
    need_lesson(step.dataset)
    at = lesson_at("between")
    pins = at.session_state["lesson_pins"]
    for chart, kind in zip(charts(at)[:2], ("ae", "vae")):
        rings = [t for t in chart["data"] if t.get("type") == "scatter" and t.get("hoverinfo") == "skip"
                 and t.get("marker", {}).get("symbol") == "circle-open"]
        assert rings and all([float(t["x"][0]), float(t["y"][0])] == pytest.approx(pins[kind]) for t in rings), kind
