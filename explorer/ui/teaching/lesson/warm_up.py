"""The Lesson's warm-up: its stills drawn in a background thread once per server process and dataset, so that each
step shows at once."""

from __future__ import annotations

import logging
import threading

import explorer

from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching.family import data as family_data

_warming: set[str] = set()
_warming_lock = threading.Lock()
_WARM_UP = "lesson-warm-up"


class _WarmUpIsNotAScript(logging.Filter):
    """The warm-up thread fills shared caches outside any session on purpose: Streamlit's "missing
    ScriptRunContext" and "no runtime" warnings about it are not problems to report."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith(_WARM_UP)


for _name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
    logging.getLogger(_name).addFilter(_WarmUpIsNotAScript())


def draw(ds: str, pair: tuple[int, int], posterior_count: int) -> None:
    """The Lesson's stills of a dataset (its two classes ``pair``), into the shared caches."""
    a, b = pair
    index_a, index_b = lesson_data.typical_example(ds, a), lesson_data.typical_example(ds, b)
    for kind, model in lesson_data.pair(ds).items():
        lesson_data.prior_still(model)
        lesson_data.path_still(ds, kind, index_a, index_b)
    lesson_data.path_scores_still(ds, index_a, index_b)
    lesson_data.posterior_still(ds, (a, b), posterior_count)
    shipped = set(explorer.list_models())
    family_data.beta_book(ds, tuple((b, n) for b, n in family_data.beta_names(ds) if n in shipped), 160).payload
    lesson_data.replay_book(ds, True, 300).payload


def warm_up(ds: str, pair: tuple[int, int], posterior_count: int, first=lambda: None) -> None:
    """:func:`draw` in a background thread, once per server process (the server's start-up warm-up may have done it
    already), so that each step shows at once (the replay's 2 × 18 maps take a few seconds); every session shares
    the result. ``first`` runs before the stills (the narration's measured claims)."""
    with _warming_lock:
        if ds in _warming:
            return
        _warming.add(ds)

    def work():
        try:
            first()
            draw(ds, pair, posterior_count)
        except Exception:          # a missing or broken model: each step shows its own error when it is opened
            logging.getLogger(__name__).info("Lesson warm-up of %s stopped", ds, exc_info=True)
            with _warming_lock:
                _warming.discard(ds)

    threading.Thread(target=work, name=f"{_WARM_UP}-{ds}", daemon=True).start()
