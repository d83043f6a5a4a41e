"""Latent Space Explorer: the entry page. ``streamlit run streamlit_app.py``."""

from pathlib import Path

import streamlit as st

from explorer.ui import sidebar

st.set_page_config(page_title="Latent Space Explorer", page_icon="🧭", layout="wide")

pages = [st.Page("pages/0_Home.py", title="Home", icon=":material/home:", default=True)] + [
    st.Page(str(p), title=p.stem.split("_", 1)[1].replace("_", " "))
    for p in sorted(Path(__file__).parent.joinpath("pages").glob("[1-9]*.py"))
]
navigation = st.navigation(pages)
sidebar.render()
navigation.run()
