"""VAE vs GAN: samples of both, scored against real images."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching.family import views as family_views

st.title("VAE samples vs GAN samples")
family_views.vae_vs_gan_view(sidebar.current_dataset())
