"""What the live widgets are sent (AppTest reads the components' data; the browser side is in
tests/test_live_browser.py) and the payloads behind them (explorer.live): the browser's decoder computes what
the model decodes, the InfoGAN frames are the generator's images at the slider's values, and the released values
are clipped to what the controls can show."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image
from safetensors.numpy import load

import explorer
from explorer import live
from explorer.latent import decode, infogan_generate, infogan_noise
from explorer.projection import load_shipped
from explorer.ui.kit.images import to_uint8

from .test_app import need, run


def components(at, name: str) -> list:
    return [e for e in at.get("bidi_component") if e.proto.component_name == name]


def data(element):
    return json.loads(element.proto.json)


def sprite_pixels(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


# --- explorer.live ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mnist-vae-2d", "fashion-ae-2d", "mnist-vae-16d"])
def test_browser_decoder_payload_decodes_what_the_model_decodes(name):
    need(name)
    model = explorer.load_model(name)
    tensors = load(live.decoder_payload(model, name))
    assert sorted(tensors) == ["b0", "b1", "b2", "w0", "w1", "w2"]
    assert all(t.dtype == np.float16 for t in tensors.values())
    z = np.random.default_rng(0).normal(0, 2, (500, model.latent_dim)).astype(np.float32)
    browser = to_uint8(live.decode_like_browser(tensors, z)).astype(int)
    assert np.abs(browser - to_uint8(decode(model, z))).max() <= 1


def test_verdict_payload_carries_the_quality_map_exactly():
    need("fashion-ae-2d", "fashion-classifier")
    from explorer.ui.teaching import data as lesson_data
    from explorer.ui.shell.bundle import bundle

    qmap = lesson_data.quality_map(bundle("fashion-ae-2d"))
    tensors = load(live.verdict_payload(qmap, "fashion-ae-2d"))
    assert np.array_equal(tensors["x"], qmap.x.astype(np.float32)) and len(tensors["y"]) == len(qmap.y)
    assert np.array_equal(tensors["data_like"].astype(bool), qmap.data_like), "the verdicts are exact"
    assert np.array_equal(tensors["predicted"].astype(int), qmap.predicted), "so are the classes"
    assert np.abs(tensors["confidence"].astype(float) - qmap.confidence).max() < 1e-3
    assert 0 < qmap.data_like.mean() < 1, "a map with both verdicts: the check above can fail"


def test_only_mlp_decoders_go_to_the_browser():
    need("mnist-infogan")
    with pytest.raises(ValueError, match="only AE/VAE decoders"):
        live.decoder_layers(explorer.load_model("mnist-infogan"))


def test_code_frames_are_the_generator_at_each_slider_value():
    need("mnist-infogan")
    model = explorer.load_model("mnist-infogan")
    values = live.code_values()
    assert len(values) == 81 and values[0] == -2 and values[-1] == 2 and values[41] == 0.05
    frames = live.code_frames(model, 3, "c3", 0.5, 11)
    for k in (0, 40, 63):
        one = infogan_generate(model, [3], [0.5], [values[k]], infogan_noise(model, 11))[0]
        assert np.abs(frames[k] - one).max() < 1e-4
    assert np.abs(frames[0] - frames[-1]).max() > 0.1, "the frames sweep the code"
    with pytest.raises(ValueError, match="'c2' or 'c3'"):
        live.code_frames(model, 3, "c4", 0.0, 0)


@pytest.mark.parametrize("value, snapped", [(0.333, 0.35), (-7, -2.0), (2.024, 2.0), (-0.024, -0.0), (1.0, 1.0)])
def test_snap_code_clips_and_rounds_to_the_slider(value, snapped):
    assert live.snap_code(value) == snapped


# --- what the pages send ----------------------------------------------------------------------------------------

def test_infogan_page_sends_its_frames_and_follows_the_released_codes():
    need("mnist-infogan")
    at = run("pages/03_InfoGAN_codes.py", live=True, state={"gan_c2": 1.5, "gan_c3": -0.25})
    assert not at.slider, "no Streamlit slider for c2 / c3 while the live widgets are on"
    (codes,) = components(at, "lse_codes")
    sent = data(codes)
    assert (sent["c2"], sent["c3"]) == (1.5, -0.25)
    assert sent["labels"] == {"c2": "c2 (rotation)", "c3": "c3 (width)"}
    assert sent["frames_other"] == {"c2": -0.25, "c3": 1.5}
    model = explorer.load_model("mnist-infogan")
    category = int(at.segmented_control(key="gan_c1").value)
    c2_frames = sprite_pixels(sent["frames"]["c2"])
    assert c2_frames.shape == (28, 81 * 28)
    expected = to_uint8(infogan_generate(model, [category], [1.5], [-0.25], infogan_noise(model, 0))[0])
    k = int(np.argmin(np.abs(live.code_values() - 1.5)))
    assert np.abs(c2_frames[:, k * 28:(k + 1) * 28].astype(int) - expected).max() <= 1
    # what a click on a category or on "New noise" shows at once: each category, then the next seed
    switch = sent["switch"]
    from explorer.ui.infogan import gan
    from explorer.ui.shell import categories

    options = list(at.segmented_control(key="gan_c1").options)
    assert [categories.category_label("mnist-infogan", c) for c in switch["categories"]] == options
    assert (switch["c1_key"], switch["seed_key"]) == ("gan_c1", "gan_new_noise") and sent["c1"] == category
    assert switch["seed_caption"] == gan.image_caption("mnist-infogan", category, 1)
    frames = sprite_pixels(switch["frames"])
    assert frames.shape == (28, 11 * 28)
    for i, (c, seed) in enumerate([*((c, 0) for c in switch["categories"]), (category, 1)]):
        one = to_uint8(infogan_generate(model, [c], [1.5], [-0.25], infogan_noise(model, seed))[0])
        assert np.abs(frames[:, i * 28:(i + 1) * 28].astype(int) - one).max() <= 1, i
    last = run("pages/03_InfoGAN_codes.py", live=True, state={"gan_seed": gan.SEED_MAX})
    assert data(components(last, "lse_codes")[0])["switch"]["seed_key"] is None, "no seed after the last"


def test_switch_frames_are_each_category_then_the_next_seed():
    need("mnist-infogan")
    model = explorer.load_model("mnist-infogan")
    frames = live.switch_frames(model, [4, 2], 2, 0.5, -1.0, 9)
    assert frames.shape == (3, 28, 28)
    for frame, (c, seed) in zip(frames, [(4, 9), (2, 9), (2, 10)]):
        assert np.abs(frame - infogan_generate(model, [c], [0.5], [-1.0], infogan_noise(model, seed))[0]).max() < 1e-4
    assert np.abs(frames[1] - frames[2]).max() > 0.1, "the next seed draws another image"


def test_grid_page_sends_its_decoder_and_the_sliders_point():
    need("mnist-vae-2d")
    at = run("pages/02_Latent_grid.py", live=True, state={"grid_z1_vae-2d": 0.5, "grid_z2_vae-2d": -1.0})
    (decoder,) = components(at, "lse_decoder")
    assert load(decoder.proto.bytes)["w0"].shape == (256, 2)
    (pad,) = components(at, "lse_pad")
    sent = data(pad)
    assert sent["z"] == [0.5, -1.0] and sent["decoder"] == "mnist-vae-2d"
    grid_surface, map_surface = sent["surfaces"]
    n = at.slider(key="grid_size").value
    assert grid_surface["kind"] == "nodes" and len(grid_surface["xs"]) == n
    assert grid_surface["xs"][0] == -2.0 and grid_surface["ys"][0] == 2.0, "top row is the largest z2"
    assert map_surface["kind"] == "linear"


@pytest.mark.parametrize("ds", ["mnist", "fashion"])
def test_gaps_page_pins_the_point_in_the_browser_and_leaves_the_figures_alone(ds):
    need(f"{ds}-ae-2d", f"{ds}-vae-2d", f"{ds}-classifier")
    at = run("pages/06_Gaps.py", dataset=ds, live=True, state={"gaps_z1": 0.5, "gaps_z2": 1.25})
    (hover,) = components(at, "lse_hover")
    sent = data(hover)
    assert [c["key"] for c in sent["charts"]] == ["gaps_map_ae", "gaps_map_vae"]
    from explorer.ui.teaching import data as lesson_data
    from explorer.ui.shell.bundle import bundle

    pins = lesson_data.linked_pins(ds, "ae", (0.5, 1.25))
    assert [c["pin"] for c in sent["charts"]] == [[0.5, 1.25], pins["vae"]], "each map pinned at its own place"
    ae_links, vae_links = (c["links"] for c in sent["charts"])
    assert ae_links == [{"kind": "raw"}, {"kind": "grid", "ref": f"{ds}-ae-to-vae"}], "the VAE reads it linked"
    assert vae_links == [{"kind": "grid", "ref": f"{ds}-vae-to-ae"}, {"kind": "raw"}]
    # the grids go as bytes (float32 safetensors), each named as the hover refers to it, equal to lesson_data.link
    sent_grids, sent_verdicts = {}, []
    for element in components(at, "lse_decoder"):
        tensors = load(element.proto.bytes)
        if "z" in tensors:
            sent_grids[len(sent_grids)] = tensors
        if "data_like" in tensors:
            sent_verdicts.append(tensors)
    assert len(sent_grids) == 2
    # the hover card's verdicts: both models' quality maps, and the words and colours of the server's verdict
    for kind in lesson_data.KINDS:
        qmap = lesson_data.quality_map(bundle(lesson_data.model_name(ds, kind)))
        assert any(np.array_equal(v["data_like"].astype(bool), qmap.data_like)
                   and np.array_equal(v["y"], qmap.y.astype(np.float32)) for v in sent_verdicts), kind
    assert sent["verdict"]["classes"] == list(lesson_data.class_names(ds))
    from explorer.ui.kit import colours
    assert sent["verdict"]["colours"] == {"yes": colours.GOOD, "no": colours.BAD}
    assert sent["verdict"]["marks"] == {"yes": "✓", "no": "✗"}
    ae_to_vae = lesson_data.link(ds, "ae")
    assert any(np.allclose(g["z"], ae_to_vae.z, atol=1e-5) and np.allclose(g["x"], ae_to_vae.x, atol=1e-5)
               for g in sent_grids.values())
    assert sent["decoders"] == [f"{ds}-ae-2d", f"{ds}-vae-2d"]
    names = [t.get("name") for c in at.get("plotly_chart")[:2] for t in json.loads(c.proto.spec)["data"]]
    assert "decoded here" not in names
    plain = run("pages/06_Gaps.py", dataset=ds, state={"gaps_z1": 0.5, "gaps_z2": 1.25})
    assert "decoded here" in [t.get("name") for t in json.loads(plain.get("plotly_chart")[0].proto.spec)["data"]]


def test_latent_map_hover_takes_pca_positions_back_exactly():
    need("mnist-vae-16d")
    at = run("pages/01_Latent_map.py", live=True, state={"map_model": "vae-16d", "map_method": "pca"})
    (hover,) = components(at, "lse_hover")
    (chart,) = data(hover)["charts"]
    spec = chart["to_latent"]
    assert spec["kind"] == "pca" and len(spec["mean"]) == 16 and np.shape(spec["components"]) == (2, 16)
    shipped, _ = load_shipped(explorer.checkpoints.CheckpointFolder.find("mnist-vae-16d"), "pca")
    x, y = shipped.coords[7]
    back = np.asarray(spec["mean"]) + x * np.asarray(spec["components"][0]) + y * np.asarray(spec["components"][1])
    assert np.allclose(back, shipped.pca_inverse(np.array([[x, y]]))[0], atol=1e-4)
    umap = run("pages/01_Latent_map.py", live=True, state={"map_model": "vae-16d", "map_method": "umap"})
    (hover,) = components(umap, "lse_hover")
    assert data(hover)["charts"][0]["to_latent"] is None, "UMAP keeps the click path"


# --- clicks reported by the browser ------------------------------------------------------------------------------

@pytest.mark.parametrize("click, expected", [
    ({"chart": "map_chart", "curve": 3, "index": 7, "x": 0.5, "y": -1.0},
     {"chart": "map_chart", "curve_number": 3, "point_index": 7, "x": 0.5, "y": -1.0}),
    ({"chart": "map_chart", "curve": 0, "index": 0, "x": float("nan"), "y": 0.0}, None),
    ({"chart": "map_chart", "curve": "3", "index": 7, "x": 0.5, "y": 0.5}, None),
    ({"chart": "map_chart", "curve": 1, "index": 2.5, "x": 0.5, "y": 0.5}, None),
    ({"chart": "map_chart", "curve": True, "index": 0, "x": 0.5, "y": 0.5}, None),
    ("not a click", None),
])
def test_a_reported_click_is_taken_only_when_well_formed(monkeypatch, click, expected):
    from explorer.ui.widgets import live as ui_live

    monkeypatch.setattr(ui_live.st, "session_state", {"map_hover": {"click": click}})
    assert ui_live.clicked("map_hover") == expected


def test_a_click_naming_a_point_that_does_not_exist_is_ignored():
    from explorer.ui.latent_map import maps

    labels = np.array([0, 1, 1, 2])
    event = {"selection": {"points": [{"curve_number": 2, "point_index": 10 ** 9, "x": 0.0, "y": 0.0}]}}
    assert maps.read_event(event, labels) is None
    event["selection"]["points"][0]["point_index"] = 1
    assert maps.read_event(event, labels).index == 2


# --- crafted component values -----------------------------------------------------------------------------------

JUNK = {   # what a crafted message can put where the browser sends a number (JSON.stringify(1e20) sends an integer)
    "1e20 as an integer": 10**20, "10**400": 10**400, "NaN": float("nan"), "infinity": -float("inf"),
    "a string": "x", "a numeric string": "1", "True": True, "None": None, "a list": [1, 2, 3],
    "nested junk": {"a": [[{"b": None}], "c"]},
}


def _click(chart: str, **junk) -> dict:
    return {"chart": chart, "curve": 3, "index": 1, "x": 0.5, "y": -0.5, **junk}


def _handlers() -> dict:
    """(where the junk goes in the session state, the handler, the state keys it must leave alone)."""
    from explorer.ui.infogan import gan
    from explorer.ui.latent_grid import grid
    from explorer.ui.latent_map import views as map_views
    from explorer.ui.teaching import views as teaching_views
    from explorer.ui.teaching.lesson import stage, steps
    from explorer.ui.widgets import flipbook

    codes, pad = set(gan.CODE_KEYS.values()), {grid.z_key(a, "mnist-vae-2d") for a in ("z1", "z2")}
    map_click = map_views.take_live_click(("mnist-vae-2d", "raw", 15, 0.1), np.array([0, 1, 2, 2, 1]), "map_hover")
    gaps = {teaching_views.ON_KEY, *teaching_views.Z_KEYS}
    return {
        "InfoGAN codes: c2": (lambda j: {"gan_codes": {"codes": {"c2": j, "c3": 0.5}}}, gan.take_live_codes,
                              {"gan_c2"}),
        "InfoGAN codes: the codes": (lambda j: {"gan_codes": {"codes": j}}, gan.take_live_codes, codes),
        "latent grid pad: z1": (lambda j: {"grid_pad": {"z": [j, 0.5]}}, grid.take_pad("mnist-vae-2d", 3.0), pad),
        "latent grid pad: z": (lambda j: {"grid_pad": {"z": j}}, grid.take_pad("mnist-vae-2d", 3.0), pad),
        "Latent map click: x": (lambda j: {"map_hover": {"click": _click("map_chart", x=j)}}, map_click,
                                {map_views.PICK_KEY}),
        "Latent map click: index": (lambda j: {"map_hover": {"click": _click("map_chart", index=j)}}, map_click,
                                    {map_views.PICK_KEY}),
        "Latent map click: the click": (lambda j: {"map_hover": {"click": j}}, map_click, {map_views.PICK_KEY}),
        "Gaps click: curve": (lambda j: {"gaps_hover": {"click": _click("gaps_map_ae", curve=j)}},
                              teaching_views.take_live_click, gaps),
        "Gaps click: chart": (lambda j: {"gaps_hover": {"click": _click(j)}}, teaching_views.take_live_click, gaps),
        "Lesson click: y": (lambda j: {"lesson_hover": {"click": _click("lesson_plane_ae", y=j)}},
                            lambda: stage._pin_click("mnist"), {stage.PINS_KEY}),
        "Lesson keys: step": (lambda j: {"lesson_keys": {"step": j}}, steps._key_move, {steps.STEP_KEY}),
        "flipbook: index": (lambda j: {"book": {"index": j}}, flipbook.take_stop("book", "book_at", 5), {"book_at"}),
    }


@pytest.fixture
def fake_session(monkeypatch):
    """Streamlit's session state as a plain dict and its toasts recorded (the handlers run outside a script)."""
    import streamlit

    state, toasts = {}, []
    monkeypatch.setattr(streamlit, "session_state", state)
    monkeypatch.setattr(streamlit, "toast", lambda text, **kw: toasts.append(text))
    return state, toasts


@pytest.mark.parametrize("junk", list(JUNK))
@pytest.mark.parametrize("handler", list(_handlers()))
def test_a_crafted_component_value_is_dropped_with_a_toast_never_an_exception(fake_session, handler, junk):
    """Each handler that reads a live component's report, fed the exact values a crafted message can carry: nothing
    is taken, and one short toast says so (None in place of a whole report is no report: nothing, silently)."""
    state, toasts = fake_session
    if handler == "Gaps click: chart" and isinstance(JUNK[junk], str):
        pytest.skip("any text is a chart's name: a click on no chart of the page, which pins nothing")
    place, take, untouched = _handlers()[handler]
    state.update(place(JUNK[junk]))
    take()
    assert not untouched & set(state), {k: state[k] for k in untouched & set(state)}
    if JUNK[junk] is None and handler.endswith(("the codes", ": z", "the click")):
        assert not toasts
    else:
        assert len(toasts) == 1 and toasts[0].startswith("Ignored ") and toasts[0].endswith("."), toasts
        assert len(toasts[0]) < 100


@pytest.mark.parametrize("handler, value, expected", [
    ("InfoGAN codes: c2", 1.5, {"gan_c2": 1.5, "gan_c3": 0.5}),
    ("latent grid pad: z1", 1.234, {"grid_z1_mnist-vae-2d": 1.23, "grid_z2_mnist-vae-2d": 0.5}),
    ("Latent map click: x", 0.25, {"_map_pick": 3}),              # curve 3 = class 2, its 2nd image
    ("Gaps click: curve", 3, {"gaps_on": "ae", "gaps_z1": 0.5, "gaps_z2": -0.5}),
    ("Lesson keys: step", 1, {"lesson_step": 1}),
    ("flipbook: index", 4, {"book_at": 4}),
])
def test_a_well_formed_component_value_is_taken_without_a_toast(fake_session, handler, value, expected):
    state, toasts = fake_session
    place, take, _ = _handlers()[handler]
    state.update(place(value))
    take()
    written = {k: (state[k][1].index if k == "_map_pick" else state[k]) for k in expected}
    assert written == expected and not toasts
