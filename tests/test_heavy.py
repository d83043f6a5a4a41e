"""The server's heavy-work pool: at most ``slots`` jobs at once, the others first come first served with their place
in the queue reported; results kept by their parameters; custom UMAP fits and photo decodes share it."""

from __future__ import annotations

import threading

import pytest

from explorer.projection.fits import FitQueue
from explorer.ui.shell import heavy


def hold(pool: heavy.Pool, name: str, log: list, release: threading.Event, places: dict) -> threading.Thread:
    def work():
        with pool.slot(on_wait=lambda ahead: places.setdefault(name, []).append(ahead), poll=0.01):
            log.append(("in", name))
            release.wait(5)
            log.append(("out", name))
    thread = threading.Thread(target=work)
    thread.start()
    return thread


def wait_until(condition, timeout: float = 5.0) -> None:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("slots", [1, 2])
def test_at_most_slots_jobs_run_and_the_others_wait_in_order_knowing_their_place(slots):
    pool, log, places = heavy.Pool(slots), [], {}
    releases = {n: threading.Event() for n in "abcd"}
    threads = []
    for name in "abcd":                   # one after another, so that the arrival order is known
        threads.append(hold(pool, name, log, releases[name], places))
        wait_until(lambda: sum(pool.load()) == len(threads))
    assert pool.load() == (slots, 4 - slots) and [n for what, n in log] == list("abcd")[:slots]
    assert places.get("d") == [3], "the last sees every job ahead of it, running ones included"
    for name in "abcd":
        releases[name].set()
        wait_until(lambda: ("out", name) in log)
    for thread in threads:
        thread.join(5)
    entered = [n for what, n in log if what == "in"]
    assert entered == list("abcd"), "first come, first served"
    running = 0
    for what, _ in log:
        running += 1 if what == "in" else -1
        assert running <= slots
    assert places["d"] == list(range(3, slots - 1, -1)), "its place, each time it changes"
    assert pool.load() == (0, 0)


def test_a_waiter_that_is_stopped_leaves_the_queue():
    pool, release = heavy.Pool(1), threading.Event()
    holder = hold(pool, "a", [], release, {})
    wait_until(lambda: pool.load() == (1, 0))

    class Stopped(Exception):
        pass

    def stop(ahead):                      # Streamlit stops a script by raising from its next call
        raise Stopped

    with pytest.raises(Stopped):
        with pool.slot(on_wait=stop):
            pass
    assert pool.load() == (1, 0)
    release.set()
    holder.join(5)
    with pool.slot():
        assert pool.load() == (1, 0)


def test_run_computes_each_parameter_set_once_and_keeps_no_error(monkeypatch):
    monkeypatch.setattr(heavy, "_RESULTS", heavy.Results(size=2))
    calls = []

    def work(x):
        calls.append(x)
        if x < 0:
            raise ValueError("negative")
        return x * 10

    assert [heavy.run("t", x, work, x) for x in (1, 1, 2, 1)] == [10, 10, 20, 10] and calls == [1, 2]
    for _ in range(2):
        with pytest.raises(ValueError):
            heavy.run("t", -1, work, -1)
    assert calls == [1, 2, -1, -1]
    heavy.run("t", 3, work, 3)               # the store keeps the last two used (1 and 3): 2 is dropped
    heavy.run("t", 1, work, 1)
    heavy.run("t", 2, work, 2)
    assert calls[-2:] == [3, 2]


def test_umap_fits_take_their_turn_in_the_shared_pool_and_report_their_place():
    pool, release, log = heavy.Pool(1), threading.Event(), []
    photo = hold(pool, "photo", log, release, {})
    wait_until(lambda: pool.load() == (1, 0))

    def fit(name, progress):
        log.append(("in", name))
        return name

    fits = FitQueue(fit, max_running=2,
                    gate=lambda job: pool.slot(on_wait=lambda n: job.report(heavy.waiting_note(n), 0.0), poll=0.01))
    job = fits.submit("umap", "session", "umap")
    wait_until(lambda: job.stage.startswith("Waiting for the server: 1 heavy request ahead of yours"))
    assert ("in", "umap") not in log
    release.set()
    assert job.done.wait(5) and job.result == "umap"
    photo.join(5)
    assert log.index(("out", "photo")) < log.index(("in", "umap"))
