"""A student's own image: reading uploads safely (every bad input gets a clear error) and preparing images like
each dataset's, checked on synthetic images against known positions and moments, and on the MNIST test digits
themselves."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

import explorer
from explorer import own_image, readings
from explorer.own_image import ImageInputError

from .test_app import need


def encoded(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def line_image(dark_on_light: bool = False, size=(200, 120), offset=(30, 20)) -> np.ndarray:
    """A thick horizontal bar at a known place."""
    g = np.zeros((size[1], size[0]), np.float32)
    y, x = offset
    g[y:y + 10, x:x + 100] = 1.0
    return 1 - g if dark_on_light else g


# --- reading -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, mode", [("PNG", "L"), ("PNG", "RGB"), ("PNG", "RGBA"), ("JPEG", "RGB"),
                                       ("WEBP", "RGB"), ("GIF", "P"), ("PNG", "I;16"), ("JPEG", "CMYK")])
def test_every_supported_format_and_mode_reads_as_grey_in_range(fmt, mode):
    base = Image.fromarray((line_image() * 255).astype(np.uint8))
    img = base.convert(mode) if mode != "I;16" else Image.fromarray((line_image() * 65535).astype(np.uint16))
    grey = own_image.read_image(encoded(img, fmt))
    assert grey.shape == (120, 200) and grey.dtype == np.float32
    assert np.isfinite(grey).all() and 0 <= grey.min() and grey.max() <= 1
    assert grey[35, 80] > 0.8 and grey[80, 20] < 0.2       # the bar is bright, the background dark


def test_transparency_is_composited_onto_white():
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[10:20, 10:30] = (0, 0, 0, 255)                       # black ink, transparent elsewhere
    grey = own_image.read_image(encoded(Image.fromarray(rgba, "RGBA")))
    assert grey[15, 15] == 0.0 and grey[30, 30] == 1.0


def test_an_animated_gif_gives_its_first_frame():
    frames = [Image.fromarray(np.full((30, 30), v, np.uint8)) for v in (200, 10)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    assert own_image.read_image(buf.getvalue()).mean() > 0.7


def upright_shape() -> np.ndarray:
    """An L: a bar along the top and a bar down the left, on black (no rotation or mirror of it equals it)."""
    g = np.zeros((60, 40), np.float32)
    g[5:15, 5:35] = 1.0
    g[15:55, 5:12] = 1.0
    return g


def test_a_phone_portrait_with_exif_orientation_6_reads_upright():
    upright = upright_shape()
    stored = Image.fromarray((upright * 255).astype(np.uint8)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6                                          # "rotate 90° clockwise to display"
    grey = own_image.read_image(encoded(stored, "JPEG", exif=exif, quality=95))
    assert grey.shape == upright.shape
    assert np.abs(grey - upright).mean() < 0.02


def twelve_megapixel_photo(fmt: str = "JPEG", orientation: int = 1) -> tuple[bytes, np.ndarray]:
    """A 4000 x 3000 photo (stored sideways when ``orientation`` is 6) of the upright L shape, scaled up 75 times, as
    a JPEG under the 2 MB upload limit or a PNG; and the upright shape."""
    shape = upright_shape()
    big = Image.fromarray((shape * 255).astype(np.uint8)).resize((3000, 4000), Image.Resampling.NEAREST)
    exif = Image.Exif()
    if orientation == 6:
        big = big.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    return encoded(big.convert("RGB"), fmt, exif=exif, **({"quality": 70} if fmt == "JPEG" else {})), shape


@pytest.mark.parametrize("fmt, orientation", [("JPEG", 1), ("JPEG", 6), ("PNG", 1)])
def test_a_twelve_megapixel_photo_is_read_scaled_down_to_512_pixels_upright(fmt, orientation):
    """A phone's 12 MP photo comes back with its longest side 512 (a JPEG decoded at reduced scale), upright, and
    the same picture as the full-size image scaled down."""
    data, shape = twelve_megapixel_photo(fmt, orientation)
    assert len(data) <= own_image.MAX_BYTES
    grey = own_image.read_image(data)
    assert grey.shape == (512, 384) and grey.dtype == np.float32
    small = np.asarray(Image.fromarray((shape * 255).astype(np.uint8)).resize((384, 512), Image.Resampling.BOX),
                       np.float32) / 255
    assert np.abs(grey - small).mean() < 0.02


def test_an_image_no_larger_than_512_pixels_keeps_its_size():
    assert own_image.read_image(encoded(Image.new("L", (512, 300), 200))).shape == (300, 512)


def test_a_multi_picture_jpeg_reads_as_its_first_picture():
    first = Image.fromarray((upright_shape() * 255).astype(np.uint8))
    other = Image.new("L", first.size, 128)
    data = encoded(first, "MPO", save_all=True, append_images=[other], quality=95)
    assert Image.open(io.BytesIO(data)).format == "MPO"
    grey = own_image.read_image(data)
    assert np.abs(grey - upright_shape()).mean() < 0.02


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"this is not an image at all", "not an image"),
    (encoded(Image.new("L", (64, 64), 128))[:60], "damaged or truncated"),
    (encoded(Image.new("L", (64, 64)), "BMP"), "not supported"),
])
def test_bad_files_get_a_clear_error(data, message):
    with pytest.raises(ImageInputError, match=message):
        own_image.read_image(data)


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened():
    with pytest.raises(ImageInputError, match="the limit is 2 MB"):
        own_image.read_image(b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1))


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded():
    bomb = encoded(Image.new("L", (5000, 5000)), optimize=True)    # 25 M pixels in ~25 KB
    assert len(bomb) < 100_000
    with pytest.raises(ImageInputError, match="5000 × 5000 pixels"):
        own_image.read_image(bomb)


def test_a_decompression_bomb_is_refused():
    Image.MAX_IMAGE_PIXELS, before = 1000, Image.MAX_IMAGE_PIXELS
    try:
        with pytest.raises(ImageInputError):
            own_image.read_image(encoded(Image.new("L", (100, 100))), max_pixels=10**9)
    finally:
        Image.MAX_IMAGE_PIXELS = before


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(extra: bytes, after_pixels: bool) -> bytes:
    """An 8 x 8 grey PNG with ``extra`` chunks before or after its pixels (IDAT)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"".join(b"\0" + bytes(range(0, 240, 30)) for _ in range(8))))
    body = [header, pixels, extra] if after_pixels else [header, extra, pixels]
    return b"\x89PNG\r\n\x1a\n" + b"".join(body) + png_chunk(b"IEND", b"")


INFLATES_TO_50_MB = zlib.compress(bytes(50_000_000), 9)
METADATA_BOMBS = {
    "iCCP": png_chunk(b"iCCP", b"profile\0\0" + INFLATES_TO_50_MB),
    "zTXt": png_chunk(b"zTXt", b"Comment\0\0" + INFLATES_TO_50_MB),
    "iTXt": png_chunk(b"iTXt", b"Comment\0\1\0\0\0" + INFLATES_TO_50_MB),
    "70 zTXt of 1 MB": b"".join(png_chunk(b"zTXt", b"C%d\0\0" % i + zlib.compress(bytes(1_000_000), 9))
                                for i in range(70)),
}


@pytest.mark.parametrize("after_pixels", [False, True], ids=["before pixels", "after pixels"])
@pytest.mark.parametrize("what", list(METADATA_BOMBS))
def test_a_png_whose_metadata_inflates_past_the_limits_is_refused_in_one_sentence(what, after_pixels):
    data = png_with(METADATA_BOMBS[what], after_pixels)
    assert len(data) < 80_000
    with pytest.raises(ImageInputError, match=r"^The image carries a metadata block .* cannot be opened safely\.$"):
        own_image.read_image(data)


def test_the_crafted_png_reads_without_its_bomb():
    grey = own_image.read_image(png_with(png_chunk(b"tEXt", b"Comment\0small"), after_pixels=False))
    assert grey.shape == (8, 8) and grey[0, 1] == pytest.approx(30 / 255)


def test_the_upload_limit_is_streamlits():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == own_image.MAX_BYTES


# --- preparing -----------------------------------------------------------------------------------------------------

def test_mnist_preparation_scales_the_longer_side_to_20_and_centres_the_mass():
    prepared = own_image.prepare(line_image(), "mnist")
    out = prepared.image
    assert out.shape == (28, 28) and out.dtype == np.float32 and np.isfinite(out).all()
    cols = np.flatnonzero(out.max(0) > 0.1)
    assert 19 <= len(cols) <= 21                               # the bar's length: the longer side, 20 px
    cy, cx = own_image.centre_of_mass(out)
    assert abs(cy - 13.5) <= 0.5 and abs(cx - 13.5) <= 0.5
    assert [s[0] for s in prepared.steps] == ["your image", "cropped to the ink", "longer side 20 px",
                                              "centre of mass at the centre of 28 × 28"]


def test_where_the_ink_was_does_not_matter():
    a = own_image.prepare(line_image(offset=(5, 5)), "mnist").image
    b = own_image.prepare(line_image(offset=(90, 95)), "mnist").image
    assert np.abs(a - b).max() < 1e-5


def test_a_dark_on_light_photo_is_detected_and_inverted():
    prepared = own_image.prepare(line_image(dark_on_light=True) * 0.8 + 0.1, "mnist")
    assert prepared.inverted and prepared.steps[1][0] == "inverted: light on black"
    assert np.abs(prepared.image - own_image.prepare(line_image(), "mnist").image).max() < 0.05



def test_invert_can_be_forced():
    assert own_image.prepare(line_image(), "mnist", invert=False).inverted is False
    forced = own_image.prepare(line_image(dark_on_light=True), "mnist", invert=True)
    assert forced.inverted and forced.image.max() == pytest.approx(1.0)


def test_fashion_preparation_fills_28_px_and_centres_the_box():
    out = own_image.prepare(line_image(), "fashion").image
    cols = np.flatnonzero(out.max(0) > 0.1)
    rows = np.flatnonzero(out.max(1) > 0.1)
    assert len(cols) == 28 and abs((rows[0] + rows[-1]) / 2 - 13.5) <= 0.5


@pytest.mark.parametrize("grey", [np.zeros((50, 50)), np.full((50, 50), 0.6), np.ones((20, 30))])
def test_a_blank_or_uniform_image_is_refused(grey):
    with pytest.raises(ImageInputError, match="blank"):
        own_image.prepare(grey.astype(np.float32), "mnist")


def pad_event(ink: np.ndarray) -> dict:
    """What the drawing pad sends (explorer/ui/draw/draw.js): its side, and base64 of uint8 ink row by row."""
    h, w = ink.shape
    return {"w": w, "h": h, "data": base64.b64encode(np.asarray(ink, np.uint8).tobytes()).decode()}


def test_the_pads_ink_is_read_back_exactly_and_prepared_like_a_digit():
    ink = np.zeros((112, 96), np.uint8)
    ink[20:90, 40:52] = 255                                  # a vertical bar: a 1
    ink[30, 10] = 128
    grey = own_image.drawn_ink(pad_event(ink))
    assert grey.shape == (112, 96) and grey.dtype == np.float32
    assert grey[50, 45] == 1.0 and grey[30, 10] == pytest.approx(128 / 255) and grey[5, 5] == 0.0
    prepared = own_image.prepare(grey, "mnist")
    assert not prepared.inverted
    rows = np.nonzero(prepared.image.max(1) > 0.5)[0]
    assert 19 <= len(rows) <= 21                             # the longer side scaled to 20 px


def test_no_drawing_is_none():
    assert own_image.drawn_ink(None) is None


GOOD = pad_event(np.full((16, 16), 200, np.uint8))
BAD_EVENTS = {
    "a list": [GOOD],
    "text": "iVBORw0KGgo=",
    "a number": 3,
    "width as text": {**GOOD, "w": "16"},
    "width as a float": {**GOOD, "w": 16.0},
    "width as a bool": {**GOOD, "w": True, "h": True},
    "no height": {"w": 16, "data": GOOD["data"]},
    "too small": pad_event(np.full((4, 4), 200, np.uint8)),
    "negative": {**GOOD, "w": -16, "h": -16},
    "absurdly large": {"w": 10**9, "h": 10**9, "data": GOOD["data"]},
    "pixels as bytes": {**GOOD, "data": base64.b64decode(GOOD["data"])},
    "pixels as a list": {**GOOD, "data": [200] * 256},
    "no pixels": {**GOOD, "data": None},
    "too few pixels": {**GOOD, "h": 17},
    "too many characters": {**GOOD, "data": GOOD["data"] + "AAAA"},
    "not base64": {**GOOD, "data": "!" * len(GOOD["data"])},
    "whitespace inside": {**GOOD, "data": " " + GOOD["data"][1:]},
    "padding inside": {**GOOD, "data": "=" + GOOD["data"][1:]},
}


@pytest.mark.parametrize("what", list(BAD_EVENTS))
def test_a_malformed_pad_event_is_refused_with_a_reason(what):
    with pytest.raises(ImageInputError) as refused:
        own_image.drawn_ink(BAD_EVENTS[what])
    assert str(refused.value)


def test_a_pad_event_is_sized_before_it_is_decoded(monkeypatch):
    """An absurd size or a text of the wrong length is refused without decoding (or allocating) anything."""
    def decode(*args, **kwargs):
        raise AssertionError("decoded before its size was checked")

    monkeypatch.setattr(own_image.base64, "b64decode", decode)
    for what in ("absurdly large", "too few pixels", "too many characters"):
        with pytest.raises(ImageInputError):
            own_image.drawn_ink(BAD_EVENTS[what])


# --- a drawing as link text ------------------------------------------------------------------------------------

SIDE = 112                 # the pad's (explorer.ui.widgets.draw.SIDE)


def drawn_digit() -> np.ndarray:
    """A round-ended 8-ish stroke, anti-aliased, as the pad's uint8 ink."""
    img = Image.new("L", (4 * SIDE, 4 * SIDE), 0)
    from PIL import ImageDraw

    t = np.linspace(0, 2 * np.pi, 61)
    points = list(zip(4 * SIDE * (0.5 + 0.2 * np.sin(2 * t)), 4 * SIDE * (0.5 - 0.35 * np.cos(t))))
    ImageDraw.Draw(img).line(points, fill=255, width=36, joint="curve")
    return np.asarray(img.resize((SIDE, SIDE), Image.BOX))


def link(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def test_a_drawing_round_trips_through_its_link_text_exactly_and_briefly():
    ink = drawn_digit()
    assert 0.1 < (ink > 0).mean() < 0.4 and len(np.unique(ink)) > 10       # a digit with anti-aliased edges
    text = own_image.ink_text(ink)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert len(text) < 2_000
    back = own_image.ink_from_text(text, SIDE)
    assert back.dtype == np.uint8 and np.array_equal(back, ink)
    noise = np.random.default_rng(0).integers(0, 256, (SIDE, SIDE), dtype=np.uint8)   # zlib's worst case
    assert np.array_equal(own_image.ink_from_text(own_image.ink_text(noise), SIDE), noise)
    assert len(own_image.ink_text(noise)) <= own_image.ink_text_max(SIDE) < 17_000


BAD_LINKS = {
    "empty": "",
    "one character": "A",
    "too long": "A" * (own_image.ink_text_max(SIDE) + 4),
    "padding": link(bytes(SIDE * SIDE)) + "==",
    "standard base64": link(bytes(SIDE * SIDE)).replace("-", "+").replace("_", "/") + "+/",
    "a space": " " + link(bytes(SIDE * SIDE)),
    "markup": "<script>alert(1)</script>",
    "not zlib": base64.urlsafe_b64encode(bytes(range(200))).decode(),
    "too few levels": link(bytes(SIDE * SIDE - 1)),
    "too many levels": link(bytes(SIDE * SIDE + 1)),
    "another side": link(bytes(28 * 28)),
    "a zlib bomb": link(b"\xff" * 10_000_000),
    "cut short": link(bytes(SIDE * SIDE))[:-4],
    "data after the stream": link(bytes(SIDE * SIDE)) + "AAAA",
}


@pytest.mark.parametrize("what", list(BAD_LINKS))
def test_a_malformed_link_drawing_is_refused(what):
    with pytest.raises(ImageInputError) as refused:
        own_image.ink_from_text(BAD_LINKS[what], SIDE)
    assert str(refused.value)


def test_a_zlib_bomb_is_stopped_while_it_inflates(monkeypatch):
    """10 MB of ink compress to a link short enough to pass the length check: inflating stops at one level more
    than the pad holds; text of the wrong length or alphabet is refused before it is decoded."""
    bomb = BAD_LINKS["a zlib bomb"]
    assert len(bomb) <= own_image.ink_text_max(SIDE)
    asked, inflater = [], zlib.decompressobj

    class Bounded:
        def __init__(self):
            self.inner = inflater()

        def decompress(self, data, max_length=0):
            asked.append(max_length)
            out = self.inner.decompress(data, max_length)
            assert len(out) <= SIDE * SIDE + 1
            return out

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(own_image.zlib, "decompressobj", Bounded)
    with pytest.raises(ImageInputError):
        own_image.ink_from_text(bomb, SIDE)
    assert asked == [SIDE * SIDE + 1]

    def decode(*args, **kwargs):
        raise AssertionError("decoded before its length and alphabet were checked")

    monkeypatch.setattr(own_image.base64, "urlsafe_b64decode", decode)
    for what in ("too long", "padding", "standard base64", "markup", "empty"):
        with pytest.raises(ImageInputError):
            own_image.ink_from_text(BAD_LINKS[what], SIDE)


def test_mnist_preparation_keeps_the_classifiers_accuracy_on_the_test_digits():
    """The issue's proof that the preparation matches the data: the MNIST classifier on the test digits passed
    through it (re-cropped, re-scaled, re-centred) is within 1 point of its accuracy on the originals."""
    need("mnist-classifier")
    images, labels = explorer.load_dataset("mnist", "test")
    x = images.astype(np.float32) / 255
    prepared = np.stack([own_image.prepare(im, "mnist", invert=False).image for im in x])
    classifier = explorer.load_model("mnist-classifier")
    accuracy = lambda a: float((classifier.predict_proba(torch.from_numpy(a[:, None])).argmax(1).numpy()  # noqa
                                == labels).mean())
    assert abs(accuracy(prepared) - accuracy(x)) <= 0.01


# --- readings ------------------------------------------------------------------------------------------------------

def test_a_point_on_a_mapped_one_lands_exactly_there_and_others_between_neighbours():
    vectors = np.array([[0, 0], [10, 0], [0, 10]], np.float32)
    coords = np.array([[1, 1], [5, 1], [1, 5]], np.float64)
    assert np.allclose(readings.place_on_map(vectors[1], vectors, coords, k=2), [5, 1])
    xy = readings.place_on_map(np.array([5, 0]), vectors, coords, k=2)
    assert np.allclose(xy, [3, 1])


def test_nearest_images_of_a_test_image_start_with_itself():
    images = np.random.default_rng(0).integers(0, 256, (20, 28, 28)).astype(np.uint8)
    order, distances = readings.nearest_images(images[7] / 255.0, images, k=3)
    assert order[0] == 7 and distances[0] < 1e-5 and list(distances) == sorted(distances)
