"""Denoise: a denoising autoencoder against a median filter and a plain autoencoder."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching.family import views as family_views

st.title("Denoising")
family_views.denoise_view(sidebar.current_dataset())
