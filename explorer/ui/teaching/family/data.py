"""Cached data of the autoencoder-family pages (Denoise, VAE vs GAN, AE → VAE): the flipbooks they show, built
from names and numbers so that every session shares them."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer import denoising, family_tables, quality, sample_quality
from explorer.metrics import is_identical, psnr, ssim
from explorer.names import model_name

from explorer.ui.kit.figures import draw_dots
from explorer.ui.shell import cache
from explorer.ui.shell.bundle import bundle
from explorer.ui.teaching import data as lesson_data
from explorer.ui.widgets.flipbook import Book, CurvePanel, ImagePanel
from explorer.ui.kit.images import enlarge, mosaic, to_uint8

# --- AE -> VAE: the beta continuum ---------------------------------------------------------------------------------

def beta_names(ds: str) -> list[tuple[float, str]]:
    """The continuum's models by beta (:func:`explorer.family_tables.beta_models`)."""
    return family_tables.beta_models(ds)


def beta_label(beta: float) -> str:
    return {0.0: "0 (autoencoder)", 1.0: "1 (VAE)"}.get(beta, f"{beta:g}")


def _percent(v: float) -> str:
    return f"{100 * v:.0f} %"


def _map_image(encodings: np.ndarray, labels: np.ndarray, x: np.ndarray, y: np.ndarray, size: int = 200) -> np.ndarray:
    """The test encodings as class-coloured dots on a white square spanning the plane's axes (y up)."""
    lo, hi = np.array([x[0], y[0]]), np.array([x[-1], y[-1]])
    frac = (encodings[:, :2] - lo) / np.maximum(hi - lo, 1e-9)
    inside = (frac >= 0).all(1) & (frac <= 1).all(1)
    px = np.stack([frac[:, 0] * (size - 1), (1 - frac[:, 1]) * (size - 1)], 1)
    return draw_dots(np.full((size, size), 255, np.uint8), px[inside], labels[inside], radius=1)


def _quality_image(qmap: quality.QualityMap, size: int = 200) -> np.ndarray:
    """The plane's decode quality as pixels (y up): white where the decode is data-like, red where it is not;
    the part far from every encoding is shaded darker."""
    rgb = np.where(qmap.data_like[..., None], np.array([250, 250, 250]), np.array([214, 39, 40])).astype(float)
    rgb[qmap.far] *= 0.75
    img = np.flipud(rgb).astype(np.uint8)
    factor = max(1, size // img.shape[0])
    return np.repeat(np.repeat(img, factor, 0), factor, 1)


def _fit(images: list[np.ndarray]) -> np.ndarray:
    """Frames of different sizes on one canvas size (white padding at the right and bottom)."""
    h = max(i.shape[0] for i in images)
    w = max(i.shape[1] for i in images)
    out = np.full((len(images), h, w, 3), 255, np.uint8)
    for k, img in enumerate(images):
        rgb = img if img.ndim == 3 else np.repeat(img[..., None], 3, 2)
        out[k, :rgb.shape[0], :rgb.shape[1]] = rgb
    return out


@st.cache_data(show_spinner="Reading the models' numbers…", max_entries=32)
def beta_numbers(name: str) -> dict[str, float]:
    """One continuum model's headline numbers: its gap numbers (:func:`explorer.quality.gap_numbers`, as
    published) and its test reconstruction error and KL (``metrics.json`` eval; no KL for the autoencoder)."""
    model = cache.model(name)
    evaluated = cache.metrics(name).get("eval", {})
    return {**lesson_data.gap_numbers(bundle(name)), "test_recon": float(evaluated.get("test_recon", float("nan"))),
            "test_kl": float(evaluated.get("test_kl", float("nan"))) if model.kind == "vae" else float("nan")}


@st.cache_resource(show_spinner="Drawing every beta's maps and samples…", max_entries=4)
def beta_book(ds: str, names: tuple[tuple[float, str], ...], width: int = 200) -> Book:
    """The AE -> VAE flipbook over the given (beta, name) pairs: encodings, decode quality, prior samples, the
    headline numbers, and the rate-distortion curve with the chosen beta marked; images ``width`` px wide."""
    _, labels = cache.dataset(ds, "test")
    maps, quality_maps, priors, facts, notes, points = [], [], [], [], [], []
    for beta, name in names:
        model = bundle(name)
        qmap = lesson_data.quality_map(model)
        enc = model.encodings
        maps.append(_map_image(enc, labels, qmap.x, qmap.y))
        quality_maps.append(_quality_image(qmap))
        priors.append(mosaic(lesson_data.prior_samples(model, 36, quality.PRIOR_SEED)["images"], 6))
        n = beta_numbers(name)
        nats = lambda v: "—" if np.isnan(v) else f"{v:.1f} nats"      # noqa: E731
        facts.append((("Plane decodes to data-like images", _percent(n["fraction_data_like"])),
                      ("Prior samples data-like", _percent(n["prior_data_like"])),
                      ("Reconstruction error", nats(n["test_recon"])),
                      ("KL to the prior (rate)", nats(n["test_kl"])),
                      ("Plane shown", f"z1 {qmap.x[0]:.2g} … {qmap.x[-1]:.2g}, z2 {qmap.y[0]:.2g} … {qmap.y[-1]:.2g}")))
        notes.append(_beta_note(beta))
        points.append(None if np.isnan(n["test_kl"]) else (n["test_kl"], n["test_recon"]))
    stops = tuple(beta_label(b) for b, _ in names)
    panels = (ImagePanel("Test images encoded (each model's own plane)", _fit(maps), width),
              ImagePanel("Decode quality there (white: data-like, red: not; shaded: far from every code)",
                         _fit(quality_maps), width),
              ImagePanel("36 samples from the prior N(0, I)", _fit(priors), width),
              CurvePanel("Rate–distortion: every β above 0", tuple(points), "KL (nats)",
                         "reconstruction (nats)", point_labels=tuple(f"β {b:g}" for b, _ in names),
                         width=width + 50, height=width))
    return Book("β, the KL term's weight", stops, panels, tuple(facts), tuple(notes),
                help="0 trains a plain autoencoder; 1 is the VAE's ELBO; larger values pull the codes harder "
                     "towards the prior N(0, I).")


def _beta_note(beta: float) -> str:
    if beta == 0:
        return "β = 0: no pull towards the prior — a plain autoencoder, free to spread its codes and leave gaps."
    if beta < 1:
        return f"β = {beta:g}: a weak pull towards N(0, I)."
    if beta == 1:
        return "β = 1: the VAE's own objective (the ELBO)."
    return f"β = {beta:g}: a pull stronger than the ELBO's."


# --- Denoise -------------------------------------------------------------------------------------------------------

DENOISE_STOPS = tuple(round(0.02 * i, 2) for i in range(31))       # noise amounts 0 ... 0.6


@st.cache_resource(show_spinner="Denoising at every noise amount…", max_entries=64)
def denoise_book(ds: str, pixels: bytes, kind: str, seed: int) -> Book:
    """One image (``pixels``: uint8 [28, 28] as bytes, a test image or the student's own) at every noise amount of
    :data:`DENOISE_STOPS`: clean, noisy and each method's output, with PSNR and SSIM per method."""
    clean = np.frombuffer(pixels, np.uint8).reshape(28, 28).astype(np.float32) / 255
    amounts = np.array(DENOISE_STOPS, np.float32)
    batch = np.repeat(clean[None], len(amounts), 0)
    # the same draws at every amount: moving the slider up adds noise to what is there, it does not reshuffle it
    corrupted = np.concatenate([denoising.noisy(clean[None], kind, a, seed) for a in amounts])
    outputs = denoising.restore(cache.model(model_name(ds, "dae")), cache.model(model_name(ds, "ae", 16)),
                                corrupted)

    facts = []
    scored = {m: (psnr(out, batch), ssim(out, batch)) for m, out in outputs.items()}
    for i in range(len(amounts)):
        facts.append(tuple((m, score_text(scored[m][0][i], scored[m][1][i])) for m in denoising.METHODS))
    frame = lambda arr: np.stack([enlarge(a, 28) for a in to_uint8(arr)])       # noqa: E731
    panels = (ImagePanel("clean", frame(batch), 150),
              *(ImagePanel(m, frame(outputs[m]), 150) for m in denoising.METHODS))
    what = "fraction of pixels replaced" if kind == "salt and pepper" else "σ of the added noise"
    stops = tuple(f"{a:.2f}" for a in DENOISE_STOPS)
    notes = tuple(f"Noise amount {a:.2f} ({what})" for a in DENOISE_STOPS)
    return Book("Noise amount", stops, panels, tuple(facts), notes,
                help="Salt and pepper: the fraction of pixels set to black or white (half each). Gaussian: the "
                     "standard deviation of the noise added to every pixel.")


def score_text(psnr_db: float, ssim_value: float) -> str:
    """A method's PSNR and SSIM as the page writes them; an image identical to the clean one has no PSNR to show."""
    if is_identical(psnr_db):
        return "no noise: the clean image itself"
    return f"{psnr_db:.1f} dB · SSIM {ssim_value:.2f}"


def denoise_curves(ds: str) -> dict | None:
    """The test split's denoising curves as ``python -m explorer.evaluate`` recorded them, or None."""
    return cache.metrics(model_name(ds, "dae")).get("eval", {}).get("denoising")


# --- VAE vs GAN ----------------------------------------------------------------------------------------------------

GRID_SAMPLES = 64


def sample_record(name: str) -> dict | None:
    """A generator's recorded sample scores (``python -m explorer.evaluate``): control, values, scores, real."""
    return cache.metrics(name).get("eval", {}).get("samples")


@st.cache_resource(show_spinner="Drawing samples at every setting…", max_entries=8)
def samples_book(name: str) -> Book:
    """A generator's first :data:`GRID_SAMPLES` scored samples at every setting of its control, with the scores
    of all :data:`explorer.sample_quality.SAMPLES` of them."""
    model = cache.model(name)
    record = sample_record(name)
    grids, facts = [], []
    for value, scores in zip(record["values"], record["scores"]):
        if model.kind == "vae":
            images = sample_quality.vae_samples(model, temperature=value, keep=GRID_SAMPLES)
        else:
            images = sample_quality.gan_samples(model, noise_scale=value, keep=GRID_SAMPLES)
        grids.append(mosaic(images, 8))
        facts.append(score_facts(scores))
    label = "Temperature (σ of z)" if model.kind == "vae" else "Noise scale (× z)"
    stops = tuple(f"{v:g}" for v in record["values"])
    return Book(label, stops, (ImagePanel(f"{GRID_SAMPLES} of the {sample_quality.SAMPLES:,} scored samples",
                                          _fit(grids), 232),), tuple(facts), facts_below=True)


def score_facts(scores: dict) -> tuple:
    return (("Sharpness (real = 1)", f"{scores['sharpness']:.2f}"),
            ("Fréchet distance", f"{scores['frechet']:.1f}"),
            ("Precision", f"{scores['precision']:.2f}"), ("Recall", f"{scores['recall']:.2f}"))


def real_grid(ds: str) -> np.ndarray:
    """The first :data:`GRID_SAMPLES` of the real comparison set (:func:`explorer.sample_quality.real_split`)."""
    images, _ = cache.dataset(ds, "test")
    _, comparison = sample_quality.real_split(images)
    return mosaic(comparison[:GRID_SAMPLES], 8)
