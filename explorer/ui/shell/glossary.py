"""The app's glossary: the technical words its pages use, each in classroom language (shown from the sidebar on
every page)."""

from __future__ import annotations

import streamlit as st

import explorer
from explorer import names

from explorer.ui.shell import cache

# The page that shows these terms with one image's numbers (its URL path: explorer/ui/shell/pages.py).
INSIDE_LINK = "See it for one image on [Inside the models](/Inside_the_models)."

TERMS: dict[str, str] = {
    "Latent space": "The few numbers a network squeezes an image into (its *latent code*). Similar images should "
                    "get similar numbers; the Latent map draws every test image at its numbers.",
    "Encoder / decoder": "The encoder turns an image into its latent code; the decoder turns a code back into an "
                         "image. An autoencoder is the two trained together to give back what went in.",
    "Reconstruction": "What the decoder draws from an image's own code: how much of the image survived the "
                      "squeeze. Its error (the *reconstruction loss*) is how far the pixels are off.",
    "Autoencoder (AE)": "An encoder and a decoder trained only to reconstruct. Nothing asks its codes to fill the "
                        "space evenly or to follow a bell curve, so there are empty regions (gaps) between its "
                        "encodings and no good rule for where to decode a new image{ae_prior}.",
    "VAE": "A *variational* autoencoder: the encoder gives a small cloud (a mean and a spread) instead of one point, "
           "and training keeps those clouds close to a standard bell curve, so random draws from that curve mostly "
           "decode to sensible images{vae_prior}. Its plane still has places no image was encoded near.",
    "Prior": "What the codes should look like before seeing any image: for a VAE a standard bell curve N(0, I) "
             "around the origin. Sampling from the prior and decoding makes new images.",
    "Posterior": "For one image, the cloud of codes the VAE's encoder thinks could have produced it (a mean and a "
                 "spread per number).",
    "KL divergence": "A measure of how different two probability clouds are. In a VAE it measures how far each "
                     "image's posterior cloud is from the prior; training keeps it small. " + INSIDE_LINK,
    "ELBO": "Evidence lower bound: the VAE's training score, reconstruction quality minus the KL divergence. The "
            "app reports the negative ELBO (NELBO) in nats: lower is better. " + INSIDE_LINK,
    "Reparameterisation": "How a VAE samples a code so that training can still follow the gradient: z = μ + σ·ε, "
                          "with ε drawn from N(0, I) and μ, σ from the encoder. " + INSIDE_LINK,
    "β-VAE": "A VAE whose KL term is weighted by β. β = 0 is a plain autoencoder, β = 1 the usual VAE; a larger β "
             "packs the codes closer to the prior, in theory at a cost in reconstruction{beta_recon}.",
    "PCA": "Principal component analysis: the flat 2-D view of many numbers that keeps the most spread. Exact and "
           "reversible along the plane it shows.",
    "UMAP": "A way to draw many-number codes on a flat map that keeps neighbours together. Good for seeing groups, "
            "but distances between groups mean little and it has no exact way back from the map.",
    "InfoGAN codes": "An InfoGAN is a generator steered by codes: c1 picks one of 10 categories, c2 and c3 are "
                     "sliders. Nobody tells it what they mean; it finds factors (like slant or width) it can read "
                     "back off its own images.",
    "Category purity": "For an InfoGAN category: the share of its images the classifier reads as the class the "
                       "category is matched to. Low purity means the category draws a mix.",
    "Hungarian matching": "The one-to-one pairing of InfoGAN categories with classes that gets the most images "
                          "right (each category gets a different class).",
    "PSNR / SSIM": "Two scores for how close a cleaned-up image is to the original: PSNR (in dB) from the pixel "
                   "error, higher is closer; SSIM (up to 1) from local structure, closer to 1 is more alike.",
    "Fréchet distance": "How far a pile of generated images is from a pile of real ones, compared through a "
                        "classifier's features: lower means the generated ones look more like the real ones.",
    "Precision / recall": "For generated images: precision is how many look like real ones (quality); recall is "
                          "how much of the real variety they cover (diversity). Both run from 0 to 1.",
    "Data-like": "The app's rule for a decoded image that looks like the data: the classifier is sure what it "
                 "is, and it is about as close to a real test image as real images are to each other.",
}


MEASURED_ON = "fashion"          # the dataset whose shipped models the glossary quotes
RECON_FLAT = 0.02                 # reconstruction errors within 2% of each other "hardly move"


def measured(dataset: str = MEASURED_ON) -> dict[str, str]:
    """The glossary's measured clauses, from the shipped models' recorded evaluation (``metrics.json``); a clause
    whose models are not shipped is left out."""
    shipped = set(explorer.list_models())
    title = explorer.DATASETS[dataset].title
    prior, recon = {}, {}
    for kind in ("ae", "vae"):
        name = names.model_name(dataset, kind, 2)
        if name in shipped:
            prior[kind] = cache.metrics(name).get("eval", {}).get("gaps", {}).get("prior_data_like")
    for beta, name in ((0.0, names.model_name(dataset, "ae", 2)), (1.0, names.model_name(dataset, "vae", 2)),
                       (2.0, names.beta_name(dataset, 2.0))):
        if name in shipped:
            recon[beta] = cache.metrics(name).get("eval", {}).get("test_recon")
    out = {"ae_prior": "", "vae_prior": "", "beta_recon": ""}
    if prior.get("ae") is not None and prior.get("vae") is not None:
        out["ae_prior"] = f" (on {title}, {prior['ae']:.0%} of random draws decode to something data-like)"
        out["vae_prior"] = f" (on {title}, {prior['vae']:.0%} of them; the plain autoencoder's {prior['ae']:.0%})"
    if len(recon) == 3 and None not in recon.values():
        flat = (max(recon.values()) - min(recon.values())) / min(recon.values()) < RECON_FLAT
        said = "hardly moves" if flat else "changes"
        out["beta_recon"] = (f"; with two numbers per image the shipped models' reconstruction error {said}: "
                             f"{recon[0.0]:.0f}, {recon[1.0]:.0f} and {recon[2.0]:.0f} nats on {title} at "
                             "β = 0, 1 and 2")
    return out


def terms(dataset: str = MEASURED_ON) -> dict[str, str]:
    """The glossary with its measured clauses filled in."""
    clauses = measured(dataset)
    return {term: text.format(**clauses) for term, text in TERMS.items()}


def render() -> None:
    """The glossary as a list of terms (inside the sidebar's popover)."""
    st.markdown("\n".join(f"**{term}** — {text}" + "\n" for term, text in terms().items()))
