"""Fair sharing of one server process: heavy per-request work (a custom UMAP fit, a photo's decode, anything over
~200 ms) runs under one small pool, at most :data:`SLOTS` jobs at once, the rest waiting in arrival order with
their place in the queue shown; results are kept by their parameters, so the same request is computed once.

On a 2-core machine one heavy job at a time leaves a core to the sessions that only move sliders (measured in
docs/benchmarks.md, the mixed load test)."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict, deque
from contextlib import contextmanager
from typing import Callable, Hashable, Iterator, TypeVar

import streamlit as st

T = TypeVar("T")
SLOTS = int(os.environ.get("EXPLORER_HEAVY_SLOTS", "1"))     # heavy jobs at once per server process


class Pool:
    """At most ``slots`` holders at once; the others wait first come, first served, and can learn their place."""

    def __init__(self, slots: int = SLOTS):
        self.slots = max(1, int(slots))
        self._turn = threading.Condition()
        self._running = 0
        self._waiting: deque[object] = deque()

    @contextmanager
    def slot(self, on_wait: Callable[[int], None] | None = None, poll: float = 0.25) -> Iterator[None]:
        """Hold one slot for the ``with`` block; while waiting, ``on_wait(n)`` is called (outside the pool's lock)
        with the number of jobs ahead (running ones included) whenever it changes, and at least every ``poll`` s."""
        me = object()
        shown = None
        with self._turn:
            self._waiting.append(me)
        try:
            while True:
                with self._turn:
                    ahead = self._waiting.index(me)
                    if ahead == 0 and self._running < self.slots:
                        self._waiting.popleft()
                        self._running += 1
                        break
                    ahead += self._running
                if on_wait is not None and ahead != shown:
                    on_wait(ahead)
                    shown = ahead
                with self._turn:
                    self._turn.wait(poll)
        except BaseException:            # a stopped script leaves the queue
            with self._turn:
                if me in self._waiting:
                    self._waiting.remove(me)
                    self._turn.notify_all()
            raise
        try:
            yield
        finally:
            with self._turn:
                self._running -= 1
                self._turn.notify_all()

    def load(self) -> tuple[int, int]:
        """(running, waiting) now."""
        with self._turn:
            return self._running, len(self._waiting)


class Results:
    """The last ``size`` results by their parameters, shared by every session (never mutate one)."""

    def __init__(self, size: int = 32):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def get(self, key: Hashable):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


POOL = Pool()
_RESULTS = Results()


def waiting_note(ahead: int) -> str:
    return (f"Waiting for the server: {ahead} heavy request{'s' if ahead != 1 else ''} ahead of yours "
            "(photos and custom maps take turns, so that everyone's sliders stay quick).")


def run(what: str, key: Hashable, work: Callable[..., T], *args) -> T:
    """``work(*args)`` (``key`` names its parameters: an earlier result for the same key is returned at once),
    in a slot of the process's pool; while it waits, the page shows its place in the queue. Errors are not kept."""
    found = _RESULTS.get((what, key))
    if found is not None:
        return found
    note = st.empty()
    try:
        with POOL.slot(on_wait=lambda ahead: note.info(waiting_note(ahead), icon=":material/hourglass_top:")):
            note.empty()
            result = work(*args)
    finally:
        note.empty()
    _RESULTS.put((what, key), result)
    return result
