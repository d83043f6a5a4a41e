"""Sampling from the N(0, I) prior and interpolating between two test images, autoencoder beside VAE."""

import streamlit as st

from explorer.ui import teaching

st.title("Sampling and paths")
teaching.sampling_and_paths()
