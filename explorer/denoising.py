"""Denoising compared: the noisy input, a 3 x 3 median filter (the classic salt-and-pepper baseline), the plain
16-D autoencoder and the denoising autoencoder, scored by PSNR and SSIM against the clean images."""

from __future__ import annotations

import numpy as np
import torch

from . import noise
from .metrics import psnr, ssim

METHODS = ("noisy input", "median filter 3×3", "autoencoder (16-D)", "denoising autoencoder")
AMOUNTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)      # the published curve's noise amounts
BAR_AMOUNTS = (0.1, 0.2, 0.3, 0.4, 0.5)            # where the DAE must beat the median filter
SEED = 0


def median_filter(images: np.ndarray) -> np.ndarray:
    """Each image through a 3 x 3 median filter (edges reflected): [N, 28, 28] -> [N, 28, 28]."""
    from scipy.ndimage import median_filter as scipy_median

    return scipy_median(np.asarray(images, np.float32).reshape(-1, 28, 28), size=(1, 3, 3), mode="reflect")


def noisy(images: np.ndarray, kind: str, amount: float, seed: int = SEED) -> np.ndarray:
    """Clean images [N, 28, 28] in [0, 1] corrupted by ``kind`` at ``amount`` (:func:`explorer.noise.corrupt`)."""
    x = torch.from_numpy(np.asarray(images, np.float32).reshape(-1, 1, 28, 28))
    return noise.corrupt(x, kind, amount, torch.Generator().manual_seed(seed)).numpy().reshape(-1, 28, 28)


def _batched(fn, x: np.ndarray, size: int = 1000) -> np.ndarray:
    t = torch.from_numpy(np.asarray(x, np.float32).reshape(-1, 1, 28, 28))
    return np.concatenate([fn(b).numpy() for b in t.split(size)]).reshape(-1, 28, 28)


def restore(dae, autoencoder, corrupted: np.ndarray) -> dict[str, np.ndarray]:
    """Every method's output for the corrupted images, by :data:`METHODS` name."""
    return {METHODS[0]: np.asarray(corrupted, np.float32).reshape(-1, 28, 28),
            METHODS[1]: median_filter(corrupted),
            METHODS[2]: _batched(lambda b: autoencoder.decode(autoencoder.encode(b)), corrupted),
            METHODS[3]: _batched(dae.denoise, corrupted)}


def scores(outputs: dict[str, np.ndarray], clean: np.ndarray) -> dict[str, dict[str, float]]:
    """Mean PSNR (dB) and SSIM of each method's outputs against the clean images."""
    return {m: {"psnr": float(psnr(out, clean).mean()), "ssim": float(ssim(out, clean).mean())}
            for m, out in outputs.items()}


def curve(dae, autoencoder, clean: np.ndarray, kind: str = "salt and pepper", amounts=AMOUNTS,
          seed: int = SEED) -> dict:
    """Mean PSNR and SSIM of every method at each noise amount: {"amounts", "psnr": {method: [...]}, "ssim": ...}."""
    out = {"kind": kind, "amounts": [float(a) for a in amounts], "psnr": {m: [] for m in METHODS},
           "ssim": {m: [] for m in METHODS}}
    for amount in amounts:
        for method, s in scores(restore(dae, autoencoder, noisy(clean, kind, amount, seed)), clean).items():
            out["psnr"][method].append(s["psnr"])
            out["ssim"][method].append(s["ssim"])
    return out


def gains_over_median(result: dict) -> list[float]:
    """The DAE's mean PSNR minus the median filter's (dB) at each amount of :data:`BAR_AMOUNTS`."""
    at = {a: i for i, a in enumerate(result["amounts"])}
    return [result["psnr"][METHODS[3]][at[a]] - result["psnr"][METHODS[1]][at[a]] for a in BAR_AMOUNTS]


def beats_median(result: dict) -> bool:
    """The bar: the DAE's mean PSNR above the median filter's at every amount of :data:`BAR_AMOUNTS`."""
    return min(gains_over_median(result)) > 0


def at_amount(result: dict, amount: float) -> dict[str, dict[str, float]]:
    """Every method's mean PSNR and SSIM at one recorded noise amount: {method: {"psnr", "ssim"}}."""
    i = [round(a, 6) for a in result["amounts"]].index(round(amount, 6))
    return {m: {"psnr": result["psnr"][m][i], "ssim": result["ssim"][m][i]} for m in METHODS}
