"""What the browser needs to draw decodes itself while the pointer moves: numpy in, bytes or numpy out, no Streamlit.

- An AE/VAE decoder is a small MLP (z -> 256 -> 512 -> 784, ~0.5 M multiply-adds): :func:`decoder_payload` packs its
  layers as float16 in the safetensors format (8-byte header length, JSON header, raw little-endian tensors), which
  the browser reads with a few lines of JavaScript and evaluates exactly (float16 weights: at most one grey level
  from the server's float32 decode).
- A 2-D model's decode-quality map (:class:`explorer.quality.QualityMap`) goes as :func:`verdict_payload`, so that
  the hover card can say, under each decode, the verdict of the nearest scored grid point
  (:func:`explorer.quality.value_at`).
- InfoGAN's generator (6.6 M parameters) stays on the server: :func:`code_frames` renders the images along one
  slider's range in one batched call, and the browser swaps frames while the thumb moves; :func:`switch_frames`
  renders what a click on a category or on "New noise" leads to, so that the browser can show it at once.
"""

from __future__ import annotations

import numpy as np
import torch
from safetensors.numpy import save

from .latent import infogan_generate, infogan_noise

# The live sliders' grid of values: the st.slider they replace ran over -2...2 in steps of 0.05.
CODE_RANGE = (-2.0, 2.0)
CODE_STEP = 0.05


def code_values() -> np.ndarray:
    """The values a live code slider can take: -2, -1.95, ..., 2 (81 values)."""
    lo, hi = CODE_RANGE
    return np.round(np.linspace(lo, hi, int(round((hi - lo) / CODE_STEP)) + 1), 2)


def snap_code(value: float) -> float:
    """A code value clipped to the slider's range and rounded to its step (what the slider can show)."""
    return float(np.clip(np.round(float(value) / CODE_STEP) * CODE_STEP, *CODE_RANGE).round(2))


def decoder_layers(model) -> list[torch.nn.Linear]:
    """The Linear layers of an AE/VAE decoder, in order (ReLU between them, a sigmoid after the last)."""
    decoder = getattr(model, "decoder", None)
    if model.kind not in ("ae", "vae") or decoder is None:
        raise ValueError(f"only AE/VAE decoders run in the browser; got a {model.kind} model")
    layers = [m for m in decoder if isinstance(m, torch.nn.Linear)]
    others = [m for m in decoder if not isinstance(m, (torch.nn.Linear, torch.nn.ReLU))]
    if others:
        raise ValueError(f"the browser decoder knows Linear and ReLU layers only; got {type(others[0]).__name__}")
    return layers


def decoder_payload(model, name: str) -> bytes:
    """The decoder as safetensors bytes: tensors ``w0, b0, w1, b1, ...`` (float16; w is [out, in]); its metadata
    names the model so that the browser can register it under ``name``."""
    tensors = {}
    for i, layer in enumerate(decoder_layers(model)):
        tensors[f"w{i}"] = layer.weight.detach().cpu().numpy().astype(np.float16)
        tensors[f"b{i}"] = layer.bias.detach().cpu().numpy().astype(np.float16)
    return save(tensors, metadata={"name": name, "latent_dim": str(model.latent_dim)})


def link_payload(x: np.ndarray, y: np.ndarray, z: np.ndarray, name: str) -> bytes:
    """A grid of linked positions (:class:`explorer.teaching.LinkGrid`: node axes ``x``, ``y`` and positions ``z``
    [ny, nx, 2]) as float32 safetensors bytes, registered by the browser under ``name``."""
    return save({"x": np.asarray(x, np.float32), "y": np.asarray(y, np.float32),
                 "z": np.ascontiguousarray(z, np.float32)}, metadata={"name": name, "kind": "link"})


def verdict_payload(qmap, name: str) -> bytes:
    """A :class:`explorer.quality.QualityMap`'s grid axes (float32) and, per grid point, whether its decode is
    data-like, the classifier's confidence and its predicted class (float16: 0/1, 3 digits, whole numbers < 2048),
    registered by the browser under ``name``."""
    grids = {"data_like": qmap.data_like, "confidence": qmap.confidence, "predicted": qmap.predicted}
    return save({"x": np.asarray(qmap.x, np.float32), "y": np.asarray(qmap.y, np.float32),
                 **{k: np.ascontiguousarray(v, np.float16) for k, v in grids.items()}},
                metadata={"name": name, "kind": "verdict"})


def decode_like_browser(payload_tensors: dict[str, np.ndarray], z: np.ndarray) -> np.ndarray:
    """The browser's computation in numpy (float16 weights, float64 arithmetic): images [N, 28, 28] in [0, 1]."""
    h = np.atleast_2d(np.asarray(z, np.float64))
    n = len(payload_tensors) // 2
    for i in range(n):
        h = h @ payload_tensors[f"w{i}"].astype(np.float64).T + payload_tensors[f"b{i}"].astype(np.float64)
        if i < n - 1:
            h = np.maximum(h, 0.0)
    return (1.0 / (1.0 + np.exp(-h))).reshape(-1, 28, 28)


def switch_frames(model, categories, c1: int, c2: float, c3: float, seed: int) -> np.ndarray:
    """InfoGAN images [len(categories) + 1, 28, 28] that a click shows before the server answers: each of
    ``categories`` at (c2, c3) with the noise of ``seed``, then category ``c1`` with the noise of ``seed + 1`` (what
    "New noise" draws next): one batched call."""
    k = len(categories)
    z = np.concatenate([np.repeat(infogan_noise(model, seed), k, 0), infogan_noise(model, seed + 1)])
    return infogan_generate(model, [*map(int, categories), int(c1)], [c2], [c3], z)


def code_frames(model, c1: int, code: str, other: float, seed: int) -> np.ndarray:
    """InfoGAN images [81, 28, 28] (float32 in [0, 1]) along ``code`` ("c2" or "c3") over :func:`code_values`, with
    category ``c1``, the other continuous code at ``other`` and the noise of ``seed``: one batched call."""
    if code not in ("c2", "c3"):
        raise ValueError(f"code must be 'c2' or 'c3'; got {code!r}")
    values = code_values().astype(np.float32)
    fixed = np.full_like(values, other)
    c2, c3 = (values, fixed) if code == "c2" else (fixed, values)
    return infogan_generate(model, [int(c1)], c2, c3, infogan_noise(model, seed))
