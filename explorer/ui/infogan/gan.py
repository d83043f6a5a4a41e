"""InfoGAN page glue: generation, the live codes' switch frames, traversal strips and read-back. Categories are
named by :mod:`explorer.ui.shell.categories`."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer import live as live_core
from explorer.latent import infogan_generate, infogan_noise, infogan_read_codes, infogan_traversal

from explorer.ui.kit import values
from explorer.ui.kit.images import mosaic
from explorer.ui.shell import cache, url
from explorer.ui.widgets import codes
from explorer.ui.shell.categories import categories_by_class, category_words

SEED_MAX = 99_999               # the noise seed control's largest value
# The page's session state (and URL) keys: the controls, and the live sliders' component.
C1_KEY, SEED_KEY, NEW_NOISE_KEY, READ_INDEX_KEY = "gan_c1", "gan_seed", "gan_new_noise", "gan_read_index"
CODE_KEYS = {"c2": "gan_c2", "c3": "gan_c3"}
LIVE_CODES_KEY = "gan_codes"
# c2 and c3 in the page URL (they are not one widget: the live sliders or Streamlit's show them)
SHARED_CODES = tuple(url.number(key, *codes.SLIDER, step=live_core.CODE_STEP) for key in CODE_KEYS.values())
@st.cache_data(show_spinner=False, max_entries=2048)
def generate(name: str, c1: int, c2: float, c3: float, seed: int) -> np.ndarray:
    """One image [28, 28] for codes c1, c2, c3 and the noise of ``seed``."""
    model = cache.model(name)
    return infogan_generate(model, [c1], [c2], [c3], infogan_noise(model, seed))[0]


def image_caption(name: str, c1: int, seed: int) -> str:
    """The generated image's caption: the category in words (what it draws) and the noise seed."""
    return f"category {c1} {category_words(name)[c1]} · noise seed {seed}"


def switches(name: str, c1: int, seed: int) -> dict:
    """What the live codes show at once when the page's category control (:data:`C1_KEY`) or its "New noise" button
    (:data:`NEW_NOISE_KEY`, while the next seed exists) is clicked: see :func:`explorer.ui.widgets.live.codes`."""
    categories = categories_by_class(name)
    return {"c1_key": C1_KEY, "categories": categories,
            "captions": [image_caption(name, c, seed) for c in categories],
            "seed_key": NEW_NOISE_KEY if seed < SEED_MAX else None, "seed_caption": image_caption(name, c1, seed + 1)}


def take_live_codes() -> None:
    """Callback of the live sliders (:data:`LIVE_CODES_KEY`): their released values become the page's c2, c3 (a
    value that is not a number in the sliders' range is dropped with a toast)."""
    reported = values.reported(LIVE_CODES_KEY, "codes")
    if reported is None:
        return
    bad = []
    for code, key in CODE_KEYS.items():
        value = values.finite_number(values.field(reported, code), *live_core.CODE_RANGE)
        if value is None:
            bad.append(code)
        else:
            st.session_state[key] = live_core.snap_code(value)
    if bad:
        values.ignored(f"a value of {' and '.join(bad)} that was not a number from {live_core.CODE_RANGE[0]:g} "
                       f"to {live_core.CODE_RANGE[1]:g}")


def sweep_values(n: int = 9) -> np.ndarray:
    return np.linspace(*codes.SLIDER, n)


@st.cache_data(show_spinner="Drawing traversals…", max_entries=64)
def traversal(name: str, code: str, seed: int, n: int = 9) -> np.ndarray:
    """A mosaic: rows are the categories in class order, columns sweep ``code`` ("c2" or "c3") over −2…2 with the
    other continuous code at 0 and one noise vector."""
    model = cache.model(name)
    return mosaic(infogan_traversal(model, categories_by_class(name), code, sweep_values(n),
                                    infogan_noise(model, seed)), cols=n)


@st.cache_resource(show_spinner=False, max_entries=256)   # shared and read-only, like generate's images
def read_back(name: str, index: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(real test image, Q's codes [12]: c1 logits then c2 and c3, the image G draws from those codes); the page
    shows it on every run, so Q reads each (image, seed) once per server."""
    images, _ = cache.dataset(cache.model(name).dataset, "test")
    codes = infogan_read_codes(cache.model(name), images[index:index + 1])[0]
    c1 = int(codes[:10].argmax())
    return images[index], codes, generate(name, c1, float(codes[10]), float(codes[11]), seed)
