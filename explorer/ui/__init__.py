"""The app's Streamlit layer, by feature (docs/architecture.md): ``shell`` (navigation, sidebar, caches, guards, URL
state), ``kit`` (images, figures, HTML rows, chart events, panels), ``widgets`` (each owns its live and fallback
mode), and one folder per page family. Imports only go down: a feature folder uses the kit, the widgets and the
shell, never another feature folder. The only part of ``explorer`` that imports Streamlit."""
