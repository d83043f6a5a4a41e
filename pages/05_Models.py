"""Models: every shipped checkpoint's config, metrics, training curves and parameter counts."""

import streamlit as st

from explorer.ui import models

st.title("Models")
models.view()
