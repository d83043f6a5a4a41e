"""From AE to VAE: one slider along beta, the weight of the KL term."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching.family import views as family_views

st.title("From autoencoder to VAE")
family_views.beta_view(sidebar.current_dataset())
