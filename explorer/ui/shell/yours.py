"""Models a student trains in this session ("Train it yourself"): the worker pool every session shares, this
session's training job and its finished models, and the sidebar's heartbeat that keeps a job alive while its
session is open. The sidebar merges these models into its model choices (:func:`explorer.ui.shell.sidebar.pick_model`);
a model trained in one session is not offered in another.

A job ends without its session: the pool cancels a job not touched for ``ttl_seconds`` (the training page touches it
every 0.5 s, the sidebar every 2 s on every other page; a closed tab touches nothing) and a job whose owner, an
object in this session's state, is garbage-collected when Streamlit drops the session.
"""

from __future__ import annotations

import functools
import os

import streamlit as st

from explorer import checkpoints
from explorer.jobs import ACTIVE, Job, JobPool, QueueFull
from explorer.train_job import NICENESS, Settings

JOB_KEY = "yours_jobs"           # {slot: {"id": job id, "settings": Settings, "owner": _Owner}}
PAGE = "page"                    # the Train it yourself page's slot
MODELS_KEY = "yours_models"      # {model name: Settings} finished in this session, oldest first
SEEN_KEY = "yours_seen"          # {model choice key: the newest model name it has offered}
TARGET = "explorer.train_job:run"
HEARTBEAT_SECONDS = 2.0


@st.cache_resource(show_spinner=False)
def pool() -> JobPool:
    """The server's trainers: ``$EXPLORER_TRAIN_WORKERS`` processes (2: on a 2-core machine a third training would
    slow the others and every session's page), each bounded by ``$EXPLORER_TRAIN_SECONDS`` (300 s) and
    ``$EXPLORER_TRAIN_MB`` (1500 MB resident, a worker holds ~350 MB with both datasets), at niceness +10 so that
    the students' clicks on other pages come before the trainings."""
    return JobPool(TARGET, workers=int(os.environ.get("EXPLORER_TRAIN_WORKERS", "2")),
                   max_seconds=float(os.environ.get("EXPLORER_TRAIN_SECONDS", "300")),
                   max_rss_mb=float(os.environ.get("EXPLORER_TRAIN_MB", "1500")), ttl_seconds=20.0,
                   nice=NICENESS)


class _Owner:
    """Held in session state only: when Streamlit forgets the session, the job it owns is cancelled."""


def _entries() -> dict[str, dict]:
    return st.session_state.setdefault(JOB_KEY, {})


def start(settings: Settings, slot: str = PAGE) -> str | None:
    """Start training ``settings`` in ``slot`` (cancelling the slot's earlier job); None, or why it could not
    start. A session has one job per slot: the page's, or e.g. a lesson step's two ("ae", "vae") side by side."""
    stop_current(cancel=True, slot=slot)
    owner = _Owner()
    try:
        job_id = pool().submit(settings.to_dict(), owner=owner)
    except QueueFull as e:
        return str(e)
    _entries()[slot] = {"id": job_id, "settings": settings, "owner": owner}
    return None


def current(slot: str = PAGE) -> tuple[Settings, Job] | None:
    """The slot's latest job (touched: someone is watching) and its settings; a finished model is added to the
    session's models here."""
    entry = _entries().get(slot)
    if entry is None:
        return None
    job = pool().status(entry["id"])
    if job is None:
        return None
    if job.state in ACTIVE:
        pool().touch(job.id)
    elif job.state == "done" and job.result:
        models = st.session_state.setdefault(MODELS_KEY, {})
        if job.result["name"] not in models:
            models[job.result["name"]] = entry["settings"]
    return entry["settings"], job


def pause(slot: str = PAGE) -> None:
    if entry := _entries().get(slot):
        pool().pause(entry["id"])


def resume(slot: str = PAGE) -> None:
    if entry := _entries().get(slot):
        pool().resume(entry["id"])


def stop_current(cancel: bool = False, slot: str = PAGE) -> None:
    """Stop the slot's job and keep its model as trained so far (``cancel``: keep nothing)."""
    if entry := _entries().get(slot):
        (pool().cancel if cancel else pool().stop)(entry["id"])


def models(dataset: str) -> dict[str, Settings]:
    """This session's trained models of ``dataset`` whose folders still exist, newest first."""
    found = st.session_state.get(MODELS_KEY, {})
    return {name: s for name, s in reversed(found.items())
            if s.dataset == dataset and checkpoints.CheckpointFolder(checkpoints.TRAINED_DIR / name).has("config.json")}


@functools.lru_cache(maxsize=256)
def label(name: str) -> str:
    """What the app calls a trained model, from the settings its folder records (a name stands for its settings,
    so it is read once)."""
    try:
        recorded = checkpoints.CheckpointFolder(checkpoints.TRAINED_DIR / name).training.get("settings", {})
        return Settings.from_dict(recorded).label()
    except (ValueError, TypeError):         # CheckpointError is a ValueError
        return name


def newest_for(key: str, available: list[str]) -> str | None:
    """The session's newest trained model among ``available``, once per model choice ``key``: a page that can
    show it offers it selected the first time it is opened after training."""
    trained = [n for n in st.session_state.get(MODELS_KEY, {}) if n in available]
    if not trained:
        return None
    seen = st.session_state.setdefault(SEEN_KEY, {})
    if seen.get(key) == trained[-1]:
        return None
    seen[key] = trained[-1]
    return trained[-1]


def zip_bytes(name: str) -> bytes:
    """The model's config.json and model.safetensors as a zip (``explorer.load_model`` loads the unpacked folder)."""
    return checkpoints.CheckpointFolder(checkpoints.TRAINED_DIR / name).zip_bytes()


def heartbeat() -> None:
    """In the sidebar of every page while one of this session's jobs is active: keeps them alive and says how they
    go."""
    if not _entries():          # nothing trained in this session: the trainers need not even start
        return
    jobs = [pool().status(entry["id"]) for entry in _entries().values()]
    if any(job is not None and job.state in ACTIVE for job in jobs):
        with st.sidebar:
            _beat()


@st.fragment(run_every=HEARTBEAT_SECONDS)
def _beat() -> None:
    for slot in list(_entries()):
        if (found := current(slot)) is not None:
            st.caption(status_line(found[1]))


def status_line(job: Job) -> str:
    """One line on a job: where it is and how long it has left."""
    frame = job.frame or {}
    if job.state == "queued":
        return f"Your training waits for a free trainer: number **{job.position}** in the queue."
    if job.state == "done":
        return "Your model is trained: choose it in the model list of the Latent grid or Latent map."
    if job.state in ("failed", "cancelled"):
        return f"Your training ended: {job.error or job.state}."
    if not frame:
        return "Your training is starting…"
    eta = frame["eta"]
    left = f" · about {eta:.0f} s left" if eta == eta and job.state == "running" else ""
    paused = " · **paused**" if job.state == "paused" else ""
    return f"Training your model: epoch {min(frame['epoch'] + 1, frame['epochs'])} of {frame['epochs']}{paused}{left}"
