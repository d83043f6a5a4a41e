"""Inside the models: each model's structure with live values, and the VAE's loss of one image term by term."""

import streamlit as st

from explorer.ui import inside

st.title("Inside the models")
inside.view()
