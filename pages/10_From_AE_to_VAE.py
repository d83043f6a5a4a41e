"""From AE to VAE: one slider along beta, the weight of the KL term."""

import streamlit as st

from explorer.ui import teaching

st.title("From autoencoder to VAE")
teaching.beta_family()
