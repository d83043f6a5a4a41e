import streamlit as st

import explorer
from explorer.ui import cache, sidebar

st.title("Latent Space Explorer")
st.write("Look inside trained autoencoders, VAEs and InfoGANs of MNIST and Fashion-MNIST.")
dataset = sidebar.current_dataset()
for name in cache.models_of(dataset):
    st.write(f"**{name}**", cache.metrics(name).get("eval", {}))
