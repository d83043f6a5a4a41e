"""Launch the app with its heavy imports done before the server answers: ``python -m explorer.ui.shell.serve [streamlit
options]`` is ``streamlit run streamlit_app.py [options]`` in a process that has already imported torch, SciPy,
Plotly and the app's modules (~3 s here), so the first page a visitor opens does not wait for them. Streamlit runs
every session's script in this same process, so the imports are shared. Once the server runs, a background thread
computes what the pages' first visits would wait for (:mod:`explorer.ui.warm`)."""

from __future__ import annotations

import importlib
import sys
import threading
import time
from pathlib import Path

ENTRY = Path(__file__).resolve().parents[3] / "streamlit_app.py"
# Not the explorer.ui modules: their st.cache_* decorators must run under the server's runtime.
PRELOAD = ("torch", "explorer", "explorer.latent", "explorer.projection", "explorer.recipes", "plotly.graph_objects",
           "plotly.io", "PIL.Image")


# Started once the server runs: the app's start-up warm-up (above the feature folders, as the pages are; see its docstring).
WARM_UP = "explorer.ui.warm"


def warm_up_when_running(timeout: float = 120.0) -> None:
    """Wait until Streamlit's runtime has started (the app's caches live in it), then start :data:`WARM_UP`."""
    from streamlit.runtime import Runtime, RuntimeState   # measured: imported after PRELOAD, as cli is

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state in (RuntimeState.NO_SESSIONS_CONNECTED,
                                                             RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED):
            importlib.import_module(WARM_UP).start()
            return
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    from streamlit.web import cli         # measured: imported after PRELOAD, as the module docstring says

    threading.Thread(target=warm_up_when_running, name="server-warm-up-start", daemon=True).start()

    sys.argv = ["streamlit", "run", str(ENTRY), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
