"""2-D latent grid: the decoded manifold of a 2-D VAE or AE, and one point decoded large."""

import streamlit as st

from explorer.ui import latent_grid

st.title("2-D latent grid")
latent_grid.view()
