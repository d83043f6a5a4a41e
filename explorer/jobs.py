"""A bounded pool of worker processes for long jobs started from the app (a live training run), off the server's
main process.

* ``workers`` processes (spawned, so no server thread or lock is copied), started at once and kept: the target's
  module is imported before the first job. A job beyond them waits in a queue, whose length is bounded, and knows its
  position in it.
* A job is a plain ``spec`` (a dict) handed to the target ``"module:function"`` as ``target(spec, control, emit)``;
  it reports ``emit(kind, payload)`` with payloads of numbers, strings and numpy arrays, over a multiprocessing
  queue between our own processes (one per worker, so that a worker killed while writing takes only its own queue
  with it). The pool keeps each job's latest ``"frame"`` and its end (``"done"``, ``"failed"``, ``"cancelled"``).
* ``nice``: the workers' niceness increment: the server's own threads (every session's page) come first, a
  training takes the CPU they leave.
* Control between steps through shared memory (:class:`Control`): pause, resume, stop (end now, keep the result),
  cancel (end now, keep nothing).
* Bounds per job: ``max_seconds`` of wall time since it started (then it is stopped, and its worker killed if it does
  not end within ``grace_seconds``), ``max_rss_mb`` of its worker's resident memory (then the worker is killed, the job
  failed and the worker replaced).
* Abandoned jobs end: a job not :meth:`JobPool.touch`-ed for ``ttl_seconds`` is cancelled (a closed browser tab stops
  touching it), and so is a job whose ``owner`` object is garbage-collected (a session's state).
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import types
import weakref
from dataclasses import dataclass, field

RUN, PAUSE, STOP, CANCEL = 0, 1, 2, 3
ACTIVE = ("queued", "running", "paused", "stopping")
ENDED = ("done", "failed", "cancelled")


class Control:
    """A worker's view of its current job's control word (shared memory the pool writes)."""

    def __init__(self, value):
        self._value = value

    @property
    def state(self) -> int:
        return self._value.value

    def wait_while_paused(self, poll: float = 0.05) -> float:
        """Sleep while the job is paused; the seconds spent."""
        started = time.perf_counter()
        while self._value.value == PAUSE:
            time.sleep(poll)
        return time.perf_counter() - started

    def ending(self) -> bool:
        return self._value.value in (STOP, CANCEL)

    def cancelled(self) -> bool:
        return self._value.value == CANCEL


def _orphan_watch(poll: float = 1.0) -> None:
    """End this worker when the process that started it is gone (killed, so it could not stop its workers)."""
    parent = mp.parent_process()
    while parent is not None and parent.is_alive():
        time.sleep(poll)
    os._exit(0)


def _worker(target: str, inbox, outbox, control_value, nice: int) -> None:
    threading.Thread(target=_orphan_watch, name="orphan-watch", daemon=True).start()
    if nice:
        os.nice(nice)
    module, _, function = target.partition(":")
    module = importlib.import_module(module)
    if hasattr(module, "warm_up"):
        module.warm_up()
    run = getattr(module, function)
    control = Control(control_value)
    outbox.put((None, "ready", {"pid": os.getpid()}))
    while True:
        message = inbox.get()
        if message is None:
            return
        job_id, spec = message

        def emit(kind: str, payload: dict, job_id=job_id) -> None:
            outbox.put((job_id, kind, payload))

        try:
            run(spec, control, emit)
        except Exception as e:            # the job's failure, not the worker's: it takes the next job
            emit("failed", {"error": f"{type(e).__name__}: {e}"})
        outbox.put((job_id, "idle", {}))


@dataclass
class Job:
    """What the pool knows of one job (a copy is handed out by :meth:`JobPool.status`)."""

    id: str
    spec: dict
    state: str = "queued"             # queued, running, paused, stopping, done, failed, cancelled
    position: int = 0                 # 1-based place in the queue while queued
    frame: dict | None = None         # the latest progress frame
    result: dict | None = None        # the "done" payload
    error: str | None = None          # why it failed or was stopped by a bound
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    ended: float | None = None
    touched: float = field(default_factory=time.monotonic)
    frames: int = 0                   # frames received
    worker: int | None = None


class QueueFull(RuntimeError):
    """The pool's queue holds ``max_queue`` jobs already."""


_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _plain_main():
    """A spawned process first imports its parent's ``__main__`` again; under Streamlit that is the app's entry
    script, which would then run (bare, with warnings) in every worker. Start workers with an empty one."""
    with _MAIN_LOCK:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class _Slot:
    def __init__(self, ctx, target: str, nice: int):
        self.control = ctx.Value("i", RUN, lock=False)
        self.inbox, self.outbox = ctx.Queue(), ctx.Queue()
        self.process = ctx.Process(target=_worker, args=(target, self.inbox, self.outbox, self.control, nice),
                                   daemon=True, name="explorer-job-worker")
        with _plain_main():
            self.process.start()
        self.job: str | None = None
        self.ready = False
        self.ending_since: float | None = None


class JobPool:
    """See the module docstring. Thread-safe; one dispatcher thread per pool."""

    def __init__(self, target: str, workers: int = 2, max_queue: int = 30, max_seconds: float = 300.0,
                 max_rss_mb: float = 2000.0, ttl_seconds: float = 20.0, grace_seconds: float = 10.0,
                 keep_ended: int = 200, tick: float = 0.05, nice: int = 0):
        self.target, self.max_queue, self.max_seconds = target, max_queue, max_seconds
        self.max_rss_mb, self.ttl_seconds, self.grace_seconds = max_rss_mb, ttl_seconds, grace_seconds
        self.keep_ended, self.tick = keep_ended, tick
        self._ctx = mp.get_context("spawn")
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._queue: list[str] = []
        self._ids = itertools.count(1)
        self.nice = nice
        self._slots = [_Slot(self._ctx, target, nice) for _ in range(workers)]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._dispatch, name="explorer-job-pool", daemon=True)
        self._thread.start()

    # --- what callers do -------------------------------------------------------------------------------------------

    def submit(self, spec: dict, owner: object | None = None) -> str:
        """Queue a job; its id. ``owner``: the job is cancelled when that object is garbage-collected."""
        with self._lock:
            if len(self._queue) >= self.max_queue:
                raise QueueFull(f"{len(self._queue)} jobs are waiting already; try again in a minute")
            job_id = f"job{next(self._ids)}"
            self._jobs[job_id] = Job(job_id, spec)
            self._queue.append(job_id)
            self._positions()
        if owner is not None:
            weakref.finalize(owner, self.cancel, job_id)
        self._assign()
        return job_id

    def status(self, job_id: str) -> Job | None:
        """A copy of the job's record (its frame shared, not copied), or None for an unknown id."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else Job(**vars(job))

    def touch(self, job_id: str) -> None:
        """The job's owner is still there (see ``ttl_seconds``)."""
        with self._lock:
            if job_id in self._jobs:
                self._jobs[job_id].touched = time.monotonic()

    def pause(self, job_id: str) -> None:
        self._set(job_id, PAUSE, "paused", from_states=("running",))

    def resume(self, job_id: str) -> None:
        self._set(job_id, RUN, "running", from_states=("paused",))

    def stop(self, job_id: str, reason: str | None = None) -> None:
        """End the job now and keep what it has done (a training run exports its model)."""
        self._set(job_id, STOP, "stopping", from_states=("running", "paused"), reason=reason)

    def cancel(self, job_id: str, reason: str = "cancelled") -> None:
        """End the job now and keep nothing; a queued job leaves the queue."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state in ENDED:
                return
            if job.state == "queued":
                self._queue.remove(job_id)
                self._end(job, "cancelled", reason)
                self._positions()
                return
        self._set(job_id, CANCEL, "stopping", from_states=("running", "paused", "stopping"), reason=reason,
                  cancelling=True)

    def counts(self) -> dict[str, int]:
        """How many jobs are running (or paused, or ending), how many wait, how many workers there are and how many
        of them have started (imported their target)."""
        with self._lock:
            return {"running": sum(s.job is not None for s in self._slots), "queued": len(self._queue),
                    "workers": len(self._slots), "ready": sum(s.ready for s in self._slots)}

    def worker_pids(self) -> list[int]:
        return [s.process.pid for s in self._slots]

    def close(self) -> None:
        """Stop the dispatcher and every worker (their running jobs are lost)."""
        self._closed.set()
        self._thread.join(5)
        for slot in self._slots:
            self._kill(slot)

    # --- inside ---------------------------------------------------------------------------------------------------

    def _set(self, job_id, code, state, from_states, reason=None, cancelling=False) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in from_states or job.worker is None:
                return
            slot = self._slots[job.worker]
            slot.control.value = code
            job.state = state
            if reason and (cancelling or job.error is None):
                job.error = reason
            if code in (STOP, CANCEL) and slot.ending_since is None:
                slot.ending_since = time.monotonic()

    def _positions(self) -> None:
        for i, job_id in enumerate(self._queue, 1):
            self._jobs[job_id].position = i

    def _end(self, job: Job, state: str, error: str | None = None) -> None:
        job.state, job.ended, job.position = state, time.monotonic(), 0
        if error is not None and job.error is None:
            job.error = error
        ended = [j for j in self._jobs.values() if j.state in ENDED]
        for old in sorted(ended, key=lambda j: j.ended)[:max(0, len(ended) - self.keep_ended)]:
            del self._jobs[old.id]

    def _assign(self) -> None:
        with self._lock:
            for slot in self._slots:
                if not self._queue:
                    break
                if slot.job is None and slot.ready and slot.process.is_alive():
                    job = self._jobs[self._queue.pop(0)]
                    slot.control.value = RUN
                    slot.job, slot.ending_since = job.id, None
                    job.state, job.started, job.position = "running", time.monotonic(), 0
                    job.worker = self._slots.index(slot)
                    slot.inbox.put((job.id, job.spec))
            self._positions()

    def _receive(self, slot: _Slot) -> None:
        while True:
            try:
                job_id, kind, payload = slot.outbox.get_nowait()
            except (queue.Empty, EOFError, OSError):
                return
            with self._lock:
                if kind == "ready":
                    slot.ready = True
                    continue
                job = self._jobs.get(job_id)
                if kind == "idle":
                    if job is not None and job.state not in ENDED:   # ended without saying how
                        self._end(job, "cancelled" if slot.control.value == CANCEL else "failed",
                                  "the job ended without a result")
                    slot.job, slot.ending_since = None, None
                    continue
                if job is None:
                    continue
                if kind == "frame":
                    job.frame, job.frames = payload, job.frames + 1
                elif kind == "done":
                    job.result = payload
                    self._end(job, "done")
                elif kind in ("failed", "cancelled"):
                    self._end(job, kind, payload.get("error"))

    def _kill(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        for q in (slot.inbox, slot.outbox):
            q.cancel_join_thread()
            q.close()

    def _replace(self, index: int, why: str) -> None:
        """Kill a worker (its job fails or is cancelled, with ``why``) and start a fresh one in its place."""
        slot = self._slots[index]
        self._kill(slot)
        with self._lock:
            job = self._jobs.get(slot.job) if slot.job else None
            if job is not None and job.state not in ENDED:
                self._end(job, "cancelled" if slot.control.value == CANCEL else "failed", why)
            self._slots[index] = _Slot(self._ctx, self.target, self.nice)

    def _bounds(self) -> None:
        now = time.monotonic()
        with self._lock:
            for job_id in list(self._queue):
                if now - self._jobs[job_id].touched > self.ttl_seconds:
                    self.cancel(job_id, "abandoned: nobody was watching")
            checks = []
            for index, slot in enumerate(self._slots):
                job = self._jobs.get(slot.job) if slot.job else None
                checks.append((index, slot, job))
        for index, slot, job in checks:
            if not slot.process.is_alive():
                self._replace(index, "its worker process died")
                continue
            if job is None:
                continue
            if job.state not in ENDED and now - job.touched > self.ttl_seconds:
                self.cancel(job.id, "abandoned: nobody was watching")
            elif job.started is not None and now - job.started > self.max_seconds:
                self.stop(job.id, f"stopped at the time limit of {self.max_seconds:.0f} s")
            if rss_mb(slot.process.pid) > self.max_rss_mb:
                self._replace(index, f"stopped: over the memory limit of {self.max_rss_mb:.0f} MB")
            elif slot.ending_since is not None and now - slot.ending_since > self.grace_seconds:
                self._replace(index, job.error or "it did not stop when asked")

    def _dispatch(self) -> None:
        while not self._closed.is_set():
            for slot in list(self._slots):
                self._receive(slot)
            self._bounds()
            self._assign()
            self._closed.wait(self.tick)


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB (0 when it is gone or the system has no /proc)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0
