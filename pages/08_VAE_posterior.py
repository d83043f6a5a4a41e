"""The VAE encoder's uncertainty: posterior ellipses over the prior's contours."""

import streamlit as st

from explorer.ui import teaching

st.title("The VAE posterior")
teaching.posterior()
