"""VAE vs GAN: samples of both, scored against real images."""

import streamlit as st

from explorer.ui import family_views, sidebar

st.title("VAE samples vs GAN samples")
family_views.vae_vs_gan_view(sidebar.current_dataset())
