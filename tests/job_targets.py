"""Job targets for tests/test_jobs.py (a worker imports them by name): small, fast, each with one behaviour."""

from __future__ import annotations

import time

import numpy as np


def run(spec: dict, control, emit) -> None:
    mode = spec.get("mode", "count")
    if mode == "boom":
        raise ValueError("this job always fails")
    if mode == "hog":
        block = np.ones(spec["mb"] * 2**20 // 8)          # touched, so it is resident
        time.sleep(spec.get("hold", 30))
        emit("done", {"sum": float(block[:10].sum())})
        return
    stopped = False
    for step in range(1, spec["steps"] + 1):
        control.wait_while_paused(0.01)
        if control.ending() and mode != "deaf":
            stopped = True
            break
        time.sleep(spec.get("sleep", 0.01))
        emit("frame", {"step": step, "values": np.arange(step, dtype=np.float32)})
    if control.cancelled() and mode != "deaf":
        emit("cancelled", {})
        return
    emit("done", {"steps": step, "stopped": stopped})
