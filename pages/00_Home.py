"""Home: what the app shows, where to start, and which models are shipped."""

import streamlit as st

from explorer.ui import models

st.title("Latent Space Explorer")
models.home()
