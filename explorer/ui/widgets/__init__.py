"""Widgets that own both their live (browser) and their fallback (Streamlit) mode."""
