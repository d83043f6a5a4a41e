"""From AE to VAE: one slider along beta, the weight of the KL term."""

import streamlit as st

from explorer.ui import family_views, sidebar

st.title("From autoencoder to VAE")
family_views.beta_view(sidebar.current_dataset())
