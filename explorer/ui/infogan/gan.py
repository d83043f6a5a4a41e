"""InfoGAN page glue: the c1 category -> class matching, generation, traversal strips and read-back.

InfoGAN's categories come out in arbitrary order (the model never sees labels), so the app matches each category to
the class it draws most (Hungarian matching on Q's reading of the real test images) and labels c1 by that class.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer import live as live_core
from explorer.evaluate import PER_CATEGORY as PURITY_SAMPLES
from explorer.latent import infogan_generate, infogan_noise, infogan_read_codes
from explorer.metrics import confusion, match_categories

from explorer.ui.kit.images import mosaic
from explorer.ui.shell import cache, url

TRAINED = (-1.0, 1.0)           # the range c2 and c3 were sampled from in training
SLIDER = live_core.CODE_RANGE   # the c2 / c3 controls
SEED_MAX = 99_999               # the noise seed control's largest value
# c2 and c3 in the page URL (they are not one widget: the live sliders or Streamlit's show them)
SHARED_CODES = tuple(url.number(f"gan_{code}", *SLIDER, step=live_core.CODE_STEP) for code in ("c2", "c3"))
# A code is named after a factor only when the evaluation's sweep moves that factor clearly: below this |Spearman rho|
# (Fashion-MNIST's c3 slants its samples with rho -0.12) the name would teach something the model does not do.
FACTOR_MIN_RHO = 0.5
# A category is named after its matched class only when at least this share of its samples reads as that class;
# below it (five of Fashion-MNIST's ten categories) the label says the category is mixed, with the share.
PURE_MIN = 0.5


@st.cache_resource(show_spinner=False, max_entries=8)   # a resource, not data: read every slider step, not copied
def c1_matching(name: str) -> dict:
    """{"mapping": category -> class, "counts": [category][class], "accuracy", "source"} from the shipped
    evaluation when present, else computed here from Q's argmax over the test split."""
    ev = cache.metrics(name).get("eval", {})
    if "c1_mapping" in ev and "c1_confusion" in ev:
        counts = np.asarray(ev["c1_confusion"], np.int64)
        accuracy = ev.get("c1_accuracy", float(np.trace(counts[np.argsort(ev["c1_mapping"])]) / counts.sum()))
        return {"mapping": np.asarray(ev["c1_mapping"], np.int64), "counts": counts,
                "accuracy": float(accuracy), "source": "the shipped evaluation (metrics.json)"}
    _, labels = cache.dataset(cache.model(name).dataset, "test")
    pred = cache.test_vectors(name)[1][:, :10].argmax(1)
    mapping, accuracy = match_categories(pred, labels)
    return {"mapping": mapping, "counts": confusion(pred, labels), "accuracy": accuracy,
            "source": f"Q's reading of the {len(labels):,} test images (computed here)"}


def categories_by_class(name: str) -> list[int]:
    """The 10 categories ordered by the class each is matched to."""
    return [int(c) for c in np.argsort(c1_matching(name)["mapping"])]


def purity(name: str, category: int) -> float | None:
    """The share of this category's samples the classifier reads as its matched class (the shipped evaluation's
    generated-class accuracy per category), or None when the evaluation has not recorded it."""
    ev = cache.metrics(name).get("eval", {})
    per_category, mapping = ev.get("generated_class_accuracy_per_category"), ev.get("c1_mapping")
    if per_category is None or mapping is None or not 0 <= category < min(len(per_category), len(mapping)):
        return None
    return float(per_category[category])


def label_for(class_name: str, share: float | None) -> str:
    """A category's name: its matched class, or "mixed · 19 % Shirt" when under PURE_MIN of its samples read as
    that class."""
    if share is None or share >= PURE_MIN:
        return class_name
    return f"mixed · {share:.0%} {class_name}"


def category_label(name: str, category: int) -> str:
    return category_labels(name)[category]


@st.cache_resource(show_spinner=False, max_entries=8)
def category_labels(name: str) -> tuple[str, ...]:
    """Every category's name (:func:`label_for`), computed once per model: the page asks for them dozens of times
    a run (the c1 control formats each option, the captions, the traversal and the matrix label their rows)."""
    classes = explorer.DATASETS[cache.model(name).dataset].classes
    mapping = c1_matching(name)["mapping"]
    return tuple(label_for(classes[mapping[c]], purity(name, c)) for c in range(len(mapping)))


def purity_note(name: str, category: int) -> str:
    """How often the classifier reads this category's samples as its matched class, or "" when the evaluation has
    not recorded it."""
    ev = cache.metrics(name).get("eval", {})
    per_category, mapping = ev.get("generated_class_accuracy_per_category"), ev.get("c1_mapping")
    if purity(name, category) is None:
        return ""
    dataset = explorer.DATASETS[cache.model(name).dataset]
    return (f"The {dataset.title} classifier reads **{per_category[category]:.0%}** of this category's samples as "
            f"{dataset.classes[mapping[category]]} ({PURITY_SAMPLES} samples: random noise, c2 and c3 in −1…1).")


def factor_names(ev: dict) -> dict[str, str]:
    """Slider labels for c2 and c3 from an evaluation record: "c2 (rotation)" / "c3 (width)" where the sweep found
    that factor with |rho| >= FACTOR_MIN_RHO, else the bare code name."""
    names = {"c2": "c2", "c3": "c3"}
    for factor in ("rotation", "width"):
        code, rho = ev.get(f"{factor}_code"), ev.get(f"{factor}_rho")
        if code in names and rho is not None and abs(rho) >= FACTOR_MIN_RHO:
            names[code] = f"{code} ({factor})"
    return names


def code_names(name: str) -> dict[str, str]:
    """Slider labels for c2 and c3 of model ``name`` (see :func:`factor_names`)."""
    return factor_names(cache.metrics(name).get("eval", {}))


@st.cache_data(show_spinner=False, max_entries=2048)
def generate(name: str, c1: int, c2: float, c3: float, seed: int) -> np.ndarray:
    """One image [28, 28] for codes c1, c2, c3 and the noise of ``seed``."""
    model = cache.model(name)
    return infogan_generate(model, [c1], [c2], [c3], infogan_noise(model, seed))[0]


def image_caption(name: str, c1: int, seed: int) -> str:
    return f"category {c1}: {category_label(name, c1)} · seed {seed}"


def switches(name: str, c1: int, seed: int) -> dict:
    """What the live codes show at once when the page's category control (key "gan_c1") or its "New noise" button
    (key "gan_new_noise", while the next seed exists) is clicked: see :func:`explorer.ui.widgets.live.codes`."""
    categories = categories_by_class(name)
    return {"c1_key": "gan_c1", "categories": categories,
            "captions": [image_caption(name, c, seed) for c in categories],
            "seed_key": "gan_new_noise" if seed < SEED_MAX else None, "seed_caption": image_caption(name, c1, seed + 1)}


def current_codes() -> tuple[float, float]:
    """(c2, c3) on the controls: the values the live sliders or Streamlit's sliders last reported."""
    return tuple(live_core.snap_code(st.session_state.get(key, 0.0)) for key in ("gan_c2", "gan_c3"))


def take_live_codes() -> None:
    """Callback of the live sliders (key "gan_codes"): their released values become the page's c2, c3."""
    reported = (st.session_state.get("gan_codes") or {}).get("codes") or {}
    for code in ("c2", "c3"):
        value = reported.get(code)
        if isinstance(value, (int, float)) and np.isfinite(value):
            st.session_state[f"gan_{code}"] = live_core.snap_code(value)


def sweep_values(n: int = 9) -> np.ndarray:
    return np.linspace(*SLIDER, n)


@st.cache_data(show_spinner="Drawing traversals…", max_entries=64)
def traversal(name: str, code: str, seed: int, n: int = 9) -> np.ndarray:
    """A mosaic: rows are the categories in class order, columns sweep ``code`` ("c2" or "c3") over −2…2 with the
    other continuous code at 0 and one noise vector."""
    model = cache.model(name)
    values = sweep_values(n)
    rows = categories_by_class(name)
    c1 = np.repeat(rows, n)
    swept = np.tile(values, len(rows))
    other = np.zeros_like(swept)
    c2, c3 = (swept, other) if code == "c2" else (other, swept)
    return mosaic(infogan_generate(model, c1, c2, c3, infogan_noise(model, seed)), cols=n)


@st.cache_resource(show_spinner=False, max_entries=256)   # shared and read-only, like generate's images
def read_back(name: str, index: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(real test image, Q's codes [12]: c1 logits then c2 and c3, the image G draws from those codes); the page
    shows it on every run, so Q reads each (image, seed) once per server."""
    images, _ = cache.dataset(cache.model(name).dataset, "test")
    codes = infogan_read_codes(cache.model(name), images[index:index + 1])[0]
    c1 = int(codes[:10].argmax())
    return images[index], codes, generate(name, c1, float(codes[10]), float(codes[11]), seed)


def read_back_caption(name: str, codes: np.ndarray) -> str:
    logits = np.asarray(codes[:10], np.float64)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    c1 = int(probs.argmax())
    return (f"Q reads it as category {c1}, **{category_label(name, c1)}** ({probs[c1]:.0%} sure), "
            f"with c2 at {codes[10]:+.2f} and c3 at {codes[11]:+.2f}.")
