"""The checkpoint naming scheme, built and parsed here and nowhere else.

A model's name is ``<dataset>-<suffix>``: the dataset (``mnist``, ``fashion``) and what the model is, e.g.
``vae-2d`` (kind and latent size of an AE or VAE), ``vae-2d-beta0p01`` (a β-VAE; ``p`` stands for the decimal point,
which a name may not hold), ``infogan``, ``dae`` or ``classifier``. Names use the alphabet ``[a-z0-9-]``.

A model trained in the app (``explorer.train_job``) is ``yours-<dataset>-<kind>-<n>d-<digest>``: the digest (12 hex
digits) stands for all its settings, so the same settings and seed give the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")          # a whole name: use is_name (NAME.fullmatch)
TRAINED = "yours"                                        # the first word of a model trained in the app
_TRAINED = re.compile(r"yours-(?P<dataset>[a-z]+)-(?P<kind>ae|vae)-(?P<dim>[0-9])d-(?P<digest>[0-9a-f]{12})")
_SUFFIX = re.compile(r"^(?P<kind>[a-z]+)(?:-(?P<dim>[0-9]+)d)?(?:-beta(?P<beta>[0-9]+(?:p[0-9]+)?))?$")

# What each kind of model is called in the app (menus, tables, captions).
LABELS = {"vae-2d": "VAE · 2-D latent", "ae-2d": "Autoencoder · 2-D latent", "vae-16d": "VAE · 16-D latent",
          "ae-16d": "Autoencoder · 16-D latent", "infogan": "InfoGAN", "dae": "Denoising autoencoder",
          "classifier": "Classifier"}
# The two kinds the AE-vs-VAE pages compare, as their titles say them.
KIND_TITLES = {"ae": "Autoencoder (AE)", "vae": "Variational autoencoder (VAE)"}


@dataclass(frozen=True)
class ModelName:
    """A parsed model name."""

    dataset: str
    kind: str
    latent_dim: int | None = None
    beta: float | None = None

    @property
    def suffix(self) -> str:
        """The name after its dataset: ``vae-2d``, ``vae-2d-beta0p3``, ``infogan``."""
        text = self.kind + (f"-{self.latent_dim}d" if self.latent_dim is not None else "")
        return text + (f"-beta{self.beta:g}".replace(".", "p") if self.beta is not None else "")

    def __str__(self) -> str:
        return f"{self.dataset}-{self.suffix}"

    @property
    def label(self) -> str:
        """What the app calls this kind of model: "VAE · 2-D latent", "β-VAE · 2-D latent, β = 0.3"."""
        if self.beta is not None:
            return f"β-VAE · {self.latent_dim}-D latent, β = {self.beta:g}"
        return LABELS.get(self.suffix, self.suffix)


def model_name(dataset: str, kind: str, latent_dim: int | None = None, beta: float | None = None) -> str:
    """``mnist-vae-2d``, ``fashion-infogan``, ``fashion-vae-2d-beta0p3``."""
    return str(ModelName(dataset, kind, latent_dim, beta))


def beta_name(dataset: str, beta: float) -> str:
    """A β-VAE of the AE → VAE continuum: the 2-D VAE's recipe with another KL weight."""
    return model_name(dataset, "vae", 2, beta)


def join(dataset: str, suffix: str) -> str:
    """A dataset and a suffix (``vae-2d``) as a model name."""
    return f"{dataset}-{suffix}"


def is_name(text: object) -> bool:
    """Whether ``text`` is a name of the alphabet: a string that fully matches :data:`NAME` (no trailing newline)."""
    return isinstance(text, str) and NAME.fullmatch(text) is not None


def parse(name: str) -> ModelName | None:
    """The parts of a name of this scheme, or None for a name outside it (another alphabet, an unknown dataset)."""
    from .data import DATASETS

    if not is_name(name):
        return None
    dataset, _, suffix = name.partition("-")
    match = _SUFFIX.fullmatch(suffix)
    if dataset not in DATASETS or match is None:
        return None
    dim, beta = match["dim"], match["beta"]
    return ModelName(dataset, match["kind"], int(dim) if dim else None,
                     float(beta.replace("p", ".")) if beta else None)


def suffix(name: str) -> str:
    """The part of a model name after its dataset (the name itself when it is outside the scheme)."""
    parsed = parse(name)
    return parsed.suffix if parsed else name


def label(name_or_suffix: str) -> str:
    """What the app calls a model, from its name or its suffix."""
    parsed = parse(name_or_suffix) or parse(join("mnist", name_or_suffix))
    return parsed.label if parsed else name_or_suffix


def trained_name(dataset: str, kind: str, latent_dim: int, digest: str) -> str:
    """``yours-fashion-vae-2d-0123456789ab``: a model trained in the app (``digest``: 12 hex digits of its
    settings)."""
    name = f"{TRAINED}-{dataset}-{kind}-{latent_dim}d-{digest}"
    if _TRAINED.fullmatch(name) is None:
        raise ValueError(f"not a trained model's name: {name!r}")
    return name


def parse_trained(name: object) -> ModelName | None:
    """The dataset, kind and latent size of a model trained in the app, or None for any other name."""
    from .data import DATASETS

    match = _TRAINED.fullmatch(name) if isinstance(name, str) else None
    if match is None or match["dataset"] not in DATASETS:
        return None
    return ModelName(match["dataset"], match["kind"], int(match["dim"]))


def is_trained(name: object) -> bool:
    """Whether ``name`` names a model trained in the app (a folder of the trained-models root, not checkpoints/)."""
    return parse_trained(name) is not None
