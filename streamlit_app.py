"""Latent Space Explorer: the entry page. ``streamlit run streamlit_app.py``."""

import streamlit as st

from explorer.ui.shell import guards, pages, presenter, sidebar
from explorer.ui.widgets import live

st.set_page_config(page_title="Latent Space Explorer", page_icon="🧭", layout="wide")
live.page_style()

navigation = st.navigation(pages.navigation())
sidebar.render(pages.chooses_dataset(navigation.title))
presenter.frame(navigation.title)
with guards.or_stop():   # a broken checkpoint or missing data: the page's error box, whoever loads it
    navigation.run()
sidebar.footer()          # after the page: its sidebar controls come first
