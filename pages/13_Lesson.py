"""Lesson mode: "a plain autoencoder's latent space has gaps; a VAE's is continuous", step by step."""

import streamlit as st

from explorer.ui import teaching

st.title("Lesson: gaps versus continuity")
teaching.lesson()
