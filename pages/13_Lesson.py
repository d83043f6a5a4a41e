"""Lesson mode: "a plain autoencoder's latent space has gaps; a VAE's is continuous", step by step."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching.lesson import steps as lesson_steps

st.title("Lesson: gaps versus continuity")
lesson_steps.lesson(sidebar.current_dataset())
