"""The page registry: every page of the app once, in menu order, with what Home says about it. The entry script
builds ``st.navigation`` from it and Home its cards, so a new page is one line here and one file in ``pages/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Page:
    path: str                 # relative to the repository root
    title: str
    blurb: str                # Home's one-line description
    group: str = "explore"    # "home", "explore" (Home's cards) or "teach" (Home's lesson list)
    icon: str | None = None
    own_dataset: bool = False  # the page chooses its dataset itself (the sidebar shows a note, not the control)


PAGES = (
    Page("pages/00_Home.py", "Home", "What the app shows and where to start.", "home", ":material/home:"),
    Page("pages/01_Latent_map.py", "Latent map",
         "Every test image as a dot. Click one to see its reconstruction, click empty space to decode it, lasso a "
         "group to see its images. 16-D codes and the InfoGAN through PCA or UMAP."),
    Page("pages/02_Latent_grid.py", "Latent grid",
         "The decoded manifold of the 2-D VAE and AE: what the decoder draws all over the plane, and one point "
         "decoded large under the pointer."),
    Page("pages/03_InfoGAN_codes.py", "InfoGAN codes",
         "Steer a GAN with a category and two continuous codes, sweep them, and read them back off real images."),
    Page("pages/04_Your_own.py", "Your own",
         "Draw a digit or upload a photo: see it prepared like the data, and where every model puts it."),
    Page("pages/05_Models.py", "Models", "Every checkpoint's configuration, metrics, training curves and size."),
    Page("pages/06_Gaps.py", "Gaps",
         "The 2-D autoencoder and the 2-D VAE side by side, with decode quality over each latent plane.", "teach"),
    Page("pages/07_Sampling_and_paths.py", "Sampling and paths",
         "Sampling from the N(0, I) prior and interpolating between two test images, autoencoder beside VAE.",
         "teach"),
    Page("pages/08_VAE_posterior.py", "VAE posterior",
         "The VAE encoder's uncertainty: posterior ellipses over the prior's contours.", "teach"),
    Page("pages/09_Training_replay.py", "Training replay",
         "The autoencoder's and the VAE's latent maps at every saved epoch.", "teach"),
    Page("pages/10_From_AE_to_VAE.py", "From AE to VAE",
         "One slider along β, the KL weight: from a plain autoencoder with gaps to a VAE, and beyond.", "teach"),
    Page("pages/11_Denoise.py", "Denoise",
         "A denoising autoencoder against a median filter and a plain autoencoder, at any amount of noise.",
         "teach"),
    Page("pages/12_VAE_vs_GAN.py", "VAE vs GAN",
         "VAE samples beside GAN samples, scored: sharpness, Fréchet distance, precision and recall.", "teach"),
    Page("pages/13_Lesson.py", "Lesson",
         "A plain autoencoder's latent space has gaps; a VAE's is continuous — step by step, for a class.", "teach",
         own_dataset=True),
    Page("pages/14_Inside_the_models.py", "Inside the models",
         "The VAE as a diagram with this image's numbers: μ, σ, ε, z, x̂ and its loss term by term, beside the "
         "autoencoder, InfoGAN and the denoising autoencoder.", "teach"),
    Page("pages/15_Train_it_yourself.py", "Train it yourself",
         "Train a small autoencoder or VAE live and watch its map of the test images form; then explore it on the "
         "Latent grid and Latent map, or download it.", "teach"),
)

LESSON = next(p for p in PAGES if p.title == "Lesson")


def in_group(group: str) -> tuple[Page, ...]:
    return tuple(p for p in PAGES if p.group == group)


def chooses_dataset(title: str) -> bool:
    """Whether the sidebar's dataset control applies to the page of this title."""
    return not any(p.own_dataset for p in PAGES if p.title == title)


def navigation() -> list:
    """The ``st.Page`` list for ``st.navigation`` (Home is the default page)."""
    return [st.Page(str(ROOT / p.path), title=p.title, icon=p.icon, default=p.group == "home",
                    url_path="" if p.group == "home" else p.title.replace(" ", "_")) for p in PAGES]
