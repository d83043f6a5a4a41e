"""Shareable views (explorer/ui/url.py): a page URL restores the dataset, the sidebar's model and the page's
controls; a crafted URL is bad input, ignored with a note; query parameters of others are left alone. The glossary
every page reaches from the sidebar."""

from __future__ import annotations

import numpy as np
import pytest

from .test_app import ENTRY, need, run

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402


def open_link(page: str, query: dict[str, str], live: bool = False) -> AppTest:
    """A fresh session opening ``page`` with this query string (what a shared link or a reload does)."""
    at = AppTest.from_file(ENTRY, default_timeout=300)
    at.session_state["live_widgets"] = live
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_number_value_parses_only_finite_numbers_in_range_on_the_step():
    from explorer.ui.shell.url import number

    code = number("gan_c2", -2.0, 2.0, 0.05)
    assert code.parse("1.5") == 1.5 and code.parse("-0.26") == -0.25 and code.parse("2") == 2.0
    for bad in ("abc", "", "nan", "inf", "-inf", "2.01", "-7", "1e309", "0x10"):
        with pytest.raises(ValueError):
            code.parse(bad)
    assert code.text(1.5) == "1.5"


def test_a_grid_link_restores_the_dataset_the_model_and_the_controls():
    need("fashion-vae-2d", "fashion-ae-2d")
    at = open_link("pages/02_Latent_grid.py", {"dataset": "Fashion-MNIST", "grid_model": "Autoencoder · 2-D latent",
                                               "grid_size": "9", "grid_spacing": "by the prior",
                                               "grid_overlay": "true"})
    assert at.sidebar.selectbox(key="dataset").value == "fashion"
    assert at.sidebar.radio(key="grid_model").value == "ae-2d"
    assert at.slider(key="grid_size").value == 9
    assert at.radio(key="grid_spacing").value == "gaussian"
    assert at.toggle(key="grid_overlay").value is True


def test_an_infogan_link_restores_the_codes_in_both_modes_and_keeps_the_lessons_parameters():
    need("mnist-infogan")
    link = {"gan_seed": "7", "gan_c1": "3", "gan_c2": "1.5", "gan_c3": "-0.75", "gan_read_index": "17",
            "step": "4", "present": "1"}
    at = open_link("pages/03_InfoGAN_codes.py", link)
    assert at.slider(key="gan_c2").value == 1.5 and at.slider(key="gan_c3").value == -0.75
    assert at.number_input(key="gan_seed").value == 7 and at.number_input(key="gan_read_index").value == 17
    assert "3" in gan_image_caption(at) and "c2 +1.50 · c3 -0.75" in gan_image_caption(at)
    assert {k: at.query_params[k] for k in ("step", "present")} == {"step": "4", "present": "1"}
    live = open_link("pages/03_InfoGAN_codes.py", link, live=True)    # the live sliders take state, not a widget
    assert (live.session_state["gan_c2"], live.session_state["gan_c3"]) == (1.5, -0.75)
    assert live.query_params["gan_c2"] == "1.5"


def gan_image_caption(at: AppTest) -> str:
    return next(img.caption for el in at.get("image") for img in el.proto.imgs if "seed" in img.caption)


def test_the_codes_moved_on_the_page_are_written_and_a_default_leaves_the_url():
    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py")
    at.slider(key="gan_c2").set_value(-1.25)
    at.run()
    assert at.query_params["gan_c2"] == "-1.25" and "gan_c3" not in at.query_params
    at.slider(key="gan_c2").set_value(0.0)
    at.run()
    assert "gan_c2" not in at.query_params


@pytest.mark.parametrize("page,query,checks", [
    ("pages/02_Latent_grid.py",
     {"dataset": "Nope", "grid_size": "abc", "grid_spacing": "diagonal", "grid_model": "GAN",
      "grid_z1_vae-2d": "1e309"},
     {"grid_size": 15, "grid_spacing": "even", "grid_z1_vae-2d": 0.0}),
    ("pages/02_Latent_grid.py", {"grid_size": "999", "grid_overlay": "maybe", "grid_z2_vae-2d": "nan"},
     {"grid_size": 15, "grid_overlay": False, "grid_z2_vae-2d": 0.0}),
    ("pages/03_InfoGAN_codes.py",
     {"gan_c2": "nan", "gan_c3": "9", "gan_seed": "-5", "gan_c1": "<script>", "gan_read_index": "10**9"},
     {"gan_c2": 0.0, "gan_c3": 0.0, "gan_seed": 0, "gan_read_index": 0}),
    ("pages/01_Latent_map.py", {"map_model": "x" * 5000, "map_method": "tsne", "map_thumbnails": "2"},
     {"map_thumbnails": False}),
    ("pages/05_Models.py", {"models_pick": "../../etc/passwd"}, {}),
], ids=["grid-words", "grid-out-of-range", "infogan", "map", "models"])
def test_a_crafted_url_is_ignored_with_defaults_not_a_traceback(page, query, checks):
    need("mnist-vae-2d", "mnist-infogan")
    at = open_link(page, query)
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox(key="dataset").value == "mnist"
    for key, value in checks.items():
        assert at.session_state[key] == value, key
    if page.endswith("03_InfoGAN_codes.py"):
        notes = [t.value for t in at.toast]
        assert any("`gan_c2` was ignored" in n for n in notes) and any("`gan_c3` was ignored" in n for n in notes)
        assert "gan_c2" not in at.query_params


# --- the latent map's click or selection ---------------------------------------------------------------------------

def map_event(at: AppTest, event: dict) -> None:
    at.session_state["map_chart"] = event
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_a_map_pick_goes_into_the_url_and_a_link_reopens_it():
    """A clicked test image, a clicked position and a box selection each reopen from the page URL in a fresh
    session (with the map's model and projection); Clear takes the pick out of the URL."""
    import explorer

    from .test_app import _click, _encodings, texts

    need("mnist-vae-2d", "mnist-ae-2d")
    _, labels = explorer.load_dataset("mnist", "test")
    z = _encodings("mnist-ae-2d")
    index = int(np.flatnonzero(labels == 3)[5])
    box = {"selection": {"points": [{"curve_number": 1 + c, "point_index": i, "x": 0, "y": 0}
                                    for c in (0, 7) for i in range(5)],
                         "point_indices": [], "box": [{"x": [0, 1], "y": [0, 1]}], "lasso": []}}
    shows = {"point": (_click(4, 5, *z[index]), f"**Test image #{index}** · class **3**"),
             "empty": (_click(0, 7, 0.5, -0.25), "**Decoded at (0.50, -0.25)**"),
             "selection": (box, "**10 images selected**  \n0: 5, 7: 5")}
    for kind, (event, shown) in shows.items():
        at = run("pages/01_Latent_map.py", state={"map_model": "ae-2d"})
        map_event(at, event)
        assert shown in texts(at), kind
        query = {k: at.query_params[k] for k in ("map_model", "map_pick")}
        assert query["map_pick"][0] == kind[0], query
        again = open_link("pages/01_Latent_map.py", query)
        assert shown in texts(again), kind
        assert texts(again).count("Click a point") == 0
        if kind == "selection":
            assert len(again.get("image")[-1].proto.imgs) == 10
        again.button(key="map_clear").click()
        again.run()
        assert "map_pick" not in again.query_params and "Click a point" in texts(again)


@pytest.mark.parametrize("text", ["p10000", "p-1", "p1.5", "p" + "9" * 40, "e1e9,0", "enan,1", "e1,2,3", "e,",
                                  "s!!!!", "sAAAA", "s" + "A" * 5000, "x12", "", "s" + "eJzLSM3JyQcABiwCFQ"])
def test_a_crafted_map_pick_is_ignored_with_a_note(text):
    need("mnist-vae-2d")
    at = open_link("pages/01_Latent_map.py", {"map_pick": text})
    assert not at.error, [e.value for e in at.error]
    assert "Click a point" in "\n".join(i.value for i in at.info)
    assert "map_pick" not in at.query_params
    if text:
        assert any("`map_pick` was ignored" in t.value for t in at.toast)


def test_map_pick_text_round_trips_and_refuses_a_zlib_bomb():
    import base64
    import zlib

    from explorer.ui.latent_map import maps

    coords = np.arange(20_000, dtype=float).reshape(10_000, 2)
    rng = np.random.default_rng(0)
    half = maps.MapPick("selection", indices=tuple(int(i) for i in np.flatnonzero(rng.random(10_000) < 0.5)))
    for pick in (maps.MapPick("point", xy=(84.0, 85.0), index=42), maps.MapPick("empty", xy=(1.25, -3.5)), half):
        text = maps.pick_text(pick, 10_000)
        assert len(text) < 1_700 and maps.parse_pick(text, coords) == pick
    bomb = "s" + base64.urlsafe_b64encode(zlib.compress(b"\xff" * 2_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < maps.PICK_TEXT_MAX
    with pytest.raises(ValueError):
        maps.parse_pick(bomb, coords)
    short = "s" + base64.urlsafe_b64encode(zlib.compress(b"\xff" * 100)).decode().rstrip("=")
    with pytest.raises(ValueError):
        maps.parse_pick(short, coords)


# --- glossary ----------------------------------------------------------------------------------------------------

def test_every_glossary_term_is_explained_in_a_sentence_or_more():
    from explorer.ui.shell.glossary import TERMS

    required = ("ELBO", "KL divergence", "Posterior", "Prior", "Latent space", "Encoder / decoder", "UMAP", "PCA",
                "InfoGAN codes", "β-VAE", "PSNR / SSIM", "Fréchet distance", "Precision / recall")
    assert set(required) <= set(TERMS)
    for term, text in TERMS.items():
        assert len(text.split()) >= 12 and text.rstrip().endswith("."), term


def test_the_glossarys_claims_hold_for_the_shipped_models():
    """What the glossary says of autoencoders, VAEs and β holds on both datasets' shipped models, and the numbers
    it quotes are their recorded ones."""
    import explorer
    from explorer.ui.shell import glossary

    for ds in ("mnist", "fashion"):
        need(f"{ds}-ae-2d", f"{ds}-vae-2d")
        ae, vae = (explorer.read_metrics(f"{ds}-{k}-2d")["eval"]["gaps"] for k in ("ae", "vae"))
        assert vae["prior_data_like"] > 0.5 > ae["prior_data_like"] or \
            vae["prior_data_like"] > ae["prior_data_like"] > 0, "random draws: the VAE's mostly sensible, more often"
        assert vae["fraction_far"] > 0, "the VAE's plane still has places no image was encoded near"
    text = glossary.terms()
    assert not any("no gaps" in t or "blurrier" in t for t in text.values())
    need("fashion-ae-2d", "fashion-vae-2d", "fashion-vae-2d-beta2")
    recon = [explorer.read_metrics(n)["eval"]["test_recon"] for n in
             ("fashion-ae-2d", "fashion-vae-2d", "fashion-vae-2d-beta2")]
    flat = (max(recon) - min(recon)) / min(recon) < glossary.RECON_FLAT
    assert ("hardly moves" in text["β-VAE"]) == flat
    assert ", ".join(f"{r:.0f}" for r in recon[:2]) in text["β-VAE"]
    prior = explorer.read_metrics("fashion-vae-2d")["eval"]["gaps"]["prior_data_like"]
    assert f"{prior:.0%} of them" in text["VAE"]


@pytest.mark.parametrize("page", [None, "pages/01_Latent_map.py", "pages/05_Models.py"])
def test_the_glossary_is_in_the_sidebar_of_every_page(page):
    need("mnist-vae-2d")
    at = run(page)
    sidebar_text = "\n".join(m.value for m in at.sidebar.markdown)
    assert "**ELBO** — Evidence lower bound" in sidebar_text
