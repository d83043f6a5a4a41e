"""Custom UMAP fits run in worker threads shared by all sessions, bounded, and survive their session."""

import threading
import time

import pytest

from explorer.projection.fits import FitLimit, FitQueue


def slow_fit(release: dict):
    def fit(name, progress):
        progress("working", 0.5)
        release.setdefault(name, threading.Event()).wait(10)
        return f"map of {name}"
    return fit


def test_an_abandoned_fit_finishes_and_does_not_block_another_models_fit():
    release = {"a": threading.Event(), "b": threading.Event()}
    fits = FitQueue(slow_fit(release), max_running=2)
    abandoned = fits.submit("a", "session-1", "a")          # its session goes away: nobody waits for it
    other = fits.submit("b", "session-2", "b")
    release["b"].set()
    assert other.done.wait(5) and other.result == "map of b", "not blocked by the abandoned fit"
    assert not abandoned.done.is_set() and abandoned.stage == "working" and abandoned.fraction == 0.5
    release["a"].set()
    assert abandoned.done.wait(5) and fits.get("a") == "map of a", "the abandoned fit is kept for everyone"
    assert fits.in_flight() == 0


def test_the_same_map_is_fitted_once_and_the_store_is_bounded():
    calls = []

    def fit(name, progress):
        calls.append(name)
        return name

    fits = FitQueue(fit, max_maps=2)
    for name in ("a", "a", "b", "c"):
        job = fits.submit(name, "s", name)
        job.done.wait(5)
        if name == "a":
            assert fits.submit("a", "other", "a").result == "a"
    assert calls == ["a", "b", "c"], "each map is fitted once"
    assert fits.get("a") is None and fits.get("b") == "b" and fits.get("c") == "c", "least recently used goes"


def test_fits_are_limited_per_session_and_in_total():
    release = {name: threading.Event() for name in "abcd"}
    fits = FitQueue(slow_fit(release), per_owner=1, max_queued=2)
    fits.submit("a", "s1", "a")
    with pytest.raises(FitLimit, match="your maps"):
        fits.submit("b", "s1", "b")
    fits.submit("c", "s2", "c")
    with pytest.raises(FitLimit, match="the server is computing 2 maps"):
        fits.submit("d", "s3", "d")
    for event in ("a", "c"):
        release[event].set()
    deadline = time.time() + 5
    while fits.in_flight() and time.time() < deadline:
        time.sleep(0.01)
    assert fits.in_flight() == 0 and fits.submit("b", "s1", "b")


def test_a_failed_fit_reports_its_error_and_frees_its_slot():
    def fit(name, progress):
        raise ValueError("bad data")

    fits = FitQueue(fit, per_owner=1)
    job = fits.submit("a", "s", "a")
    assert job.done.wait(5) and isinstance(job.error, ValueError) and fits.get("a") is None
    assert fits.in_flight() == 0
