"""AppTest over the Your own page: an example image on both datasets shows every model's reading, the numbers are
the models' own (explorer.readings on the prepared image), the ring sits at the image's codes; an empty pad asks
for a drawing, a drawing from the pad (a simulated pad value) is read like an example, and a crafted pad
event is ignored with a warning instead of failing. A page URL with the drawing (``own_ink``) reads it exactly as the
same drawing from the pad and sends it to the pad; a crafted one is ignored with a note; the source, the example and
the map method are read from the URL. An upload the server no longer holds (a restart) says so."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest
from PIL import Image

import explorer
from explorer import own_image, readings
from explorer.names import model_name
from explorer.ui.own import data as own_data
from explorer.ui.widgets import draw
from explorer.ui.kit.images import to_uint8

from .test_app import changes, need, run
from .test_live_app import components, data
from .test_url import open_link

PAGE = "pages/04_Your_own.py"


def need_all(ds: str) -> None:
    need(*(model_name(ds, k, d) for k, d in own_data.AUTOENCODERS), model_name(ds, "classifier"),
         model_name(ds, "infogan"))


@pytest.mark.parametrize("ds", ["mnist", "fashion"])
def test_an_example_shows_every_models_reading_and_the_rings_at_its_codes(ds):
    need_all(ds)
    at = run(PAGE, ds, live=True, state={"own_source": "Example"})
    assert not at.error and not at.warning, [e.value for e in (*at.error, *at.warning)]
    name = at.selectbox(key="own_example").value
    assert name.startswith(ds + "-")
    prepared = own_image.prepare(own_image.read_image(own_data.examples(ds)[name]), ds)
    classifier = explorer.load_model(model_name(ds, "classifier"))
    top = readings.top_classes(classifier, prepared.image)
    classes = explorer.DATASETS[ds].classes
    assert any(f"{classes[top[0][0]]}: **{top[0][1]:.0%}**" in m.value for m in at.markdown)
    (hover,) = components(at, "lse_hover")
    pins = {c["key"]: c["pin"] for c in data(hover)["charts"]}
    assert all(pins.values())
    for kind in ("ae", "vae"):
        z = readings.code(explorer.load_model(model_name(ds, kind, 2)), prepared.image)
        assert np.allclose(pins[f"own_map_{kind}"], z, atol=1e-5)
    assert "own_map_16d" in pins
    rows = html_rows(at)
    assert "G draws these codes (noise 0)" in rows["own-regenerated"]
    assert sum(c.startswith("VAE · 16-D latent") for c in rows["own-reconstructions"]) == 1
    assert len(rows["own-reconstructions"]) == 5 and len(rows["own-nearest"]) == 5
    assert rows["own-steps"] == [what for what, _ in prepared.steps]


def html_rows(at) -> dict[str, list[str]]:
    """The page's image rows (explorer/ui/own_html.py) by class: each image's caption."""
    out = {}
    for element in at.get("html"):
        match = re.match(r'<div class="(own-[a-z]+)"', element.proto.body)
        if match:
            out[match.group(1)] = [html.unescape(c) for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>",
                                                                         element.proto.body)]
    return out


def drawn_seven() -> np.ndarray:
    """The shipped seven on paper as the pad would send it: light ink on nothing, SIDE x SIDE, uint8."""
    grey = own_image.read_image(own_data.examples("mnist")["mnist-seven-on-paper.png"])
    img = Image.fromarray(to_uint8(1 - grey)).resize((draw.SIDE, draw.SIDE), Image.LANCZOS)
    return np.asarray(img)


@pytest.mark.parametrize("live", [True, False])
def test_a_drawing_from_the_pad_is_read_by_every_model_and_rings_land_at_its_codes(live):
    need_all("mnist")
    ink = drawn_seven()
    event = {"w": draw.SIDE, "h": draw.SIDE, "data": base64.b64encode(ink.tobytes()).decode()}
    at = run(PAGE, "mnist", live=live, state={"own_draw": {"ink": event}})
    assert not at.error and not at.warning, [e.value for e in (*at.error, *at.warning)]
    (pad,) = components(at, "lse_draw")
    assert data(pad)["side"] == draw.SIDE
    prepared = own_image.prepare(ink.astype(np.float32) / 255, "mnist")
    top = readings.top_classes(explorer.load_model("mnist-classifier"), prepared.image)
    assert top[0][0] == 7
    assert any(f"7: **{top[0][1]:.0%}**" in m.value for m in at.markdown)
    z = readings.code(explorer.load_model("mnist-vae-2d"), prepared.image)
    if live:                                   # the browser moves the rings
        (hover,) = components(at, "lse_hover")
        ring = {c["key"]: c["pin"] for c in data(hover)["charts"]}["own_map_vae"]
    else:                                      # the server draws them into the figures
        (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-own_map_vae")]
        figure = json.loads(chart.proto.spec)
        halo, marker = [t for t in figure["data"] if t.get("name") == "your image"]   # white under black
        assert [halo["x"][0], halo["y"][0]] == [marker["x"][0], marker["y"][0]]
        assert halo["marker"]["color"] == "white" and halo["marker"]["line"]["width"] > marker["marker"]["line"]["width"]
        ring = [marker["x"][0], marker["y"][0]]
    assert np.allclose(ring, z, atol=1e-5)
    rows = html_rows(at)
    assert rows["own-steps"][0] == "your image" and len(rows["own-reconstructions"]) == 5


@pytest.mark.parametrize("event", ["not a drawing", {"w": 112, "h": 112, "data": "@@@@"},
                                   {"w": 10**6, "h": 10**6, "data": ""}, [1, 2, 3]])
def test_a_crafted_pad_event_is_ignored_with_a_warning(event):
    need_all("mnist")
    at = run(PAGE, "mnist", live=True, state={"own_draw": {"ink": event}})
    assert not at.exception
    assert any("drawing could not be read" in w.value for w in at.warning)
    assert any("Draw a digit" in i.value for i in at.info)
    (hover,) = components(at, "lse_hover")
    assert [c["pin"] for c in data(hover)["charts"]] == [None] * 3 and "own-reconstructions" not in html_rows(at)


def test_the_shipped_mnist_examples_read_as_the_digits_they_show():
    need("mnist-classifier")
    classifier = explorer.load_model("mnist-classifier")
    for name, digit in (("mnist-seven-on-paper.png", 7), ("mnist-three-photo.jpg", 3)):
        prepared = own_image.prepare(own_image.read_image(own_data.examples("mnist")[name]), "mnist")
        assert prepared.inverted
        assert readings.top_classes(classifier, prepared.image)[0][0] == digit


def test_an_empty_pad_asks_for_a_drawing_and_shows_no_rings():
    need_all("mnist")
    at = run(PAGE, "mnist", live=True)
    assert any("Draw a digit" in i.value for i in at.info)
    (hover,) = components(at, "lse_hover")
    assert [c["pin"] for c in data(hover)["charts"]] == [None] * 3, "no rings before there is an image"
    assert len(at.get("plotly_chart")) == 3, "the maps are there to land on"


def test_the_map_method_and_the_background_choice_change_the_view():
    need_all("mnist")
    at = run(PAGE, "mnist", state={"own_source": "Example"})
    changes(at, lambda at: at.radio(key="own_map_method").set_value("umap"), "plotly_chart")
    changes(at, lambda at: at.selectbox(key="own_example").set_value("mnist-three-photo.jpg"),
            "markdown", "caption", "plotly_chart", "html")


def test_the_denoise_page_takes_your_own_image():
    need_all("mnist")
    need("mnist-dae")
    at = run(PAGE, "mnist", live=True, state={"own_source": "Example"})
    at.switch_page("pages/11_Denoise.py")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.toggle(key="denoise_own").set_value(True)
    at.run()
    (book,) = components(at, "lse_flipbook")
    name = "mnist-seven-on-paper.png"
    prepared = own_image.prepare(own_image.read_image(own_data.examples("mnist")[name]), "mnist")
    from .test_live_app import sprite_pixels
    from explorer.ui.kit.images import to_uint8

    assert np.array_equal(sprite_pixels(data(book)["panels"][0]["frames"][0]), to_uint8(prepared.image))
    assert any("Your own image" in c.value for c in at.caption)


def test_the_denoise_page_offers_no_own_image_before_there_is_one():
    need("mnist-dae", "mnist-ae-16d")
    at = run("pages/11_Denoise.py", "mnist")
    assert not [t for t in at.toggle if t.key == "denoise_own"]


# --- the view in the page URL ------------------------------------------------------------------------------------

def shown_readings(at) -> tuple:
    """What the page says about the image: its rows' captions, the markdown and the captions."""
    return html_rows(at), [m.value for m in at.markdown], [c.value for c in at.caption]


@pytest.mark.parametrize("live", [True, False])
def test_a_link_with_a_drawing_shows_it_on_the_pad_and_reads_it_as_if_just_drawn(live):
    need_all("mnist")
    ink = drawn_seven()
    event = {"w": draw.SIDE, "h": draw.SIDE, "data": base64.b64encode(ink.tobytes()).decode()}
    drawn = run(PAGE, "mnist", live=live, state={"own_draw": {"ink": event}})
    text = drawn.query_params["own_ink"]
    assert text == own_image.ink_text(ink) and len(text) < 3_000
    (pad,) = components(drawn, "lse_draw")
    assert data(pad)["base"] is None, "a drawing made on the pad is not sent back to it"
    linked = open_link(PAGE, {"own_ink": text}, live=live)
    assert not linked.error and not linked.warning and not linked.toast
    assert shown_readings(linked) == shown_readings(drawn)
    assert len(html_rows(linked)["own-reconstructions"]) == 5
    (pad,) = components(linked, "lse_draw")
    base = data(pad)["base"]
    assert base["rev"] == 1 and base64.b64decode(base["data"]) == ink.tobytes(), "the pad paints the linked ink"
    assert linked.query_params["own_ink"] == text
    linked.run()                                           # a rerun keeps the drawing, and does not re-send it new
    assert shown_readings(linked) == shown_readings(drawn)
    assert data(components(linked, "lse_draw")[0])["base"]["rev"] == 1


@pytest.mark.parametrize("text", ["", "A", "!!!!", "<script>", "A" * 20_000, "eJwDAAAAAAE",
                                  own_image.ink_text(np.zeros((28, 28), np.uint8)),
                                  own_image.ink_text(np.full(10_000_000, 255, np.uint8))])
def test_a_crafted_drawing_in_the_link_is_ignored_with_a_note(text):
    need_all("mnist")
    at = open_link(PAGE, {"own_ink": text})
    assert not at.error and not at.warning, [e.value for e in (*at.error, *at.warning)]
    assert any("Draw a digit" in i.value for i in at.info)
    assert "own_ink" not in at.query_params and "own-reconstructions" not in html_rows(at)
    assert data(components(at, "lse_draw")[0])["base"] is None
    if text:
        assert any("`own_ink` was ignored" in t.value for t in at.toast)


def test_the_source_the_example_and_the_map_method_are_read_from_the_link():
    need_all("mnist")
    ink = own_image.ink_text(drawn_seven())
    at = open_link(PAGE, {"own_source": "Example", "own_example": "mnist-three-photo.jpg", "own_map_method": "UMAP",
                          "own_ink": ink})                  # a radio's label names its option in the URL
    assert at.segmented_control(key="own_source").value == "Example"
    assert at.selectbox(key="own_example").value == "mnist-three-photo.jpg"
    assert at.radio(key="own_map_method").value == "umap"
    classifier = explorer.load_model("mnist-classifier")
    prepared = own_image.prepare(own_image.read_image(own_data.examples("mnist")["mnist-three-photo.jpg"]), "mnist")
    assert any(f"3: **{readings.top_classes(classifier, prepared.image)[0][1]:.0%}**" in m.value
               for m in at.markdown)
    assert "own_ink" not in at.query_params, "a drawing is in the link only while the pad is shown"
    assert at.query_params["own_source"] == "Example"
    upload = open_link(PAGE, {"own_source": "Upload"})
    assert upload.segmented_control(key="own_source").value == "Upload"
    assert any("cannot carry an uploaded file" in c.value for c in upload.caption)
    assert "own_ink" not in upload.query_params



def seven_png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.fromarray(to_uint8(drawn_seven())).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_upload_gone_after_a_server_restart_says_so(monkeypatch):
    """A reconnect after a restart (or to another replica): the browser still lists the file, the server no longer
    holds it. The page says "The server restarted; upload the image again." instead of asking for a drawing."""
    from streamlit.testing.v1 import AppTest

    need_all("mnist")
    at = run(PAGE, state={"own_source": "Upload"})
    at.file_uploader(key="own_upload").set_value(("seven.png", seven_png(), "image/png"))
    at.run()
    assert not at.warning and any(m.value.startswith("**The classifier reads it as**") for m in at.markdown)
    monkeypatch.setattr(AppTest, "_register_uploaded_files", lambda self, runner: None)   # an empty file store
    at.run()
    assert not at.exception
    assert [w.value.split("**")[1] for w in at.warning] == ["The server restarted; upload the image again."]
    assert not any(m.value.startswith("**The classifier reads it as**") for m in at.markdown)
    assert not any("Draw a digit" in i.value for i in at.info)
