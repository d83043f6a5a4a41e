"""Denoise: a denoising autoencoder against a median filter and a plain autoencoder."""

import streamlit as st

from explorer.ui import family_views, sidebar

st.title("Denoising")
family_views.denoise_view(sidebar.current_dataset())
