"""Training replay: the autoencoder's and the VAE's latent maps at every saved epoch."""

import streamlit as st

from explorer.ui import teaching

st.title("Training replay")
teaching.replay()
