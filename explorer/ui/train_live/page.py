"""The Train it yourself page: choose a small AE or VAE, press Train, and watch its map of the test images form;
the finished model joins the session's models on the Latent grid and Latent map, and downloads as a zip."""

from __future__ import annotations

import streamlit as st

import explorer
from explorer import train_job
from explorer.jobs import ACTIVE
from explorer.ui.kit import html_rows
from explorer.ui.shell import guards, sidebar, url, yours
from explorer.ui.train_live import views

KINDS = {"ae": "Autoencoder", "vae": "VAE", "beta": "β-VAE"}
REFRESH_SECONDS = 0.5
MAP_KEY, CURVES_KEY = "train_map", "train_curves"
PROBLEM_KEY = "train_problem"      # why the last Train did not start (a full queue)
DRAWN_KEY = "train_drawn_state"    # the job state the buttons were drawn for


def view() -> None:
    ds = sidebar.current_dataset()
    guards.test_set_or_stop(ds)
    st.caption("Train a small model and watch where it puts the test images while it learns: the shipped models' "
               "network and training loop, on fewer images and epochs. The settings are in the page's link, so the "
               "same link trains the same model again (same seed, same result on this machine).")
    settings, places = controls(ds)
    found = yours.current()
    buttons(settings, found, places)
    if found is None:
        st.info("Press **Train** to start. The map appears within a second or two and redraws twice a second.")
        return
    job_settings, job = found
    st.session_state[DRAWN_KEY] = job.state
    if job.state in ACTIVE:
        live_panel()
    else:
        panel(job_settings, job)


def controls(ds: str) -> tuple[train_job.Settings | None, list]:
    """The settings, each in the page URL (None, with the reason shown, if they do not make a model), and three
    columns beside the classes for the buttons."""
    classes = explorer.DATASETS[ds].classes
    row = st.columns([1.3, 1.2, 0.9, 1.6, 1.2, 0.8], vertical_alignment="bottom")
    kind = row[0].selectbox("Model", list(KINDS), index=1, format_func=KINDS.get, **url.shared("train_kind"),
                            help="Autoencoder: no KL term. VAE: reconstruction + KL (β = 1). β-VAE: choose the "
                                 "KL weight β.")
    beta = row[1].slider("β (KL weight)", 0.0, 2.0, 1.0, 0.05, **url.shared("train_beta"),
                         disabled=kind != "beta", help="Only for the β-VAE: 0 drops the KL term, 1 is the VAE.")
    latent = row[2].selectbox("Latent size", (2, 3), **url.shared("train_latent"),
                              help="3: the map shows the codes' first two principal components.")
    images = row[3].slider("Training images", train_job.IMAGES[0], train_job.IMAGES[1], 5000, 500,
                           **url.shared("train_images"))
    epochs = row[4].slider("Epochs", 1, 30, 10, **url.shared("train_epochs"))
    seed = row[5].number_input("Seed", train_job.SEEDS[0], train_job.SEEDS[1], 0, **url.shared("train_seed"))
    below = st.columns([4.2, 1, 1.1, 1], vertical_alignment="bottom")
    chosen = below[0].multiselect("Classes to train on (none chosen: all ten)", list(range(len(classes))),
                            format_func=lambda k: f"{k} {classes[k]}" if classes[k] != str(k) else classes[k],
                            **url.shared("train_classes"), placeholder="all classes")
    try:
        settings = train_job.Settings(dataset=ds, kind="vae" if kind == "beta" else kind,
                                  beta=float(beta) if kind == "beta" else 1.0, latent_dim=int(latent),
                                  images=int(images), classes=tuple(int(c) for c in chosen), epochs=int(epochs),
                                  seed=int(seed))
    except (ValueError, TypeError) as e:
        st.error(f"These settings do not make a model: {e}.")
        settings = None
    return settings, below[1:]


def buttons(settings: train_job.Settings | None, found, b: list) -> None:
    """Train / Pause (Resume) / Stop, acting in their callbacks (before the page runs again)."""
    job = found[1] if found else None
    active = job is not None and job.state in ACTIVE
    paused = job is not None and job.state == "paused"
    b[0].button("Train", type="primary", icon=":material/play_arrow:", disabled=settings is None, key="train_start",
                on_click=_start, args=(settings,),
                help="Start training with these settings (replaces a run in progress).")
    b[1].button("Resume" if paused else "Pause", icon=":material/play_circle:" if paused else ":material/pause:",
                disabled=not active or job.state in ("queued", "stopping"), key="train_pause",
                on_click=yours.resume if paused else yours.pause)
    b[2].button("Stop", icon=":material/stop:", disabled=not active or job.state == "stopping", key="train_stop",
                on_click=yours.stop_current, kwargs={"cancel": job is not None and job.state == "queued"},
                help="End now and keep the model as trained so far.")
    if problem := st.session_state.pop(PROBLEM_KEY, None):
        st.warning(f"Not started: {problem}.")


def _start(settings: train_job.Settings | None) -> None:
    if settings is not None and (problem := yours.start(settings)):
        st.session_state[PROBLEM_KEY] = problem


@st.fragment(run_every=REFRESH_SECONDS)
def live_panel() -> None:
    """Redrawn twice a second while the job runs; a full rerun when its state changes (the buttons follow it: Pause
    once it runs, the model once it has ended)."""
    found = yours.current()
    if found is None:
        return
    settings, job = found
    if job.state != st.session_state.get(DRAWN_KEY):
        st.rerun()
    panel(settings, job)


def panel(settings: train_job.Settings, job) -> None:
    counts = yours.pool().counts()
    fraction, text = views.progress(job, counts)
    st.progress(fraction, text=f"{text}  \n{views.pool_line(counts)}")
    if job.state in ("failed", "cancelled"):
        st.warning(f"The training ended without a model: {job.error or job.state}.")
    frame = job.frame
    if frame is None:
        return
    left, right = st.columns([5, 3], gap="medium")
    with left:
        st.plotly_chart(views.map_figure(frame, settings.dataset, settings.latent_dim), key=MAP_KEY,
                        config={"displaylogo": False, "scrollZoom": True})
        st.caption(views.separation(frame))
    with right:
        box = frame["box"]
        st.html(html_rows.figure(frame["grid"], f"What the decoder draws over the map's box "
                                 f"({box[0][0]:.1f}…{box[1][0]:.1f} × {box[0][1]:.1f}…{box[1][1]:.1f}), 8 × 8 "
                                 "points", 240))          # inline: a media file replaced twice a second 404s
        st.plotly_chart(views.curves_figure(frame, settings.kind), key=CURVES_KEY, config={"displaylogo": False})
    if job.state == "done" and job.result:
        finished(settings, job.result)


def finished(settings: train_job.Settings, result: dict) -> None:
    name = result["name"]
    early = " (stopped early)" if result.get("stopped_early") else ""
    st.success(f"**Your model is ready{early}:** {settings.label()}. It is in this session's model list, marked "
               "*Yours*, on the pages below.")
    cols = st.columns(3)
    if settings.latent_dim == 2:
        cols[0].page_link("pages/02_Latent_grid.py", label="Open it on the Latent grid", icon=":material/grid_on:")
    cols[1].page_link("pages/01_Latent_map.py", label="Open it on the Latent map", icon=":material/scatter_plot:")
    cols[2].download_button("Download the model (.zip)", yours.zip_bytes(name), file_name=f"{name}.zip",
                            mime="application/zip", icon=":material/download:", key="train_download",
                            help="config.json + model.safetensors: unzip into a folder and "
                                 "explorer.load_model('that/folder') loads it.")
