"""The training recipe of every shipped model: its config, optimiser settings and epochs. One table, so that
``python -m explorer.train <name>`` reproduces a shipped checkpoint from its name alone."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .data import DATASETS
from .names import beta_name, model_name
from .models import REGISTRY, AEConfig, ClassifierConfig, DAEConfig, InfoGANConfig, VAEConfig


@dataclass(frozen=True)
class AutoencoderTraining:
    """Options of an AE or VAE run."""

    snapshot_epochs: tuple[int, ...] = ()   # epochs whose test encodings are saved (0 = before training)


@dataclass(frozen=True)
class ClassifierTraining:
    """Options of a classifier run."""

    shift_pixels: int = 0                   # training images shifted at random by up to this many pixels


@dataclass(frozen=True)
class InfoGANTraining:
    """Options of an InfoGAN run: Adam for G + Q (D and the trunk use the recipe's ``lr``), the information loss's
    weights and the schedules that change them, and the finishing steps for the image readers (trunk + Q head)."""

    g_lr: float = 1e-3
    betas: tuple[float, float] = (0.5, 0.999)
    cat_weight: float = 1.0                 # lambda for the categorical code's information term
    cont_weight: float = 1.0                # lambda for the continuous codes' ...
    cont_weight_from: tuple[int, float] | None = None   # (epoch, lambda): the continuous weight from that epoch on
    q_shift_from: tuple[int, int] | None = None         # (epoch, pixels): Q reads the fakes shifted from then on
    average_epochs: int = 0                 # average the readers' weights over the last this many epochs
    recalibrate_bn: bool = False            # recompute the readers' BatchNorm statistics on the training images


@dataclass(frozen=True)
class DenoisingTraining:
    """Options of a denoising autoencoder run: each training image gets salt-and-pepper noise of an amount drawn
    uniformly from 0 to ``max_noise`` (the fraction of pixels replaced, half by 0 and half by 1)."""

    max_noise: float = 0.6
    test_noise: float = 0.3                 # the amount of the per-epoch test figure (PSNR of the denoised images)


TRAINING = {"ae": AutoencoderTraining, "vae": AutoencoderTraining, "classifier": ClassifierTraining,
            "infogan": InfoGANTraining, "dae": DenoisingTraining}

# The KL weights of the AE -> VAE continuum (beta = 0 is the plain autoencoder, beta = 1 the VAE): 2-D VAEs trained
# exactly as ``<ds>-vae-2d`` but for beta.
BETAS = (0.01, 0.03, 0.1, 0.3, 2.0)


def training_options(kind: str, values: dict):
    """A family's training options from a dict (a recorded recipe): unknown keys are an error, not ignored."""
    cls = TRAINING[kind]
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(f"unknown {kind} training options {unknown}; known: {sorted(names)}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


@dataclass(frozen=True)
class Recipe:
    """How a model is trained: its architecture (``model``, a config dataclass), the optimiser settings every
    family shares, and the family's own ``training`` options (:data:`TRAINING`)."""

    name: str
    model: object
    epochs: int
    batch_size: int = 128
    lr: float = 1e-3
    seed: int = 0
    lr_drop_epochs: int = 0       # the last this many epochs run at a tenth of the learning rate
    training: object = None       # the family's options; None: its defaults
    half: bool = False            # store the weights as float16 (the app computes in float32)

    def __post_init__(self):
        cls = TRAINING[self.kind]
        if self.training is None:
            object.__setattr__(self, "training", cls())
        elif not isinstance(self.training, cls):
            raise TypeError(f"{self.name}: a {self.kind} recipe takes {cls.__name__}, not "
                            f"{type(self.training).__name__}")

    @property
    def kind(self) -> str:
        return next(kind for kind, (_, config) in REGISTRY.items() if isinstance(self.model, config))

    @property
    def snapshot_epochs(self) -> tuple[int, ...]:
        return getattr(self.training, "snapshot_epochs", ())


# The paper's InfoGAN at half width (conv 32/64, FC 512): 4x cheaper per step on a CPU (0.10 s vs 0.39 s for a
# batch of 64 on one thread here), so several seeds fit where one paper-sized run would.
_SLIM_GAN = dict(g_channels=(64, 32), d_channels=(32, 64), g_hidden=512, d_hidden=512)

_SNAPSHOTS = (0, 1, 2, 3, 4, 6, 8, 11, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120)


def _recipes() -> dict[str, Recipe]:
    table: dict[str, Recipe] = {}
    for ds in DATASETS:
        big = ds == "fashion"            # 60,000 training images instead of MNIST-10k's 8,000
        for kind, config_cls in (("ae", AEConfig), ("vae", VAEConfig)):
            for dim in (2, 16):
                name = model_name(ds, kind, dim)
                # 60k images: fewer passes; the 16-D models converge slower than the 2-D ones.
                ae_epochs = (50 if dim == 16 else 30) if big else 120
                lr_drop = 0
                if big and kind == "vae":   # Fashion VAEs: 10 more epochs at lr/10 settle the ELBO (~1-2 nats)
                    ae_epochs, lr_drop = ae_epochs + 10, 10
                snapshots = tuple(e for e in _SNAPSHOTS if e <= ae_epochs)
                table[name] = Recipe(name, config_cls(dataset=ds, latent_dim=dim), epochs=ae_epochs,
                                     lr_drop_epochs=lr_drop, training=AutoencoderTraining(snapshots))
        base = table[model_name(ds, "vae", 2)]
        for beta in BETAS:
            name = beta_name(ds, beta)
            table[name] = Recipe(name, VAEConfig(dataset=ds, latent_dim=2, beta=beta), epochs=base.epochs,
                                 lr_drop_epochs=base.lr_drop_epochs, half=True)   # float16: ten more models
        # Denoising: the Keras example's conv shape; 60k images converge in few passes (0.13 s per batch of 128).
        dae = model_name(ds, "dae")
        table[dae] = Recipe(dae, DAEConfig(dataset=ds), epochs=15 if big else 60,
                                    lr_drop_epochs=3 if big else 10, training=DenoisingTraining())
        # Three small conv blocks (16/32/64): 2.0M multiply-adds per image, half the cost of a 32/64 two-block
        # CNN at the same accuracy, so the teaching views score a 50x50 heatmap well inside 200 ms.
        classifier = model_name(ds, "classifier")
        table[classifier] = Recipe(classifier, ClassifierConfig(dataset=ds),
                                           epochs=20 if big else 30, lr_drop_epochs=5,
                                           training=ClassifierTraining(shift_pixels=2))
        # MNIST: the paper's full width (at half width the categories mix digits: c1 accuracy 0.66); Fashion (no
        # bar, 7.5x the data per epoch): half width for 60 epochs (G's samples read as their category's class
        # 30% -> 48% -> 52% of the time after 6, 30, 60 epochs). MNIST's last 120 epochs also average the weights
        # of the image readers (trunk + Q head), whose BatchNorm statistics are then recomputed on the training
        # images. From epoch 201 the continuous codes' information weight drops to 0.1 (chosen by
        # G's generated-class accuracy among 1, 0.3 and 0.1) and Q reads the fakes through random shifts of up to
        # 2 px, so Q cannot rely on position cues (c1 accuracy on the training digits 0.950 -> 0.965).
        # Every run: docs/experiments.md.
        late_phase = {} if big else {"average_epochs": 120, "recalibrate_bn": True, "cont_weight_from": (201, 0.1),
                                     "q_shift_from": (201, 2)}
        infogan = model_name(ds, "infogan")
        table[infogan] = Recipe(
            infogan, InfoGANConfig(dataset=ds, **(_SLIM_GAN if big else {})), epochs=60 if big else 320,
            batch_size=64, lr=2e-4, training=InfoGANTraining(g_lr=1e-3, betas=(0.5, 0.999), **late_phase),
            half=True)
    return table


RECIPES = _recipes()


def get_recipe(name: str) -> Recipe:
    try:
        return RECIPES[name]
    except KeyError:
        raise ValueError(f"no recipe named {name!r}; choose from {sorted(RECIPES)}") from None
