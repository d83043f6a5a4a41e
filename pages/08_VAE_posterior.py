"""The VAE encoder's uncertainty: posterior ellipses over the prior's contours."""

import streamlit as st

from explorer.ui.shell import sidebar
from explorer.ui.teaching import views as lesson_views

st.title("The VAE posterior")
lesson_views.posterior_view(sidebar.current_dataset())
