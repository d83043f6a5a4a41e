"""The app's glossary: the technical words its pages use, each in classroom language (shown from the sidebar on
every page)."""

from __future__ import annotations

import streamlit as st

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
                        "space evenly, so there can be empty regions (gaps) where the decoder draws nonsense.",
    "VAE": "A *variational* autoencoder: the encoder gives a small cloud (a mean and a spread) instead of one point, "
           "and training keeps those clouds close to a standard bell curve, so the space has no gaps.",
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
             "packs the codes closer to the prior at the cost of blurrier reconstructions.",
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


def render() -> None:
    """The glossary as a list of terms (inside the sidebar's popover)."""
    st.markdown("\n".join(f"**{term}** — {text}" + "\n" for term, text in TERMS.items()))
