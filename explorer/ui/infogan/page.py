"""The InfoGAN codes page: steer the generator with c1, c2, c3; traverse them; read codes back off real images."""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer import names
from explorer.ui.infogan import gan, views
from explorer.ui.kit import figures, text
from explorer.ui.kit.panels import image_panel
from explorer.ui.shell import categories, guards, sidebar, url
from explorer.ui.widgets import codes as code_controls


def view() -> None:
    ds = sidebar.current_dataset()
    name = names.model_name(ds, "infogan")
    if name not in explorer.list_models():
        st.warning(f"No InfoGAN checkpoint is shipped for {explorer.DATASETS[ds].title} yet "
                   f"(`python -m explorer.train {name}`).")
        st.stop()
    trained = guards.model_or_stop(name).trained_range
    lo, hi = trained
    images, labels = guards.test_set_or_stop(ds)
    classes = explorer.DATASETS[ds].classes
    labels_c = categories.code_names(name)
    st.caption("The InfoGAN draws an image from random noise plus three codes you can set: **c1** picks one of 10 "
               f"categories, **c2** and **c3** are sliders it was trained on from {text.signed(lo)} to {text.signed(hi)}. "
               "Nobody told it what the "
               "codes mean; it found factors it can read back off its own images. Each category is paired with one "
               f"class and named after it, or shown as *mixed* when fewer than {categories.PURE_MIN:.0%} of its images "
               "read as that class.",
               help="InfoGAN (Chen et al. 2016): a generator G fed noise z and codes c; a second network Q learns to "
                    "read c back off G's images, which pushes G to make the codes visible. Categories are matched to "
                    "classes one-to-one by the Hungarian algorithm on Q's reading of the test images; the share of a "
                    "category's samples that reads as its class comes from the classifier (100 samples each).")

    seed_col, button_col, _ = st.columns([2, 1, 4], vertical_alignment="bottom")
    st.session_state.setdefault(gan.SEED_KEY, 0)        # no widget default: "New noise" sets the value through state
    seed_col.number_input("Noise seed", min_value=0, max_value=gan.SEED_MAX, **url.shared(gan.SEED_KEY),
                          help="The noise vector z every image here uses.")
    button_col.button("New noise", icon=":material/casino:", key=gan.NEW_NOISE_KEY, on_click=views.bump,
                      args=(gan.SEED_KEY,))
    seed = int(st.session_state[gan.SEED_KEY])
    steer(name, seed, labels_c, trained)

    st.subheader("Traversals")
    st.caption("Rows: the categories, in the order of their classes. Columns move one code from "
               f"{text.signed(code_controls.SLIDER[0])} to {text.signed(code_controls.SLIDER[1])} with the other at 0; the shaded columns "
               f"lie outside the range {text.span(lo, hi)} the model was trained on.")
    values = gan.sweep_values()
    for code, column in zip(("c2", "c3"), st.columns(2)):
        with column:
            st.markdown(f"**{labels_c[code]}**")
            st.plotly_chart(views.traversal_figure(name, code, seed, values), key=f"gan_strip_{code}",
                            config={"displayModeBar": False})

    st.subheader("Read-back")
    st.caption("The InfoGAN's reader (Q) guesses the codes of a real test image; the generator then draws those codes "
               "with the noise above.")
    pick_col, _ = st.columns([2, 5])
    st.session_state.setdefault(gan.READ_INDEX_KEY, 0)  # no widget default: "Random test image" sets it through state
    index = pick_col.number_input("Test image #", 0, len(labels) - 1, **url.shared(gan.READ_INDEX_KEY))
    st.button("Random test image", icon=":material/shuffle:", key="gan_random_image", on_click=views.randomise,
              args=(gan.READ_INDEX_KEY, len(labels)))
    real, read, regenerated = gan.read_back(name, int(index), seed)
    a, b, c = st.columns([1, 1, 2])
    with a:
        image_panel(real, f"real: {classes[labels[index]]}", 168)
    with b:
        image_panel(regenerated, "drawn from Q's codes", 168)
    with c:
        st.markdown(categories.read_back_caption(name, read))
        st.button("Put these codes on the controls above", key="gan_use_codes", on_click=views.codes_to_controls,
                  args=(int(np.argmax(read[:10])), float(read[10]), float(read[11])))

    st.subheader("Categories and classes")
    matching = categories.c1_matching(name)
    st.caption(f"How many test images of each class (columns) Q puts in each category (rows). Each category is paired "
               f"with one class (outlined), the pairing that gets the most images right: with it, the category names "
               f"the class of **{matching['accuracy']:.1%}** of the test images.",
               help=f"The one-to-one pairing is found by the Hungarian algorithm; the counts come from "
                    f"{matching['source']}.")
    st.plotly_chart(figures.confusion(matching["counts"], matching["mapping"], classes,
                                      row_labels=[categories.category_label(name, c) for c in range(10)]),
                    key="gan_confusion", config={"displayModeBar": False})


@st.fragment
def steer(name: str, seed: int, labels_c: dict, trained: tuple[float, float]) -> None:
    """c1, c2, c3 -> one large image; reruns alone when a control moves."""
    st.session_state.setdefault(gan.C1_KEY, categories.categories_by_class(name)[0])  # read-back sets it too
    url.read(*gan.SHARED_CODES)                       # c2, c3 from a link, before the controls show them
    c1 = st.segmented_control("c1: the category (named after its class)", categories.categories_by_class(name),
                              required=True, **url.shared(gan.C1_KEY),
                              format_func=lambda c: categories.category_label(name, c))
    shown = code_controls.Codes(name, int(c1), seed, labels_c, gan.CODE_KEYS, trained,
                                gan.image_caption(name, int(c1), seed))
    code_controls.show(shown, gan.LIVE_CODES_KEY, gan.take_live_codes, gan.switches(name, int(c1), seed),
                       lambda c2, c3: gan.generate(name, int(c1), c2, c3, seed), categories.purity_note(name, int(c1)))
    url.write(*gan.SHARED_CODES)
