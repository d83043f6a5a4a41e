"""InfoGAN codes: steer the generator with c1, c2, c3; traverse them; read codes back off real images."""

import streamlit as st

from explorer.ui import infogan

st.title("InfoGAN codes")
infogan.view()
