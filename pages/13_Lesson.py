"""Lesson mode: "a plain autoencoder's latent space has gaps; a VAE's is continuous", step by step."""

import streamlit as st

from explorer.ui import lesson_steps, sidebar

st.title("Lesson: gaps versus continuity")
st.caption("Narrated steps to walk a class through. Read a step out over its view, then explore; Next ▶ sets the "
           "next view up.")
lesson_steps.lesson(sidebar.current_dataset())
