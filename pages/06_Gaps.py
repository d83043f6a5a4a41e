"""Gaps view: the 2-D autoencoder and the 2-D VAE side by side, with decode quality over each latent plane."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching import views as lesson_views

st.title("Gaps in the latent space")
st.caption("Where does each model decode something sensible? Every point of a 50 × 50 grid over each plane is "
           "decoded and scored by the dataset's classifier and by its pixel distance to the nearest real image.")
lesson_views.gaps_view(sidebar.current_dataset())
