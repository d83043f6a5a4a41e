"""Custom UMAP fits shared by every session of a server: each runs in its own worker thread (never in a session's
script thread, so a closed browser tab cannot leave a fit half done or a lock held), at most ``max_running`` at
once, each map fitted once and kept for everyone in a bounded store; a session may have at most ``per_owner`` fits
in flight and the queue at most ``max_queued``."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Callable, Hashable


class FitLimit(RuntimeError):
    """A fit refused because its owner or the server has too many in flight (say so; try again later)."""


@dataclass
class Job:
    key: Hashable
    owner: Hashable
    stage: str = "Waiting for a free worker"
    fraction: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    result: object = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def report(self, stage: str, fraction: float) -> None:
        self.stage, self.fraction = stage, min(max(float(fraction), 0.0), 1.0)


class FitQueue:
    def __init__(self, fit: Callable[..., object], max_maps: int = 12, max_running: int = 2, per_owner: int = 2,
                 max_queued: int = 8, before: Callable[[Job], None] | None = None,
                 gate: Callable[[Job], AbstractContextManager] | None = None):
        """``fit(*args, progress=callable)`` computes a map; ``before(job)`` runs in the worker first (e.g. waits
        for umap-learn's compilation); ``gate(job)``, if given, is held around the fit instead of the queue's own
        limit of ``max_running`` (a pool shared with other heavy work; it may report the job's place)."""
        self._fit, self._before, self._gate = fit, before, gate
        self.max_maps, self.per_owner, self.max_queued = max_maps, per_owner, max_queued
        self._running = threading.Semaphore(max_running)
        self._lock = threading.Lock()
        self._maps: OrderedDict = OrderedDict()
        self._jobs: dict[Hashable, Job] = {}

    def get(self, key: Hashable):
        """A finished map (most recently used kept longest), or None."""
        with self._lock:
            if key in self._maps:
                self._maps.move_to_end(key)
                return self._maps[key]
            return None

    def submit(self, key: Hashable, owner: Hashable, *args) -> Job:
        """The job computing ``key``: the one already in flight for anyone, or a new one for ``owner``."""
        with self._lock:
            if key in self._maps:                      # finished meanwhile: a job that is already done
                job = Job(key, owner, stage="Done", fraction=1.0, result=self._maps[key])
                job.done.set()
                return job
            if key in self._jobs:
                return self._jobs[key]
            mine = sum(1 for j in self._jobs.values() if j.owner == owner)
            if mine >= self.per_owner:
                raise FitLimit(f"{mine} of your maps are being computed; wait for them to finish")
            if len(self._jobs) >= self.max_queued:
                raise FitLimit(f"the server is computing {len(self._jobs)} maps; try again in a minute")
            job = self._jobs[key] = Job(key, owner)
        threading.Thread(target=self._work, args=(job, args), name=f"fit-{key}", daemon=True).start()
        return job

    def _work(self, job: Job, args: tuple) -> None:
        try:
            if self._before:
                self._before(job)
            with self._gate(job) if self._gate else self._running:
                job.report("Starting", 0.0)
                job.started = time.perf_counter()
                job.result = self._fit(*args, progress=job.report)
            with self._lock:
                self._maps[job.key] = job.result
                while len(self._maps) > self.max_maps:
                    self._maps.popitem(last=False)
        except Exception as e:         # the waiting sessions show it; the worker thread ends cleanly
            job.error = e
        finally:
            with self._lock:
                self._jobs.pop(job.key, None)
            job.done.set()

    def in_flight(self) -> int:
        with self._lock:
            return len(self._jobs)
