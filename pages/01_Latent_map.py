"""Latent map: every test image as a point; click a point, click empty space, or box/lasso a group."""

import streamlit as st

from explorer.ui import latent_map

st.title("Latent map")
latent_map.view()
