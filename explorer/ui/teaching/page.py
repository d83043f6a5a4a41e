"""The teaching pages' entry points: each page of pages/ calls one of these under its title."""

from __future__ import annotations

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.shell.navigation import ensure_navigation
from explorer.ui.teaching import views
from explorer.ui.teaching.family import views as family_views
from explorer.ui.teaching.lesson import steps as lesson_steps


def gaps() -> None:
    st.caption("Where does each model decode something sensible? Every point of a 50 × 50 grid over each plane is "
               "decoded and scored by the dataset's classifier and by its pixel distance to the nearest real image.")
    views.gaps_view(sidebar.current_dataset())


def sampling_and_paths() -> None:
    dataset = sidebar.current_dataset()
    prior, paths = st.tabs(["Sampling from the prior", "Interpolation"])
    with prior:
        views.prior_view(dataset)
    with paths:
        views.interpolation_view(dataset)


def posterior() -> None:
    views.posterior_view(sidebar.current_dataset())


def replay() -> None:
    st.caption("The test images' encodings saved at several epochs while the models trained.")
    views.replay_view(sidebar.current_dataset())


def beta_family() -> None:
    family_views.beta_view(sidebar.current_dataset())


def denoise() -> None:
    family_views.denoise_view(sidebar.current_dataset())


def vae_vs_gan() -> None:
    family_views.vae_vs_gan_view(sidebar.current_dataset())


def lesson() -> None:
    ensure_navigation()                 # the steps choose their datasets: no sidebar.current_dataset()
    lesson_steps.lesson()
