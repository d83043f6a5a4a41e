"""The VAE encoder's uncertainty: posterior ellipses over the prior's contours."""

import streamlit as st

from explorer.ui import lesson_views, sidebar

st.title("The VAE posterior")
lesson_views.posterior_view(sidebar.current_dataset())
