"""Launch the app with its heavy imports done before the server answers: ``python -m explorer.ui.shell.serve [streamlit
options]`` is ``streamlit run streamlit_app.py [options]`` in a process that has already imported torch, SciPy,
Plotly and the app's modules (~3 s here), so the first page a visitor opens does not wait for them. Streamlit runs
every session's script in this same process, so the imports are shared."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ENTRY = Path(__file__).resolve().parents[3] / "streamlit_app.py"
# Not the explorer.ui modules: their st.cache_* decorators must run under the server's runtime.
PRELOAD = ("torch", "explorer", "explorer.latent", "explorer.projection", "explorer.recipes", "plotly.graph_objects",
           "plotly.io", "PIL.Image")


def main(argv: list[str] | None = None) -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    from streamlit.web import cli         # measured: imported after PRELOAD, as the module docstring says

    sys.argv = ["streamlit", "run", str(ENTRY), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
