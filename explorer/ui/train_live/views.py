"""What the Train it yourself page draws from a job's progress frame: the live map (the Latent map's look), the
decoded grid, the loss curves and the status line."""

from __future__ import annotations

import functools
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import explorer
from explorer.jobs import Job
from explorer.ui.kit import figures
from explorer.ui.kit.colours import CLASS_COLOURS
from explorer.ui.kit.labels import FONT_SIZE
from explorer.ui.shell import projections

MAP_HEIGHT = 400
CURVES_HEIGHT = 230


def map_figure(frame: dict, dataset: str, latent_dim: int) -> go.Figure:
    """The test encodings as the Latent map draws them (one colour per class, each class named at its centre);
    3-D codes through their first two principal components. Built once per set of labels with the kit's figure,
    then refilled with each frame's positions without Plotly's validation (~5 ms instead of ~50 ms a frame: the page
    redraws it twice a second for every student training)."""
    coords, labels = frame["coords"], frame["labels"]
    template, present = _map_template(dataset, latent_dim, labels.tobytes())
    figure = {**template, "data": [dict(t) for t in template["data"]],
              "layout": {**template["layout"], "annotations": [dict(a) for a in template["layout"]["annotations"]]}}
    for k, trace in enumerate(figure["data"]):
        idx = labels == k
        trace["x"], trace["y"] = coords[idx, 0], coords[idx, 1]
    for note, k in zip(figure["layout"]["annotations"], present):
        note["x"], note["y"] = (float(v) for v in np.median(coords[labels == k], axis=0))
    return go.Figure(figure, _validate=False)


@functools.lru_cache(maxsize=64)
def _map_template(dataset: str, latent_dim: int, labels: bytes) -> tuple[dict, list[int]]:
    labels_ = np.frombuffer(labels, np.uint8).astype(np.int64)
    classes = explorer.DATASETS[dataset].classes
    coords = np.zeros((len(labels_), 2), np.float32)
    fig = figures.latent_map(coords, labels_, classes, projections.AXIS_TITLES["raw" if latent_dim == 2 else "pca"],
                             marker_size=5, height=MAP_HEIGHT)
    # one name per class, moved to its encodings' median with each frame (the map moves too fast for the Latent
    # map's placement around the other names)
    fig.update_layout(annotations=[dict(text=f"<b>{classes[k]}</b>", x=0.0, y=0.0, showarrow=False,
                                        font=dict(size=FONT_SIZE, color=CLASS_COLOURS[k % 10]),
                                        bgcolor="rgba(255,255,255,0.78)", borderpad=1)
                                   for k in range(len(classes)) if np.any(labels_ == k)])
    fig.update_layout(uirevision=None, legend=dict(title="class", itemsizing="constant", font_size=11),
                      margin=dict(l=10, r=10, t=10, b=10))
    return fig.to_dict(), [k for k in range(len(classes)) if np.any(labels_ == k)]


def curves_figure(frame: dict, kind: str) -> go.Figure:
    """Reconstruction and (for a VAE) KL per image, apart: they differ in scale by ten times or more. Refilled
    from a template, as :func:`map_figure`."""
    figure = _curves_template(kind)
    figure = {**figure, "data": [dict(t) for t in figure["data"]]}
    for trace, key in zip(figure["data"], ("curve_recon", "curve_kl")):
        trace["x"], trace["y"] = frame["curve_at"], frame[key]
    return go.Figure(figure, _validate=False)


@functools.lru_cache(maxsize=2)
def _curves_template(kind: str) -> dict:
    rows = 2 if kind == "vae" else 1
    titles = ("reconstruction (BCE, nats per image)", "KL to the prior (nats per image)")[:rows]
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.18)
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name="reconstruction", line=dict(color=CLASS_COLOURS[1])),
                  row=1, col=1)
    if rows == 2:
        fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name="KL", line=dict(color=CLASS_COLOURS[0], dash="dash")),
                      row=2, col=1)
    fig.update_layout(height=CURVES_HEIGHT, margin=dict(l=10, r=10, t=24, b=10), showlegend=False,
                      plot_bgcolor="white")
    fig.update_annotations(font_size=12)
    fig.update_xaxes(title_text="epoch", row=rows, col=1, gridcolor="#eee")
    fig.update_yaxes(gridcolor="#eee")
    return fig.to_dict()


def seconds(value: float) -> str:
    if not math.isfinite(value):
        return "…"
    return f"{value:.0f} s" if value < 90 else f"{value / 60:.1f} min"


def progress(job: Job, counts: dict[str, int]) -> tuple[float, str]:
    """(fraction done, the line under the progress bar); ``counts``: the pool's (:meth:`JobPool.counts`)."""
    frame = job.frame or {}
    if job.state == "queued" and not counts["ready"]:
        return 0.0, "Starting the trainers (once per server: a few seconds, more on a busy machine)…"
    if job.state == "queued":
        return 0.0, f"Waiting for a free trainer: you are number {job.position} in the queue."
    if not frame:
        return 0.0, "Starting: reading the images and building the model…"
    fraction = frame["step"] / max(frame["steps"], 1)
    epoch = min(frame["epoch"] + (job.state != "done"), frame["epochs"])
    text = (f"Epoch {epoch} of {frame['epochs']} · step {frame['step']:,} of {frame['steps']:,} · "
            f"{frame['images']:,} training images · {seconds(frame['seconds'])} of training")
    if job.state == "running":
        text += f" · about {seconds(frame['eta'])} left"
    elif job.state == "paused":
        text += " · ⏸ paused"
    elif job.state == "stopping":
        text += " · stopping…"
    return fraction, text


def separation(frame: dict) -> str:
    knn = frame.get("knn", float("nan"))
    if not math.isfinite(knn):
        return "Class separation: measured after the first epoch."
    chance = 1 / len(np.unique(frame["labels"]))
    return (f"Class separation: **{knn:.0%}** of these test images have mostly their own class among their "
            f"5 nearest neighbours in the code (5-NN accuracy; about {chance:.0%} would be no separation).")


def pool_line(counts: dict[str, int]) -> str:
    waiting = f", {counts['queued']} waiting" if counts["queued"] else ""
    return f"{counts['running']} of {counts['workers']} trainers busy on this server{waiting}."
