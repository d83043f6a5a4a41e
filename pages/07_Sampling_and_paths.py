"""Sampling from the N(0, I) prior and interpolating between two test images, autoencoder beside VAE."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching import views as lesson_views

st.title("Sampling and paths")
dataset = sidebar.current_dataset()
prior, paths = st.tabs(["Sampling from the prior", "Interpolation"])
with prior:
    lesson_views.prior_view(dataset)
with paths:
    lesson_views.interpolation_view(dataset)
