"""InfoGAN's categories named by class, the one owner of that naming: every page that shows a category (the InfoGAN
page, the Latent map's InfoGAN points, Your own) asks here.

InfoGAN's categories come out in arbitrary order (the model never sees labels), so the app matches each category to
the class it draws most (Hungarian matching on Q's reading of the real test images) and labels c1 by that class.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import explorer
from explorer.evaluate import PER_CATEGORY as PURITY_SAMPLES
from explorer.metrics import confusion, match_categories

from explorer.ui.kit.text import span
from explorer.ui.shell import cache

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


def drawn_words(class_name: str, share: float | None, digits: bool) -> str:
    """What a category draws, in words a student reads without the code book: "draws the digit 0", "draws an Ankle
    boot", or "draws a mix: 19% read as Shirt" when under PURE_MIN of its samples read as its class."""
    if share is not None and share < PURE_MIN:
        return f"draws a mix: {share:.0%} read as {class_name}"
    if digits:
        return f"draws the digit {class_name}"
    return f"draws {'an' if class_name[0].lower() in 'aeiou' else 'a'} {class_name}"


@st.cache_resource(show_spinner=False, max_entries=8)
def category_words(name: str) -> tuple[str, ...]:
    """Every category's :func:`drawn_words`, computed once per model."""
    dataset = explorer.DATASETS[cache.model(name).dataset]
    digits = all(c.isdigit() for c in dataset.classes)
    mapping = c1_matching(name)["mapping"]
    return tuple(drawn_words(dataset.classes[mapping[c]], purity(name, c), digits) for c in range(len(mapping)))


def purity_note(name: str, category: int) -> str:
    """How often the classifier reads this category's samples as its matched class, or "" when the evaluation has
    not recorded it."""
    ev = cache.metrics(name).get("eval", {})
    per_category, mapping = ev.get("generated_class_accuracy_per_category"), ev.get("c1_mapping")
    if purity(name, category) is None:
        return ""
    dataset = explorer.DATASETS[cache.model(name).dataset]
    return (f"The {dataset.title} classifier reads **{per_category[category]:.0%}** of this category's samples as "
            f"{dataset.classes[mapping[category]]} ({PURITY_SAMPLES} samples: random noise, c2 and c3 in "
            f"{span(*cache.model(name).trained_range)}).")


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


def read_back_caption(name: str, codes: np.ndarray) -> str:
    logits = np.asarray(codes[:10], np.float64)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    c1 = int(probs.argmax())
    return (f"Q reads it as category {c1}, the one that **{category_words(name)[c1]}** ({probs[c1]:.0%} sure), "
            f"with c2 at {codes[10]:+.2f} and c3 at {codes[11]:+.2f}.")
