"""Model families and the registry that maps a config's ``kind`` to its class."""

from .ae import AE, AEConfig
from .base import Model
from .classifier import Classifier, ClassifierConfig
from .dae import DAE, DAEConfig
from .infogan import InfoGAN, InfoGANConfig
from .vae import VAE, VAEConfig

REGISTRY: dict[str, tuple[type[Model], type]] = {
    "ae": (AE, AEConfig),
    "vae": (VAE, VAEConfig),
    "infogan": (InfoGAN, InfoGANConfig),
    "classifier": (Classifier, ClassifierConfig),
    "dae": (DAE, DAEConfig),
}

__all__ = ["AE", "AEConfig", "VAE", "VAEConfig", "InfoGAN", "InfoGANConfig", "Classifier", "ClassifierConfig", "DAE", "DAEConfig",
           "Model", "REGISTRY"]
