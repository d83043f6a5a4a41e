"""The server's start-up warm-up: what takes seconds on a page's first visit, computed in a background thread as soon
as the server runs (``python -m explorer.ui.shell.serve`` starts it), so that a first visitor finds it in the shared
caches. It sits above the feature folders, as the pages do, and asks each feature what to warm: the pages' own
functions with their default arguments, so the caches hold exactly what a first visit asks for. A visitor who asks
for something still being computed waits for that computation (Streamlit's caches compute a value once), not for a
second one. The Lesson is warmed first (a class starts there); it also warms its own stills when it is opened on a
server started without this warm-up (:mod:`explorer.ui.teaching.lesson.warm_up`)."""

from __future__ import annotations

import logging
import sys
import threading
import time

import explorer

from explorer.ui.models import page as models_page
from explorer.ui.own import views as own_views
from explorer.ui.teaching import warm as teaching_warm
from explorer.ui.teaching.lesson import steps as lesson_steps
from explorer.ui.teaching.family import warm as family_warm

THREAD = "server-warm-up"
DONE = "explorer warm-up: done"        # written to stderr (the server's log) when every step has run


class _WarmUpIsNotAScript(logging.Filter):
    """The warm-up fills shared caches outside any session on purpose: Streamlit's "missing ScriptRunContext"
    warning about it is not a problem to report."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith(THREAD)


for _name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
    logging.getLogger(_name).addFilter(_WarmUpIsNotAScript())
_started = threading.Event()


def steps() -> list[tuple[str, callable]]:
    """(what, function) in the order they run: the default dataset first, the pages slowest to open first."""
    per_dataset = [[(f"teaching pages ({ds})", lambda ds=ds: teaching_warm.warm_up(ds)),
                    (f"family pages ({ds})", lambda ds=ds: family_warm.warm_up(ds)),
                    (f"Your own ({ds})", lambda ds=ds: own_views.warm_up(ds))] for ds in explorer.DATASETS]
    return ([("Lesson", lesson_steps.warm)] + per_dataset[0] + [("Models page", models_page.warm_up)]
            + [s for steps_ in per_dataset[1:] for s in steps_])


def run() -> float:
    """Every step, one after the other; a step that fails (a model not shipped) is logged and skipped. Seconds."""
    started = time.perf_counter()
    for what, step in steps():
        t = time.perf_counter()
        try:
            step()
        except Exception:
            logging.getLogger(__name__).warning("warm-up of %s stopped", what, exc_info=True)
        print(f"explorer warm-up: {what} in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    print(f"{DONE} in {seconds:.1f} s", file=sys.stderr, flush=True)
    return seconds


def start() -> threading.Thread | None:
    """Run :func:`run` in a daemon thread, once per process (None when it has already been started)."""
    if _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=run, name=THREAD, daemon=True)
    thread.start()
    return thread
