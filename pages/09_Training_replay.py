"""Training replay: the autoencoder's and the VAE's latent maps at every saved epoch."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching import views as lesson_views

st.title("Training replay")
st.caption("The test images' encodings saved at several epochs while the models trained.")
lesson_views.replay_view(sidebar.current_dataset())
