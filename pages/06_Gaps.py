"""Gaps view: the 2-D autoencoder and the 2-D VAE side by side, with decode quality over each latent plane."""

import streamlit as st

from explorer.ui import teaching

st.title("Gaps in the latent space")
teaching.gaps()
