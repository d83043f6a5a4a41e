"""Your own image: draw or upload one and see where every model puts it."""

import streamlit as st

from explorer.ui import own_views, sidebar

st.title("Your own " + ("digit" if sidebar.current_dataset() == "mnist" else "image"))
own_views.own_view(sidebar.current_dataset())
