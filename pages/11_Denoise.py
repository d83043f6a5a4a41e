"""Denoise: a denoising autoencoder against a median filter and a plain autoencoder."""

import streamlit as st

from explorer.ui import teaching

st.title("Denoising")
teaching.denoise()
