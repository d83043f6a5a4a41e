"""VAE vs GAN: samples of both, scored against real images."""

import streamlit as st

from explorer.ui import teaching

st.title("VAE samples vs GAN samples")
teaching.vae_vs_gan()
