"""Inside the models: the page's one view. A part chooser (in the URL) and, for the parts that take an image, the
image chooser (a test image by class and example, or the image drawn on Your own)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.ui.inside import data, views
from explorer.ui.shell import guards, last_image, presenter, sidebar, url

PART_KEY = "inside_part"
CLASS_KEY = "inside_class"
EXAMPLE_KEY = "inside_example"
SOURCE_KEY = "inside_source"
PARTS = {"vae": "VAE & autoencoder", "loss": "Loss of this image", "prior": "Prior vs all posteriors",
         "infogan": "InfoGAN", "dae": "Denoising AE"}
OWN = "Your own image"
TEST = "Test image"


PRESENT_KEY = "inside_present"
# Smaller margins and title on this page (a diagram needs the width and height of one screen); presenter mode
# (explorer.ui.shell.presenter) also hides the sidebar and enlarges the text, as the Lesson's does.
COMPACT = """<style>
[data-testid=stMainBlockContainer] { padding-top: 3.6rem; padding-bottom: 1rem; }
[data-testid=stMainBlockContainer] h1 { font-size: 1.6rem; padding: 0 0 .2rem; }
</style>"""


def view() -> None:
    ds = sidebar.current_dataset()
    st.html(COMPACT)
    top = st.columns([5.4, 1.5, 1.1, 1.3], vertical_alignment="bottom")
    part = top[0].segmented_control("Part", list(PARTS), format_func=PARTS.get, default="vae",
                                    **url.shared(PART_KEY)) or "vae"
    if top[3].toggle("Presenter mode", help="Hides the sidebar and enlarges the text; the link keeps it.",
                     **url.shared(PRESENT_KEY)):
        presenter.style()
    if part == "infogan":
        views.infogan_part(ds)
        return
    names = [data.ae_name(ds), data.vae_name(ds)] if part != "dae" else [views.dae_name(ds)]
    for name in names:
        guards.model_or_stop(name)
    guards.test_set_or_stop(ds)
    pixels, caption = image_picker(ds, top[1], top[2])
    if part == "dae":
        views.dae_part(ds, pixels, caption)
    elif part == "loss":
        views.loss_part(ds, pixels, caption)
    elif part == "prior":
        views.prior_part(ds, pixels, caption)
    else:
        views.vae_part(ds, pixels, caption)


def image_picker(ds: str, class_cell, example_cell) -> tuple[bytes, str]:
    """The input image as uint8 [28, 28] bytes and its caption: a test image by class and example, or the image
    drawn on Your own (offered when there is one)."""
    classes = data.class_names(ds)
    own = last_image.last(ds)
    if own is not None:
        if st.radio("Input", [TEST, OWN], horizontal=True, key=SOURCE_KEY, label_visibility="collapsed") == OWN:
            return own, "your own image"
    cls = class_cell.selectbox("Class", range(len(classes)), format_func=lambda i: classes[i], **url.shared(CLASS_KEY))
    count = len(data.class_indices(ds, cls))
    example = example_cell.number_input("Example", 0, 9999, 0, 1, help=f"{count} test images of this class (wraps)",
                                   **url.shared(EXAMPLE_KEY))
    index = data.pick(ds, cls, int(example))
    images, _ = guards.test_set_or_stop(ds)
    return np.ascontiguousarray(images[index]).tobytes(), f"test image #{index}: {classes[cls]}"
