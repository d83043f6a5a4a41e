"""The parts of Inside the models: the VAE's diagram beside the autoencoder's, the loss of this image term by term,
the prior beside the aggregate of all posteriors, InfoGAN's structure and the denoising autoencoder's."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer import names

from explorer.ui.inside import data, diagram
from explorer.ui.inside.diagram import fmt, pair
from explorer.ui.kit import html_plot
from explorer.ui.kit.html_rows import figure_row
from explorer.ui.kit.images import hex_to_rgb, png_data_uri
from explorer.ui.shell import cache, categories, guards, url
from explorer.ui.widgets import posterior

KEYS = posterior.Keys(eps1="inside_eps1", eps2="inside_eps2", scale="inside_scale", live="inside_live")
URL_VALUES = (url.number(KEYS.eps1, -3, 3, 0.01), url.number(KEYS.eps2, -3, 3, 0.01),
              url.number(KEYS.scale, 0, 10, 0.1, default=1.0))
INFOGAN_KEYS = {"c1": "inside_c1", "c2": "inside_c2", "c3": "inside_c3", "seed": "inside_seed"}
DAE_AMOUNT_KEY = "inside_noise"
ERROR_COLOUR = "#882255"       # the pixel-wise error image: white (0 nats) to this (the image's largest)


def dae_name(ds: str) -> str:
    return names.model_name(ds, "dae")


def _terms(ds: str, pixels: bytes):
    eps, scale = posterior.current(KEYS)
    return data.vae_terms(data.vae_name(ds), pixels, eps), eps, scale


def loss_line(t, published: dict) -> str:
    """This image's loss in one line of text (the browser test reads it)."""
    r, kl, kd = t.recon[0], t.kl[0], t.kl_dims[0]
    line = (f"**This image's loss** (ε as set, σ as trained): reconstruction **{r:.2f}** nats + KL **{kl:.2f}** "
            f"nats (z1 {kd[0]:.2f}, z2 {kd[1]:.2f}) = negative ELBO **{r + kl:.2f}** nats.")
    if "test_nelbo" in published:
        line += f" Test-split average: {published['test_nelbo']:.2f} nats."
    return line


# --- the VAE beside the autoencoder ---------------------------------------------------------------------------------

def vae_part(ds: str, pixels: bytes, caption: str) -> None:
    url.read(*URL_VALUES)
    vae, ae = data.vae_name(ds), data.ae_name(ds)
    t, eps, _ = _terms(ds, pixels)
    x = np.frombuffer(pixels, np.uint8).reshape(28, 28)
    mu, sigma = t.mu[0], t.sigma[0]
    full, zoom = diagram.planes(mu, sigma, data.REACH)
    bg = data.background(vae, data.REACH, full.size)

    def html(controls: bool, eps_now, scale_now) -> str:
        x_hat, samples = data.decodes(vae, tuple(mu), tuple(sigma), tuple(eps_now), scale_now)
        return diagram.vae_diagram(x, caption, mu, sigma, eps_now, scale_now, data.draws(), x_hat, samples, bg,
                                   data.REACH, controls)

    posterior.show(KEYS, vae, html, mu, sigma, data.draws(), diagram.SAMPLE_DECODES, (full.spec(), zoom.spec()))
    z, x_hat, recon = data.ae_terms(ae, pixels)
    reach = data.ae_reach(ae)
    left, right = st.columns([1.15, 1], gap="medium")
    with left:
        st.html(diagram.ae_diagram(x, caption, z, x_hat, recon, reach, data.background(ae, reach, 80)))
    with right:
        st.markdown("**The VAE** (above) gives each image its own cloud q(z|x) = N(μ, σ²) and decodes a sample "
                    "z = μ + σ·ε, ε ~ N(0, I) (the *reparameterisation*): move ε or the σ-scale and x̂ follows. "
                    f"**The plain autoencoder** (left) gives one point, no cloud; its loss is only the "
                    f"reconstruction, {recon:.2f} nats here.")
        st.markdown(loss_line(t, data.published(vae)))
    url.write(*URL_VALUES)


# --- the loss, term by term -----------------------------------------------------------------------------------------

def error_image(recon_pixels: np.ndarray) -> np.ndarray:
    """The pixel-wise reconstruction error as RGB: white at 0 nats, :data:`ERROR_COLOUR` at the image's largest."""
    f = (recon_pixels / max(float(recon_pixels.max()), 1e-9)).reshape(28, 28, 1)
    colour = np.array(hex_to_rgb(ERROR_COLOUR), float)
    return (255 * (1 - f) + colour * f).round().astype(np.uint8)


def loss_part(ds: str, pixels: bytes, caption: str) -> None:
    url.read(*URL_VALUES)
    vae = data.vae_name(ds)
    t, eps, _ = _terms(ds, pixels)
    x = np.frombuffer(pixels, np.uint8).reshape(28, 28)
    mu, sigma, kd, rp = t.mu[0], t.sigma[0], t.kl_dims[0], t.recon_pixels[0]
    r, kl = float(t.recon[0]), float(t.kl[0])
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown(f"**Reconstruction**: how unlikely the decoder finds this image's pixels given z = μ + σ·ε "
                    f"(ε = {pair(eps)}, set on the first part).")
        st.latex(r"-\log p(x\mid z) = -\sum_{i=1}^{784}\Big[x_i\log\hat x_i + (1-x_i)\log(1-\hat x_i)\Big] = "
                 rf"{r:.2f}\ \text{{nats}}")
        st.markdown("**KL**: how far this image's cloud q(z|x) = N(μ, σ²) is from the prior N(0, I), in closed "
                    "form, one term per latent dimension.")
        terms = r"\\ &+ ".join(rf"\tfrac12\big(({m:.2f})^2 + {s:.3f}^2 - \log {s:.3f}^2 - 1\big)"
                                for m, s in zip(mu, sigma))
        st.latex(r"\begin{aligned}\mathrm{KL}\big(q(z\mid x)\,\|\,\mathcal N(0, I)\big) &= \tfrac12\sum_{j=1}^{2}"
                 rf"\big(\mu_j^2 + \sigma_j^2 - \log\sigma_j^2 - 1\big) \\ &= {terms} \\ &= {kd[0]:.2f} + "
                 rf"{kd[1]:.2f} = {kl:.2f}\ \text{{nats}}\end{{aligned}}")
        st.markdown("**Their sum is the negative ELBO**, the loss the VAE was trained to make small:")
        st.latex(rf"-\mathrm{{ELBO}}(x) = {r:.2f} + {kl:.2f} = {r + kl:.2f}\ \text{{nats}}")
        published = data.published(vae)
        if "test_nelbo" in published:
            st.caption(f"Averaged over the test split and 10 draws of ε, the same terms give the published "
                       f"{published['test_nelbo']:.2f} nats (reconstruction {published['test_recon']:.2f}, KL "
                       f"{published['test_kl']:.2f}): the Models page's number. Without the KL term, training "
                       "would shrink σ towards 0 and leave a plain autoencoder, gaps and all.")
    with right:
        worst = int(rp.argmax())
        st.html(figure_row([(x, "x", 112), (t.x_hat[0], "x̂ at z", 112),
                            (error_image(rp), f"error per pixel, 0 to {rp.max():.1f} nats", 112)], "lsi-loss"))
        st.caption(f"Darker = more nats. The worst pixel (row {worst // 28 + 1}, column {worst % 28 + 1}) costs "
                   f"{rp.max():.2f} nats; the {int((rp > 1).sum())} pixels above 1 nat together cost "
                   f"{rp[rp > 1].sum():.1f} of the {r:.1f}.")
        st.markdown(loss_line(t, data.published(vae)))
    url.write(*URL_VALUES)


# --- the prior beside the aggregate posterior -----------------------------------------------------------------------

def density_image(density: np.ndarray) -> np.ndarray:
    """A density on the plane as grey levels (white: 0, black: its maximum), rows from the top (z2 high)."""
    f = np.sqrt(density / density.max())           # the square root shows the tails
    return (255 * (1 - f[::-1])).round().astype(np.uint8)


def facts(agg, published: dict, t) -> list[str]:
    """The narration: measured facts about the aggregate posterior and this image (tested)."""
    n = len(agg.kl)
    part_of = f", the KL part of the published negative ELBO ({published['test_kl']:.2f})." \
        if "test_kl" in published else "."
    lines = [f"Averaged over the {n:,} test images, the KL term is **{agg.mean_kl:.2f} nats**{part_of}"]
    lines.append(f"Each image's cloud is narrow: the average σ is **{pair(agg.mean_sigma, 3)}**, against the "
                 f"prior's 1.")
    lines.append(f"Together the {n:,} clouds spread like the prior: their aggregate has mean "
                 f"**{pair(agg.mean)}** and standard deviation **{pair(agg.std)}**; the prior has (0, 0) and (1, 1).")
    kl = float(t.kl[0])
    lines.append(f"This image's KL is **{kl:.2f} nats**, {'more' if kl > agg.mean_kl else 'less'} than the "
                 f"average: its μ is {float(np.hypot(*t.mu[0])):.2f} from the origin.")
    return lines


def prior_part(ds: str, pixels: bytes, caption: str) -> None:
    vae = data.vae_name(ds)
    agg = data.aggregate(vae)
    t = data.vae_terms(vae, pixels, (0.0, 0.0))
    ticks = tuple((f, fmt(v, 0)) for f, v in zip(np.linspace(0, 1, 5), np.linspace(-data.REACH, data.REACH, 5)))
    y_ticks = tuple((f, fmt(v, 0)) for f, v in zip(np.linspace(0, 1, 5), np.linspace(data.REACH, -data.REACH, 5)))
    size = 300
    mark = tuple((np.clip(t.mu[0], -data.REACH, data.REACH) * [1, -1] + data.REACH) / (2 * data.REACH))
    cols = st.columns([1, 1, 1.25], gap="medium")
    for col, title, density, marker in ((cols[0], "The prior N(0, I)", agg.prior, None),
                                        (cols[1], f"All {len(agg.kl):,} posteriors together", agg.aggregate, mark)):
        with col:
            st.markdown(f"**{title}**")
            axes = html_plot.Axes(png_data_uri(density_image(density)), size, size, ticks, y_ticks, "z1", "z2",
                                  pixelated=False)
            st.html(html_plot.render(axes, marker=marker, caption="this image's μ"))
    with cols[2]:
        st.markdown("**Why the gaps close.** Darker = denser. " + " ".join(facts(agg, data.published(vae), t)))
        st.caption(f"The ring on the right map is {caption}'s μ. Square-root grey scale over z1, z2 from "
                   f"−{data.REACH:g} to {data.REACH:g}.")


# --- InfoGAN ------------------------------------------------------------------------------------------------------

def infogan_part(ds: str) -> None:
    name = names.model_name(ds, "infogan")
    model = guards.model_or_stop(name)
    classes = [f"{k}: {label}" for k, label in enumerate(categories.category_labels(name))]
    lo, hi = model.trained_range
    cols = st.columns([1.2, 1.5, 1.5, 1])
    c1 = cols[0].selectbox("c1 (category)", range(10), format_func=classes.__getitem__,
                           **url.shared(INFOGAN_KEYS["c1"]))
    trained = f"trained {fmt(lo, 0)}…{fmt(hi, 0)}"
    c2 = cols[1].slider(f"c2 ({trained})", -2.0, 2.0, 0.0, 0.05, format="%.2f", **url.shared(INFOGAN_KEYS["c2"]))
    c3 = cols[2].slider(f"c3 ({trained})", -2.0, 2.0, 0.0, 0.05, format="%.2f", **url.shared(INFOGAN_KEYS["c3"]))
    seed = cols[3].number_input("Noise z (seed)", 0, 9999, 0, 1, **url.shared(INFOGAN_KEYS["seed"]))
    r = data.infogan_reading(name, int(c1), float(c2), float(c3), int(seed))
    inputs = diagram.box("inputs", f'<div class="lsi-num">z: 62 numbers ~ N(0, I), seed {seed}</div>'
                                   f'<div class="lsi-num">c1 = category {classes[c1]}</div>'
                                   f'<div class="lsi-num" data-slot="codes">c2 = {fmt(c2)}, c3 = {fmt(c3)}</div>',
                         f"trained on c2, c3 in {fmt(lo, 0)}…{fmt(hi, 0)}")
    heads = (diagram.box("D: real or fake?", "", "trained against G; not shipped (the app needs only G and Q)",
                         "lsi-net") +
             diagram.box("Q reads back", diagram.bars(r.c1_probs, classes, int(c1)) +
                         f'<div class="lsi-num" data-slot="q-codes">ĉ2 = {fmt(r.c_cont[0])}, '
                         f'ĉ3 = {fmt(r.c_cont[1])}</div>', "◀: the category the image was made with"))
    st.html(diagram.STYLE + diagram.flow(
        inputs, diagram.net("G (generator)", "FC 74→1024→6272, 2 deconvs → 28×28"),
        diagram.box("G(z, c)", diagram.image_tag(r.image, "the generated image", 140)),
        diagram.net("trunk", "conv, conv, FC 1024; shared by D and Q"),
        f'<div style="display:flex;flex-direction:column;gap:8px">{heads}</div>', label="InfoGAN, left to right"))
    st.latex(rf"\max_{{G,Q}}\ L_I = \mathbb E\big[\log Q(c\mid G(z,c))\big] + H(c) \le I\big(c;G(z,c)\big);"
             rf"\quad\text{{here }} -\log Q(c_1\mid x) = {r.info_cat:.3f},\ "
             rf"\tfrac12\lVert (c_2,c_3)-(\hat c_2,\hat c_3)\rVert^2 = {r.info_cont:.3f}\ \text{{nats}}")
    st.caption("InfoGAN trains G and Q to make this term large: Q must read the codes back from the image, so the "
               "codes come to steer factors the image shows. D's real-or-fake game (not shown) makes the image "
               "look like the data.")


# --- the denoising autoencoder ------------------------------------------------------------------------------------

def dae_part(ds: str, pixels: bytes, caption: str) -> None:
    name = dae_name(ds)
    model = cache.model(name)
    amount = st.slider("Noise amount (share of pixels set to black or white)", 0.0, 0.6, 0.3, 0.05, format="%.2f",
                       **url.shared(DAE_AMOUNT_KEY))
    noisy, clean_hat, scores = data.dae_output(name, pixels, float(amount), 0)
    x = np.frombuffer(pixels, np.uint8).reshape(28, 28)
    side = 28 // 2 ** len(model.config.channels)
    st.html(diagram.STYLE + diagram.flow(
        diagram.box("noisy x", diagram.image_tag(noisy, "the noisy input", 140),
                    f"{amount:.0%} of pixels hit · PSNR {scores['noisy']['psnr']:.1f} dB"),
        diagram.net("encoder", f"2 × (conv 3×3, max-pool) → {side}×{side}×{model.config.channels[-1]}"),
        diagram.box("code", f'<div class="lsi-num">{model.latent_dim:,} numbers</div>',
                    f"{side}×{side} maps of {model.config.channels[-1]} channels"),
        diagram.net("decoder", "2 × (conv 3×3, upsample), conv → 28×28"),
        diagram.box("clean x̂", diagram.image_tag(clean_hat, "the denoised output", 140),
                    f"PSNR {scores['clean']['psnr']:.1f} dB · SSIM {scores['clean']['ssim']:.2f}"),
        diagram.box("target: clean x", diagram.image_tag(x, caption, 140), caption),
        label="The denoising autoencoder, left to right", last_join=diagram.COMPARE))
    st.caption("Trained on pairs (noisy x, clean x): the loss compares x̂ with the *clean* image, so the network "
               "learns to remove the noise, not to copy it. PSNR: higher is closer to the clean image.")
