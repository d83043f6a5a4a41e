"""Your own image: draw or upload one and see where every model puts it."""

import streamlit as st

from explorer.ui.own import views as own_views
from explorer.ui.shell import sidebar

st.title("Your own " + ("digit" if sidebar.current_dataset() == "mnist" else "image"))
own_views.own_view(sidebar.current_dataset())
