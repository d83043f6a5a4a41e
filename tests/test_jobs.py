"""The job pool (explorer.jobs): workers off the main process, progress, control, queue, bounds, abandoned jobs."""

from __future__ import annotations

import gc
import time

import pytest

from explorer.jobs import JobPool, QueueFull

TARGET = "tests.job_targets:run"


def wait_for(pool, job_id, condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = pool.status(job_id)
        if condition(job):
            return job
        time.sleep(0.02)
    raise AssertionError(f"timed out; last status {pool.status(job_id)}")


def ended(job):
    return job.state in ("done", "failed", "cancelled")


@pytest.fixture
def pool():
    pools = []

    def make(**options):
        p = JobPool(TARGET, **{"workers": 1, **options})
        pools.append(p)
        return p

    yield make
    for p in pools:
        p.close()


def test_a_job_runs_in_a_worker_process_and_reports_frames_and_its_result(pool):
    import os

    p = pool()
    job_id = p.submit({"steps": 5})
    job = wait_for(p, job_id, ended)
    assert job.state == "done" and job.result == {"steps": 5, "stopped": False}
    assert job.frame["step"] == 5 and list(job.frame["values"]) == [0, 1, 2, 3, 4] and job.frames == 5
    assert os.getpid() not in p.worker_pids()


def test_pause_holds_the_job_and_resume_and_stop_continue_and_end_it(pool):
    p = pool()
    job_id = p.submit({"steps": 10_000, "sleep": 0.005})
    wait_for(p, job_id, lambda j: j.frames > 3)
    p.pause(job_id)
    time.sleep(0.2)                                    # a step in flight when paused may still report
    held = p.status(job_id).frame["step"]
    time.sleep(0.4)
    assert p.status(job_id).state == "paused" and p.status(job_id).frame["step"] == held
    p.resume(job_id)
    job = wait_for(p, job_id, lambda j: j.frame["step"] > held + 3)
    assert job.state == "running"
    p.stop(job_id)
    job = wait_for(p, job_id, ended)
    assert job.state == "done" and job.result["stopped"] and job.result["steps"] < 10_000


def test_cancel_ends_a_running_job_without_a_result_and_the_worker_takes_the_next(pool):
    p = pool()
    first = p.submit({"steps": 10_000})
    wait_for(p, first, lambda j: j.frames > 0)
    p.cancel(first)
    job = wait_for(p, first, ended)
    assert job.state == "cancelled" and job.result is None
    second = p.submit({"steps": 3})
    assert wait_for(p, second, ended).state == "done"


def test_jobs_beyond_the_workers_queue_with_their_position(pool):
    p = pool()
    ids = [p.submit({"steps": 10_000}) for _ in range(3)]
    wait_for(p, ids[0], lambda j: j.state == "running")
    assert [p.status(i).position for i in ids] == [0, 1, 2]
    assert p.status(ids[1]).state == "queued" and p.counts() == {"running": 1, "queued": 2, "workers": 1, "ready": 1}
    p.cancel(ids[1])                                   # leaving the queue moves the next one up
    assert p.status(ids[1]).state == "cancelled" and p.status(ids[2]).position == 1
    p.cancel(ids[0])
    job = wait_for(p, ids[2], lambda j: j.state == "running")
    assert job.position == 0
    p.cancel(ids[2])


def test_the_queue_is_bounded(pool):
    p = pool(max_queue=1)
    p.submit({"steps": 10_000})
    deadline = time.monotonic() + 20
    while p.counts()["running"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    p.submit({"steps": 1})
    with pytest.raises(QueueFull):
        p.submit({"steps": 1})


def test_a_job_whose_owner_is_gone_is_cancelled(pool):
    class Session:
        pass

    p = pool()
    owner = Session()
    job_id = p.submit({"steps": 10_000}, owner=owner)
    wait_for(p, job_id, lambda j: j.frames > 0)
    del owner
    gc.collect()
    assert wait_for(p, job_id, ended).state == "cancelled"


def test_a_job_nobody_touches_is_cancelled_after_the_ttl_and_a_touched_one_is_not(pool):
    p = pool(workers=2, ttl_seconds=0.6)
    watched, abandoned = p.submit({"steps": 10_000}), p.submit({"steps": 10_000})
    deadline = time.monotonic() + 20
    while p.counts()["running"] < 2 and time.monotonic() < deadline:    # both start while their owners watch
        p.touch(watched)
        p.touch(abandoned)
        time.sleep(0.05)
    assert p.status(abandoned).state == "running"
    while p.status(abandoned).state not in ("cancelled",) and time.monotonic() < deadline:
        p.touch(watched)
        time.sleep(0.05)
    assert p.status(abandoned).state == "cancelled" and "abandoned" in p.status(abandoned).error
    assert p.status(watched).state == "running"
    p.cancel(watched)


def test_a_job_over_its_time_limit_is_stopped_and_keeps_its_result(pool):
    p = pool(max_seconds=0.5)
    job_id = p.submit({"steps": 10_000})
    job = wait_for(p, job_id, ended)
    assert job.state == "done" and job.result["stopped"] and "time limit" in job.error


def test_a_job_over_its_memory_limit_is_killed_and_its_worker_replaced(pool):
    p = pool(max_rss_mb=400)
    old = p.worker_pids()
    job_id = p.submit({"mode": "hog", "mb": 600})
    job = wait_for(p, job_id, ended, timeout=30)
    assert job.state == "failed" and "memory limit" in job.error
    assert p.worker_pids() != old
    assert wait_for(p, p.submit({"steps": 2}), ended, timeout=30).state == "done"


def test_a_job_that_ignores_stop_is_killed_after_the_grace_time(pool):
    p = pool(grace_seconds=0.5)
    job_id = p.submit({"mode": "deaf", "steps": 10_000})
    wait_for(p, job_id, lambda j: j.frames > 0)
    p.cancel(job_id)
    job = wait_for(p, job_id, ended)
    assert job.state == "cancelled"


def test_a_failing_job_reports_its_error_and_the_worker_goes_on(pool):
    p = pool()
    job = wait_for(p, p.submit({"mode": "boom"}), ended)
    assert job.state == "failed" and job.error == "ValueError: this job always fails"
    assert wait_for(p, p.submit({"steps": 2}), ended).state == "done"
