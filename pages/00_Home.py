"""Home: what the app shows, where to start, and which models are shipped."""

import streamlit as st

import explorer
from explorer.ui.models import home
from explorer.ui.shell import guards, pages, sidebar

st.title("Latent Space Explorer")
st.markdown("Look inside neural networks that learned to draw **handwritten digits** (MNIST) and **clothes** "
            "(Fashion-MNIST): autoencoders, variational autoencoders (VAEs) and an InfoGAN. Each squeezes a "
            "28×28 image into a few numbers (its *latent code*) or draws an image from a few numbers. These pages "
            "let you see where images land in that code space, and what the networks draw everywhere in between.")

ds = sidebar.current_dataset()
images, labels = guards.test_set_or_stop(ds)
st.image(home.class_strip(images, labels), caption=" · ".join(explorer.DATASETS[ds].classes), width="stretch",
         output_format="PNG")

cols = st.columns(2)
for i, page in enumerate(pages.in_group("explore")):
    with cols[i % 2].container(border=True):
        st.page_link(page.path, label=f"**{page.title}**", icon=":material/arrow_forward:", width="stretch")
        st.caption(page.blurb)
st.markdown("**Lessons and teaching views**")
for page in pages.in_group("teach"):
    st.page_link(page.path, label=f"**{page.title}**: {page.blurb}", icon=":material/school:")

st.subheader(f"Shipped {explorer.DATASETS[ds].title} models")
rows = home.model_rows(ds)
if rows:
    st.markdown(home.markdown_table(rows))    # a markdown table: st.dataframe would import pandas (~0.7 s)
else:
    st.warning("No checkpoints are shipped for this dataset yet: `python -m explorer.train all`.")
st.caption("Pick the dataset in the sidebar; every page follows it.")
