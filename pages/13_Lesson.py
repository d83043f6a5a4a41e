"""Lesson mode: "a plain autoencoder's latent space has gaps; a VAE's is continuous", step by step."""

import streamlit as st

from explorer.ui import lesson_steps, sidebar

st.title("Lesson: gaps versus continuity")
lesson_steps.lesson(sidebar.current_dataset())
