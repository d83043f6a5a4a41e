"""The autoencoder family's views: denoising, VAE samples beside GAN samples, and the AE -> VAE continuum."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

import explorer
from explorer import denoising, noise, sample_quality
from explorer.metrics import is_identical
from explorer.names import model_name

from explorer.ui.shell import cache, guards, last_image, url
from explorer.ui.teaching import data as lesson_data
from explorer.ui.teaching import figures as lesson_figures
from explorer.ui.teaching.family import data as family_data
from explorer.ui.widgets import flipbook

# --- Denoise -------------------------------------------------------------------------------------------------------

DENOISE_INDEX_KEY, DENOISE_SEED_KEY = "denoise_index", "denoise_seed"      # the page's test image and noise seed

def denoise_view(ds: str) -> None:
    guards.model_or_stop(model_name(ds, "dae"))
    guards.model_or_stop(model_name(ds, "ae", 16))
    images, labels = guards.test_set_or_stop(ds)
    classes = lesson_data.class_names(ds)
    st.session_state.setdefault(DENOISE_INDEX_KEY, 0)
    st.session_state.setdefault(DENOISE_SEED_KEY, 0)
    own = last_image.last(ds)
    c1, c2, c3 = st.columns([2, 3, 2])
    use_own = own is not None and c1.toggle("Your own image", key="denoise_own",
                                            help="The image you last drew or uploaded on the Your own page.")
    index = None if use_own else c1.number_input("Test image", min_value=0, max_value=len(images) - 1, step=1,
                                                 **url.shared(DENOISE_INDEX_KEY),
                                                 help=f"Any of the {len(images):,} test images, by number.")
    kind = c2.radio("Noise", noise.KINDS, horizontal=True, **url.shared("denoise_kind"),
                    format_func=lambda k: {"salt and pepper": "salt and pepper (trained on)",
                                           "gaussian": "Gaussian (never seen in training)"}[k])
    c3.button("New noise", key="denoise_new_noise", help="Draw the noise again, with another seed.",
              on_click=_new_noise)
    what = "Your own image (from the Your own page)" if use_own else \
        f"Test image {index}: a **{classes[labels[index]]}**"
    st.caption(f"{what}. Drag the slider: the noise grows and each method cleans it up. PSNR (higher is better) "
               "and SSIM (1 = identical structure) compare each image with the clean original.")
    pixels = own if use_own else images[int(index)].tobytes()
    book = family_data.denoise_book(ds, pixels, kind, int(st.session_state[DENOISE_SEED_KEY]))
    flipbook.show("denoise_book", book, default=family_data.DENOISE_STOPS.index(0.3))
    curves = family_data.denoise_curves(ds)
    if curves is None:
        st.info("Run `python -m explorer.evaluate` to add the test split's curves.")
        return
    st.subheader("Over the whole test split")
    sp = curves["salt and pepper"]
    gains = denoising.gains_over_median(sp)
    verdict = "beats" if denoising.beats_median(sp) else "does **not** beat"
    st.markdown(f"On all {len(images):,} test images, the denoising autoencoder {verdict} the median filter at "
                f"every salt-and-pepper amount from {denoising.BAR_AMOUNTS[0]} to {denoising.BAR_AMOUNTS[-1]} "
                f"(by {min(gains):.1f} to {max(gains):.1f} dB). {plain_autoencoder_sentence(sp)}")
    left, right = st.columns(2)
    for col, name in ((left, "salt and pepper"), (right, "gaussian")):
        col.plotly_chart(denoise_figure(curves[name]), key=f"denoise_curve_{name}",
                         config=lesson_figures.plot_config(f"{ds}-denoising-{name.replace(' ', '-')}"))


def _new_noise() -> None:
    st.session_state[DENOISE_SEED_KEY] = st.session_state.get(DENOISE_SEED_KEY, 0) + 1


PLAIN_AT = 0.3       # the salt-and-pepper amount the plain autoencoder's sentence quotes (the page's default)


def plain_autoencoder_sentence(curve: dict, amount: float = PLAIN_AT) -> str:
    """What the recorded curve says of the plain autoencoder at ``amount``, compared with the noisy input it was
    given, the median filter and the denoising autoencoder: each word (above / below, removes / keeps) follows the
    sign of the measured difference."""
    at = denoising.at_amount(curve, amount)
    noisy, median, ae, dae = (at[m] for m in denoising.METHODS)

    def than(other: dict) -> str:
        gap = ae["psnr"] - other["psnr"]
        return f"{abs(gap):.1f} dB {'above' if gap > 0 else 'below'}"

    removes = "removes some of the noise" if ae["psnr"] > noisy["psnr"] else "keeps the noise"
    restores = "but does not restore the image" if ae["psnr"] < dae["psnr"] else "and restores the image as well"
    return (f"The plain autoencoder, trained only on clean images, {removes} {restores}: at {amount:g} its output "
            f"scores {ae['psnr']:.1f} dB, {than(noisy)} the noisy input's {noisy['psnr']:.1f} dB, {than(median)} "
            f"the median filter's and {than(dae)} the denoising autoencoder's, and keeps "
            f"{'less' if ae['ssim'] < dae['ssim'] else 'more'} of the image's structure (SSIM {ae['ssim']:.2f} "
            f"against the denoising autoencoder's {dae['ssim']:.2f}).")


def denoise_figure(curve: dict) -> go.Figure:
    """Mean PSNR of every method against the noise amount; an identical image's PSNR (no noise) is left out: it
    is infinite, not a point on the axis."""
    fig = go.Figure()
    for method, dash in zip(denoising.METHODS, ("dot", "dash", "dashdot", "solid")):
        y = [None if is_identical(v) else v for v in curve["psnr"][method]]
        fig.add_trace(go.Scatter(x=curve["amounts"], y=y, name=method, mode="lines+markers", line=dict(dash=dash)))
    axis = "fraction of pixels replaced" if curve["kind"] == "salt and pepper" else "noise σ"
    fig.update_layout(height=340, margin=dict(l=50, r=10, t=40, b=40), title=f"{curve['kind']}: mean PSNR",
                      xaxis_title=axis, yaxis_title="PSNR (dB)", legend=dict(orientation="h", y=-0.3))
    return fig


# --- VAE vs GAN ----------------------------------------------------------------------------------------------------

GENERATORS = (("vae", "VAE samples", "The 16-D VAE decodes z drawn from N(0, I), scaled by the temperature."),
              ("infogan", "GAN samples", "The InfoGAN draws its codes at random and scales its noise z."))


def vae_vs_gan_view(ds: str) -> None:
    names = {"vae": model_name(ds, "vae", 16), "infogan": model_name(ds, "infogan")}
    for name in names.values():
        guards.model_or_stop(name)
    guards.test_set_or_stop(ds)
    records = {k: family_data.sample_record(n) for k, n in names.items()}
    if any(r is None for r in records.values()):
        st.info("Run `python -m explorer.evaluate` to score the samples.")
        st.stop()
    st.caption(f"Each grid shows 64 of the {sample_quality.SAMPLES:,} images it is scored on. **Sharpness**: edge "
               "strength relative to real images. **Fréchet distance** (lower is better), **precision** (how many "
               "samples look like real images) and **recall** (how much of the real variety the samples cover) "
               "compare them with real test images in the dataset classifier's features.")
    columns = st.columns([4, 4, 3], gap="medium")
    for (kind, title, what), col in zip(GENERATORS, columns):
        with col:
            st.subheader(title, help=what)
            record = records[kind]
            flipbook.show(f"samples_{kind}", family_data.samples_book(names[kind]),
                          default=record["values"].index(1.0))
    with columns[2]:
        st.subheader("Real images", help="Test images the generators never saw, scored the same way: the best a "
                                         "generator can do.")
        st.image(family_data.real_grid(ds), width=220, caption=f"64 of {sample_quality.SAMPLES:,} test images",
                 output_format="PNG")
        st.markdown("\n".join(f"- {k}: **{v}**" for k, v in family_data.score_facts(records["vae"]["real"])))
    st.markdown(story(records))
    st.plotly_chart(precision_recall_figure(records), key="samples_pr",
                    config=lesson_figures.plot_config(f"{ds}-precision-recall"))


def story(records: dict) -> str:
    """What the numbers say at the default settings (temperature 1, noise scale 1), in one sentence each."""
    at = {k: r["scores"][r["values"].index(1.0)] for k, r in records.items()}
    vae, gan = at["vae"], at["infogan"]
    sharper = "sharper" if gan["sharpness"] > vae["sharpness"] else "blurrier"
    more_precise = "higher" if gan["precision"] > vae["precision"] else "lower"
    recall = "higher" if vae["recall"] > gan["recall"] else "lower"
    return (f"**Measured here:** the GAN's samples are {sharper} than the VAE's (sharpness {gan['sharpness']:.2f} "
            f"vs {vae['sharpness']:.2f}) with {more_precise} precision ({gan['precision']:.2f} vs "
            f"{vae['precision']:.2f}); the VAE's recall is {recall} ({vae['recall']:.2f} vs {gan['recall']:.2f}). "
            "Lower the temperature and the VAE's samples get more typical and less varied: precision up, recall "
            "down — the same trade the GAN's noise scale makes.")


def precision_recall_figure(records: dict) -> go.Figure:
    fig = go.Figure()
    for kind, title, _ in GENERATORS:
        r = records[kind]
        fig.add_trace(go.Scatter(x=[s["recall"] for s in r["scores"]], y=[s["precision"] for s in r["scores"]],
                                 mode="lines+markers+text", name=title,
                                 text=[f"{v:g}" for v in r["values"]], textposition="top center"))
    real = records["vae"]["real"]
    fig.add_trace(go.Scatter(x=[real["recall"]], y=[real["precision"]], mode="markers+text", name="real images",
                             text=["real"], textposition="bottom center", marker=dict(size=12, symbol="star")))
    fig.update_layout(height=360, margin=dict(l=50, r=10, t=40, b=40), xaxis_title="recall (coverage)",
                      yaxis_title="precision (realism)", title="Precision against recall at every setting")
    return fig


# --- AE -> VAE -----------------------------------------------------------------------------------------------------

BETA_WIDTH = 200          # pixels of each map in the β flipbook on its page (the Lesson's is smaller)


def beta_view(ds: str, compact: bool = False) -> None:
    """The β flipbook; ``compact``: without the introduction (the Lesson narrates it)."""
    guards.model_or_stop(model_name(ds, "classifier"))
    guards.test_set_or_stop(ds)
    available, broken = [], []
    shipped = set(explorer.list_models())
    for beta, name in family_data.beta_names(ds):
        if name not in shipped:
            continue
        try:
            cache.model(name)
            available.append((beta, name))
        except explorer.CheckpointError as e:
            broken.append(f"`{name}` ({e.problem})")
    if broken:
        st.warning("Left out of the slider, their checkpoints cannot be loaded: " + "; ".join(broken))
    if len(available) < 2:
        st.error("This view needs at least two models along β; train them with `python -m explorer.train "
                 f"{family_data.beta_names(ds)[1][1]}` (and the others in `explorer/recipes.py`).")
        st.stop()
    if not compact:
        st.caption("Every model here is the same 2-D network trained on the same images; only β, the weight of the "
                   "KL term that pulls the codes towards N(0, I), differs. Drag β and compare the maps, the prior "
                   "samples and the numbers.")
    book = family_data.beta_book(ds, tuple(available), 160 if compact else BETA_WIDTH)
    default = next((i for i, (b, _) in enumerate(available) if b == 0.1), 0)
    flipbook.show("beta_book", book, default=default)
