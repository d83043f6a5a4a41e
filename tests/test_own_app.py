"""AppTest over the Your own page: an example image on both datasets shows every model's reading, the numbers are
the models' own (explorer.readings on the prepared image), the ring sits at the image's codes, and an empty
canvas or a bad example asks for an image instead of failing."""

from __future__ import annotations

import numpy as np
import pytest

import explorer
from explorer import own_image, readings
from explorer.checkpoints import checkpoint_name
from explorer.ui import own_data

from .test_app import changes, need, run
from .test_live_app import components, data

PAGE = "pages/04_Your_own.py"


def need_all(ds: str) -> None:
    need(*(checkpoint_name(ds, k, d) for k, d in own_data.AUTOENCODERS), checkpoint_name(ds, "classifier"),
         checkpoint_name(ds, "infogan"))


@pytest.mark.parametrize("ds", ["mnist", "fashion"])
def test_an_example_shows_every_models_reading_and_the_rings_at_its_codes(ds):
    need_all(ds)
    at = run(PAGE, ds, live=True, state={"own_source": "Example"})
    assert not at.error and not at.warning, [e.value for e in (*at.error, *at.warning)]
    name = at.selectbox(key="own_example").value
    assert name.startswith(ds + "-")
    prepared = own_image.prepare(own_image.read_image(own_data.examples(ds)[name]), ds)
    classifier = explorer.load_model(checkpoint_name(ds, "classifier"))
    top = readings.top_classes(classifier, prepared.image)
    classes = explorer.DATASETS[ds].classes
    assert any(f"{classes[top[0][0]]}: **{top[0][1]:.0%}**" in m.value for m in at.markdown)
    (hover,) = components(at, "lse_hover")
    pins = {c["key"]: c["pin"] for c in data(hover)["charts"]}
    for kind in ("ae", "vae"):
        z = readings.code(explorer.load_model(checkpoint_name(ds, kind, 2)), prepared.image)
        assert np.allclose(pins[f"own_map_{kind}"], z, atol=1e-5)
    assert "own_map_16d" in pins
    captions = [i.caption for e in at.get("image") for i in e.proto.imgs]
    assert "G draws these codes (noise 0)" in captions and any(c.startswith("VAE · 16-D latent") for c in captions)


def test_the_shipped_mnist_examples_read_as_the_digits_they_show():
    need("mnist-classifier")
    classifier = explorer.load_model("mnist-classifier")
    for name, digit in (("mnist-seven-on-paper.png", 7), ("mnist-three-photo.jpg", 3)):
        prepared = own_image.prepare(own_image.read_image(own_data.examples("mnist")[name]), "mnist")
        assert prepared.inverted
        assert readings.top_classes(classifier, prepared.image)[0][0] == digit


def test_an_empty_canvas_asks_for_a_drawing():
    need_all("mnist")
    at = run(PAGE, "mnist", live=True)
    assert any("Draw a digit" in i.value for i in at.info)
    assert not components(at, "lse_hover"), "no rings before there is an image"
    assert len(at.get("plotly_chart")) == 3, "the maps are there to land on"


def test_the_map_method_and_the_background_choice_change_the_view():
    need_all("mnist")
    at = run(PAGE, "mnist", state={"own_source": "Example"})
    changes(at, lambda at: at.radio(key="own_map_method").set_value("umap"))
    changes(at, lambda at: at.selectbox(key="own_example").set_value("mnist-three-photo.jpg"))


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
    from explorer.ui.images import to_uint8

    assert np.array_equal(sprite_pixels(data(book)["panels"][0]["frames"][0]), to_uint8(prepared.image))
    assert any("Your own image" in c.value for c in at.caption)


def test_the_denoise_page_offers_no_own_image_before_there_is_one():
    need("mnist-dae", "mnist-ae-16d")
    at = run("pages/11_Denoise.py", "mnist")
    assert not [t for t in at.toggle if t.key == "denoise_own"]
