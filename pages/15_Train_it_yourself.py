"""Train it yourself: a small AE or VAE trained live, its map forming while the class watches."""

import streamlit as st

from explorer.ui import train_live

st.title("Train it yourself")
train_live.view()
