"""The server's start-up warm-up (explorer/ui/warm.py): it computes what a page's first visit asks for, with the
page's own arguments, so that the visit finds it in the shared caches instead of drawing it; and the launcher starts
it once Streamlit's runtime runs. Timings: benchmarks/bench_first_visit.py."""

from __future__ import annotations

import importlib
import threading

import pytest

from explorer.ui.shell import serve
from explorer.ui.teaching import stills

from .test_app import clear_caches, need, run


@pytest.mark.slow
def test_after_the_warm_up_the_replay_and_gaps_pages_draw_and_score_nothing(monkeypatch, request):
    """After the MNIST warm-up, opening Training replay draws no map (Matplotlib) and Gaps decodes and scores no
    grid: both take their figures from the caches the warm-up filled."""
    from explorer import quality
    from explorer.ui.teaching import warm

    need("mnist-ae-2d", "mnist-vae-2d", "mnist-classifier")
    clear_caches()
    request.addfinalizer(clear_caches)
    warm.warm_up("mnist")
    drawn, scored = [], []
    original_map, original_quality = stills.latent_map, quality.quality_map
    monkeypatch.setattr(stills, "latent_map", lambda *a, **k: drawn.append(1) or original_map(*a, **k))
    monkeypatch.setattr(quality, "quality_map", lambda *a, **k: scored.append(1) or original_quality(*a, **k))
    for page in ("pages/09_Training_replay.py", "pages/06_Gaps.py", "pages/07_Sampling_and_paths.py"):
        at = run(page)
        assert not at.error, [e.value for e in at.error]
    assert not drawn, f"the replay drew {len(drawn)} maps after the warm-up"
    assert not scored, f"Gaps scored {len(scored)} planes after the warm-up"
    # and the same visit without the warm-up does draw them: the check above can fail
    clear_caches()
    run("pages/09_Training_replay.py")
    assert drawn


def test_the_launcher_starts_the_warm_up_once_the_runtime_runs(monkeypatch):
    from streamlit.runtime import Runtime, RuntimeState

    started = threading.Event()

    class Warm:
        @staticmethod
        def start():
            started.set()

    state = {"exists": False}
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: state["exists"]))
    monkeypatch.setattr(Runtime, "instance", classmethod(
        lambda cls: type("R", (), {"state": RuntimeState.NO_SESSIONS_CONNECTED})()))
    monkeypatch.setattr(importlib, "import_module", lambda name: Warm if name == serve.WARM_UP else None)
    thread = threading.Thread(target=serve.warm_up_when_running, args=(5.0,))
    thread.start()
    assert not started.wait(0.4), "not before the runtime exists"
    state["exists"] = True
    thread.join(5)
    assert started.is_set()


def test_the_warm_up_module_the_launcher_names_exists_and_starts_once(monkeypatch):
    warm = importlib.import_module(serve.WARM_UP)
    ran = []
    monkeypatch.setattr(warm, "run", lambda: ran.append(1))
    monkeypatch.setattr(warm, "_started", threading.Event())
    first, second = warm.start(), warm.start()
    first.join(5)
    assert ran == [1] and second is None
