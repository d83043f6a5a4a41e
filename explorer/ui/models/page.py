"""The Models page: every shipped checkpoint's config, metrics, training curves and parameter counts, and the
entries of the checkpoint folder that are not models."""

from __future__ import annotations

import streamlit as st

import explorer
from explorer.checkpoints import ignored_folders
from explorer.ui.kit import figures
from explorer.ui.models import card as model_card
from explorer.ui.shell import sidebar, url


def not_models() -> None:
    """The entries of the checkpoint folder that are not models, each with why (nothing when there are none)."""
    ignored = ignored_folders()
    if ignored:
        st.caption(f"{len(ignored)} other entries of the checkpoint folder are not models and are ignored:")
        st.dataframe([{"entry": shown, "why it is ignored": why} for shown, why in ignored], hide_index=True,
                     key="models_ignored", height="content")


def view() -> None:
    shipped = explorer.list_models()
    if not shipped:
        st.warning("No checkpoints found. Train them with `python -m explorer.train all`.")
        not_models()
        st.stop()
    ds = sidebar.current_dataset()
    cards = sorted((model_card.card(n) for n in shipped),                       # the chosen dataset's models first
                   key=lambda c: (c.config.get("dataset") != ds, c.name))
    shipped = [c.name for c in cards]
    problems = any(c.error for c in cards)
    st.dataframe([model_card.summary_row(c, problems) for c in cards], hide_index=True, key="models_table",
                 height="content",
                 column_config={"parameters": st.column_config.NumberColumn(format="localized"),
                                "headline metric": st.column_config.TextColumn(
                                    help="The main test score of each kind: negative ELBO (VAE, test_nelbo) and "
                                         "reconstruction error (autoencoder, test_recon) in nats per image, lower is "
                                         "better; accuracy; categories right (InfoGAN, test_c1_accuracy); PSNR in dB "
                                         "(denoising, test_psnr). The glossary in the sidebar explains the words.")})
    for c in cards:
        if c.error:
            st.error(f"**{c.name}** cannot be loaded: {c.error}")
    not_models()

    name = st.selectbox("Details for", shipped, **url.shared("models_pick"))
    c = model_card.card(name)
    if c.error:
        st.error(f"**{name}** cannot be loaded: {c.error}")
    st.markdown(f"**{name}** · {c.kind} · {c.status}")
    left, right = st.columns(2)
    with left:
        st.markdown("**Config**")
        st.json(c.config, expanded=True)
        if c.parameters:
            st.markdown("**Parameters**")
            st.dataframe([{"part": k, "parameters": v} for k, v in c.parameters.items()], hide_index=True,
                         column_config={"parameters": st.column_config.NumberColumn(format="localized")})
    with right:
        for section, rows in model_card.metric_rows(c).items():
            st.markdown(f"**Metrics · {section}**")
            if section == "training" and "eval" in c.metrics:
                st.caption("Measured while training. The test measures are under eval: measured on the shipped "
                           "weights by `python -m explorer.evaluate`, as the docs publish them.")
            # a Markdown table wraps a long value instead of cutting it, as a data frame's fixed columns do
            st.markdown("| measure | value | key in metrics.json |\n|---|---|---|\n" + "\n".join(
                f"| {words} | **{value}** | `{key}` |" for words, value, key in rows))
        with st.expander("Training record"):
            st.json(c.training, expanded=False)
    if c.curves:
        st.markdown("**Training curves**")
        charts = figures.curves(c.curves)
        columns = st.columns(3)
        for i, (metric, fig) in enumerate(charts):
            with columns[i % 3]:
                st.plotly_chart(fig, key=f"models_curve_{metric}", config={"displayModeBar": False})


def warm_up() -> None:
    """What a first visit waits for: every shipped checkpoint's weights (the page counts their parameters), loaded
    into the shared model cache (called by :mod:`explorer.ui.warm` when the server starts)."""
    for name in explorer.list_models():
        model_card.card(name)
