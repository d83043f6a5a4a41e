"""Streamlit glue: cached loaders, shared widgets and Plotly figure builders. The only part of ``explorer`` that
imports Streamlit; pages call these and hold no torch code."""
