"""AppTest over the family pages (From AE to VAE, Denoise, VAE vs GAN) with the shipped checkpoints: each runs on
both datasets with the live flipbooks and with Streamlit's own widgets, its numbers are the recorded ones, and its
controls change what is shown. Real drags: tests/test_family_browser.py."""

from __future__ import annotations

import numpy as np
import pytest

import explorer
from explorer import denoising
from explorer.names import model_name
from explorer.recipes import BETAS
from explorer.names import beta_name
from explorer.ui.teaching.family import data as family_data
from explorer.ui.teaching.family import views as family_views

from .test_app import changes, need, run
from .test_live_app import components, data, sprite_pixels

DATASETS = ["mnist", "fashion"]
BETA_PAGE, DENOISE_PAGE, SAMPLES_PAGE = ("pages/10_From_AE_to_VAE.py", "pages/11_Denoise.py",
                                         "pages/12_VAE_vs_GAN.py")


def need_betas(ds: str) -> None:
    need(f"{ds}-ae-2d", f"{ds}-vae-2d", f"{ds}-classifier", *(beta_name(ds, b) for b in BETAS))


def book(at, key: str) -> dict:
    """The data sent to the page's one flipbook."""
    (element,) = components(at, "lse_flipbook")
    return data(element)


@pytest.mark.parametrize("ds", DATASETS)
@pytest.mark.parametrize("live", [True, False])
def test_the_beta_page_walks_from_the_autoencoder_to_beyond_the_vae(ds, live):
    need_betas(ds)
    at = run(BETA_PAGE, ds, live=live)
    assert not at.error and not at.warning, [e.value for e in (*at.error, *at.warning)]
    if not live:
        slider = at.select_slider(key="beta_book_static")
        assert len(slider.options) == 2 + len(BETAS)
        return
    sent = book(at, "beta_book")
    assert sent["stops"][0] == "0 (autoencoder)" and "1 (VAE)" in sent["stops"] and len(sent["stops"]) == 7
    assert sent["index"] == sent["stops"].index("0.1")
    assert [p["kind"] for p in sent["panels"]] == ["image", "image", "image", "curve"]
    curve = sent["panels"][3]
    assert curve["points"][0] is None and all(p is not None for p in curve["points"][1:])


@pytest.mark.parametrize("ds", DATASETS)
def test_the_beta_pages_numbers_are_the_recorded_ones(ds):
    need_betas(ds)
    at = run(BETA_PAGE, ds, live=True)
    sent = book(at, "beta_book")
    for (beta, name), facts in zip(family_data.beta_names(ds), sent["facts"]):
        recorded = explorer.read_metrics(name)["eval"]
        shown = dict(facts)
        assert shown["Plane decodes to data-like images"] == f"{100 * recorded['gaps']['fraction_data_like']:.0f} %"
        assert shown["Prior samples data-like"] == f"{100 * recorded['gaps']['prior_data_like']:.0f} %"
        assert shown["Reconstruction error"] == f"{recorded['test_recon']:.1f} nats"


@pytest.mark.parametrize("ds", DATASETS)
def test_the_gaps_close_along_beta(ds):
    """The lesson's claim, from the recorded numbers: more of the plane decodes to data-like images at beta = 1
    than at beta = 0, and the KL (rate) falls as beta rises."""
    need_betas(ds)
    numbers = {b: explorer.read_metrics(n)["eval"] for b, n in family_data.beta_names(ds)}
    assert numbers[1.0]["gaps"]["prior_data_like"] > numbers[0.0]["gaps"]["prior_data_like"]
    kls = [numbers[b]["test_kl"] for b in sorted(numbers) if b > 0]
    assert all(a > b for a, b in zip(kls, kls[1:])), kls


def test_the_beta_slider_without_live_widgets_changes_the_view():
    need_betas("mnist")
    at = run(BETA_PAGE, "mnist")
    changes(at, lambda at: at.select_slider(key="beta_book_static").set_value(0), "markdown", "caption", "image",
            "plotly_chart")


def test_a_bad_stop_in_the_session_falls_back_to_the_default():
    need_betas("mnist")
    at = run(BETA_PAGE, "mnist", live=True, state={"beta_book_at": 99})
    assert book(at, "beta_book")["index"] == book(at, "beta_book")["stops"].index("0.1")


@pytest.mark.parametrize("ds", DATASETS)
def test_the_denoise_page_shows_every_method_at_every_amount(ds):
    need(model_name(ds, "dae"), model_name(ds, "ae", 16))
    at = run(DENOISE_PAGE, ds, live=True, state={"denoise_index": 3})
    assert not at.error, [e.value for e in at.error]
    sent = book(at, "denoise_book")
    assert [p["title"] for p in sent["panels"]] == ["clean", *denoising.METHODS]
    assert len(sent["stops"]) == len(family_data.DENOISE_STOPS) and sent["stops"][sent["index"]] == "0.30"
    images, _ = explorer.load_dataset(ds, "test")
    clean = sprite_pixels(sent["panels"][0]["frames"][0])
    assert np.array_equal(clean, images[3])                       # lossless: the test image itself
    noisy_frames = [sprite_pixels(u) for u in sent["panels"][1]["frames"]]
    assert np.array_equal(noisy_frames[0], images[3])             # amount 0: no noise
    changed = [int((f != images[3]).sum()) for f in noisy_frames]
    assert all(a <= b for a, b in zip(changed, changed[1:])) and changed[-1] > 784 * 0.25   # half hit their own value
    assert len(at.get("plotly_chart")) == 2


def test_the_denoise_controls_change_the_view():
    need("mnist-dae", "mnist-ae-16d")
    at = run(DENOISE_PAGE, "mnist")
    changes(at, lambda at: at.number_input(key="denoise_index").set_value(7), "markdown", "caption", "image")
    changes(at, lambda at: at.radio(key="denoise_kind").set_value("gaussian"), "markdown", "caption", "image")
    changes(at, lambda at: at.button(key="denoise_new_noise").click(), "markdown", "image")
    changes(at, lambda at: at.select_slider(key="denoise_book_static").set_value(5), "markdown", "caption", "image")


@pytest.mark.parametrize("ds", DATASETS)
def test_the_denoise_pages_verdict_is_the_recorded_curve(ds):
    need(model_name(ds, "dae"))
    at = run(DENOISE_PAGE, ds)
    curve = explorer.read_metrics(model_name(ds, "dae"))["eval"]["denoising"]["salt and pepper"]
    verdict = "beats" if denoising.beats_median(curve) else "does **not** beat"
    assert any(f"denoising autoencoder {verdict} the median filter" in m.value for m in at.markdown)


@pytest.mark.parametrize("ds", DATASETS)
def test_no_noise_is_said_in_words_not_as_a_psnr(ds):
    """At noise 0 the noisy input is the clean image: its PSNR is infinite, so the page says so and the curves
    leave that point out instead of stretching the axis to the stand-in value."""
    need(model_name(ds, "dae"), model_name(ds, "ae", 16))
    at = run(DENOISE_PAGE, ds, live=True, state={"denoise_index": 3})
    facts = book(at, "denoise_book")["facts"]
    assert dict(facts[0])["noisy input"] == "no noise: the clean image itself"
    assert not any("100.0 dB" in value for stop in facts for _, value in stop)
    assert all(dict(stop)["noisy input"].endswith(" dB · SSIM " + dict(stop)["noisy input"][-4:])
               for stop in facts[1:])
    for name, curve in explorer.read_metrics(model_name(ds, "dae"))["eval"]["denoising"].items():
        fig = family_views.denoise_figure(curve)
        noisy = next(t for t in fig.data if t.name == "noisy input")
        assert noisy.y[0] is None and all(v is not None for v in noisy.y[1:]), name
        assert max(v for t in fig.data for v in t.y if v is not None) < 40, name


@pytest.mark.parametrize("ds", DATASETS)
def test_the_plain_autoencoders_sentence_is_the_recorded_curve(ds):
    need(model_name(ds, "dae"), model_name(ds, "ae", 16))
    at = run(DENOISE_PAGE, ds)
    curve = explorer.read_metrics(model_name(ds, "dae"))["eval"]["denoising"]["salt and pepper"]
    shown = next(m.value for m in at.markdown if "plain autoencoder" in m.value)
    assert "copies" not in shown
    numbers = denoising.at_amount(curve, family_views.PLAIN_AT)
    ae, noisy = numbers["autoencoder (16-D)"], numbers["noisy input"]
    assert f"scores {ae['psnr']:.1f} dB, {abs(ae['psnr'] - noisy['psnr']):.1f} dB " in shown
    assert ("removes some of the noise" in shown) == (ae["psnr"] > noisy["psnr"])
    assert f"SSIM {ae['ssim']:.2f}" in shown


def test_the_plain_autoencoders_words_follow_the_numbers():
    curve = {"amounts": [0.3], "psnr": dict(zip(denoising.METHODS, ([9.0], [15.0], [8.0], [20.0]))),
             "ssim": dict(zip(denoising.METHODS, ([0.3], [0.7], [0.2], [0.9])))}
    worse = family_views.plain_autoencoder_sentence(curve)
    assert "keeps the noise" in worse and "1.0 dB below the noisy input's 9.0 dB" in worse
    curve["psnr"]["autoencoder (16-D)"] = [21.0]
    curve["ssim"]["autoencoder (16-D)"] = [0.95]
    better = family_views.plain_autoencoder_sentence(curve)
    assert "removes some of the noise and restores the image as well" in better and "keeps more" in better


@pytest.mark.parametrize("ds", DATASETS)
def test_the_samples_page_scores_each_grid_with_the_recorded_numbers(ds):
    need(model_name(ds, "vae", 16), model_name(ds, "infogan"), model_name(ds, "classifier"))
    at = run(SAMPLES_PAGE, ds, live=True)
    assert not at.error, [e.value for e in at.error]
    books = [data(e) for e in components(at, "lse_flipbook")]
    assert len(books) == 2
    for sent, name in zip(books, (model_name(ds, "vae", 16), model_name(ds, "infogan"))):
        record = explorer.read_metrics(name)["eval"]["samples"]
        assert sent["stops"] == [f"{v:g}" for v in record["values"]]
        assert [dict(f) for f in sent["facts"]] == [dict(family_data.score_facts(s)) for s in record["scores"]]
    assert any(m.value.startswith("**Measured here:**") for m in at.markdown)


def test_the_samples_page_without_live_widgets_changes_with_the_temperature():
    need("mnist-vae-16d", "mnist-infogan")
    at = run(SAMPLES_PAGE, "mnist")
    changes(at, lambda at: at.select_slider(key="samples_vae_static").set_value(0), "markdown", "image")
    changes(at, lambda at: at.select_slider(key="samples_infogan_static").set_value(4), "markdown", "image")


@pytest.mark.parametrize("given, expected", [("2", 2), ("0", 0), ("99", None), ("-1", None), ("x", None),
                                             ("1.5", None)])
def test_a_flipbooks_stop_comes_from_the_url_and_goes_back_to_it(given, expected):
    """A shared link opens the β slider at its stop; a stop that is not a whole number in range is ignored (the
    page keeps its default and drops it from the URL); moving the slider writes the new stop."""
    from streamlit.testing.v1 import AppTest

    from .test_app import ENTRY

    need(*(beta_name("mnist", b) for b in BETAS), "mnist-classifier")
    at = AppTest.from_file(ENTRY, default_timeout=300)
    at.session_state["live_widgets"] = False
    at.query_params["beta_book_at"] = given
    at.switch_page("pages/10_From_AE_to_VAE.py")
    at.run()
    assert not at.exception
    default = next(i for i, (b, _) in enumerate(family_data.beta_names("mnist")) if b == 0.1)
    assert at.session_state["beta_book_at"] == (default if expected is None else expected)
    at.select_slider(key="beta_book_static").set_value(4)
    at.run()
    assert at.query_params["beta_book_at"] in ("4", ["4"])
