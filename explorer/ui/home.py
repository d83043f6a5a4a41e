"""The home page's pieces: the guide to the pages, a strip of example images, the list of shipped models."""

from __future__ import annotations

import numpy as np

import explorer

from .images import enlarge
from .sidebar import MODEL_LABELS

PAGES = (
    ("pages/1_Latent_map.py", "Latent map",
     "Every test image as a dot. Click one to see its reconstruction, click empty space to decode it, "
     "lasso a group to see its images. 16-D codes and the InfoGAN through PCA or UMAP."),
    ("pages/2_Latent_grid.py", "2-D latent grid",
     "The decoded manifold of the 2-D VAE and AE: what the decoder draws all over the plane, "
     "and one point decoded large as you move two sliders."),
    ("pages/3_InfoGAN_codes.py", "InfoGAN codes",
     "Steer a GAN with a category and two continuous codes, sweep them, and read them back off real images."),
    ("pages/4_Models.py", "Models",
     "Every checkpoint's configuration, metrics, training curves and size."),
)


def more_pages() -> list[tuple[str, str, str]]:
    """(path, title, first docstring sentence) of every other page in ``pages/`` (teaching pages, …), found the way
    the menu finds them."""
    import ast
    from pathlib import Path

    listed = {p for p, _, _ in PAGES}
    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "pages").glob("[1-9]*.py")):
        rel = f"pages/{path.name}"
        if rel in listed:
            continue
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        summary = doc.split(". ")[0].split("\n")[0]
        head, _, rest = summary.partition(": ")
        text = rest[:1].upper() + rest[1:] if rest and len(head) < 25 else summary
        found.append((rel, path.stem.split("_", 1)[1].replace("_", " "), text))
    return found


def class_strip(images: np.ndarray, labels: np.ndarray, per_class: int = 2) -> np.ndarray:
    """A strip of the first ``per_class`` test images of each class, classes left to right."""
    picks = np.array([np.flatnonzero(labels == k)[:per_class] for k in range(10)])     # [class, example]
    rows = [np.hstack([np.pad(images[i], ((1, 1), (1, 1)), constant_values=96) for i in row]) for row in picks.T]
    strip = np.vstack(rows)
    return enlarge(strip, strip.shape[0] * 3)


def model_rows(dataset: str) -> list[dict]:
    """Shipped models of a dataset with their kind and state, read from their metrics (no model is loaded)."""
    from .model_card import card

    rows = []
    for name in explorer.list_models():
        c = card(name, load=False)
        if c.config.get("dataset") != dataset:
            continue
        rows.append({"model": name, "what": MODEL_LABELS.get(name.removeprefix(dataset + "-"), c.kind),
                     "status": c.status, "headline metric": c.headline})
    return rows


def markdown_table(rows: list[dict]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]).replace("|", "\\|") for h in head) + " |" for r in rows]
    return "\n".join(lines)
