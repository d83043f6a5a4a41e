"""Python's answers on fixed inputs, for the browser's pure functions (``explorer/ui/widgets/live/core.js``) to be
checked against by the node tests beside this file (``node --test tests/js/``).

``python -m tests.js.make_fixtures`` writes ``fixtures/``: the shipped 2-D VAE's decoder payload as the browser gets
it (:func:`explorer.live.decoder_payload`) with Python's decodes at a few z; a small link grid and quality map as
their payloads with :func:`explorer.teaching.linked` and :func:`explorer.quality.value_at` at fixed points; a pad
surface as :func:`explorer.ui.widgets.live.surface` makes it; numpy.interp cases; and a payload of float16 special
values. ``tests/test_live_js.py`` checks that the written fixtures are what this makes now (the decoder's: its
format, as the shipped weights may be retrained)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).parent / "fixtures"
DECODER = "mnist-vae-2d"
PAYLOAD = FIXTURES / f"{DECODER}.safetensors"
# z exactly representable in float32, so that the float32 model and the browser's float64 read the same inputs;
# within the pads' bound (4) and at its corner.
Z = [[0.0, 0.0], [1.5, -0.75], [-2.5, 2.5], [0.3125, 3.875], [-4.0, -4.0]]


def exact32(a) -> np.ndarray:
    """float64 values that float32 holds exactly (the payloads carry float32)."""
    return np.asarray(a, np.float32).astype(np.float64)


def decoder_case() -> tuple[bytes, dict]:
    """The decoder payload and, at each of :data:`Z`, the model's float32 decode and the browser's computation in
    numpy (:func:`explorer.live.decode_like_browser`: the payload's float16 weights in float64)."""
    from safetensors.numpy import load

    import explorer
    from explorer import latent, live

    model = explorer.load_model(DECODER)
    payload = live.decoder_payload(model, DECODER)
    z = np.array(Z, np.float64)
    model_decode = latent.decode(model, z.astype(np.float32)).reshape(len(z), -1)
    browser_decode = live.decode_like_browser(load(payload), z).reshape(len(z), -1)
    return payload, {"model": DECODER, "payload": PAYLOAD.name, "z": Z,
                     "model_decode": np.round(model_decode.astype(np.float64), 8).tolist(),
                     "browser_decode": np.round(browser_decode, 12).tolist()}


def link_case() -> dict:
    """A 9 x 6 grid of linked positions, and :func:`explorer.teaching.linked` at nodes, between them, on the edges
    and outside (clamped)."""
    from explorer import live, teaching

    rng = np.random.default_rng(28)
    x, y = exact32(np.linspace(-3, 3, 9)), exact32(np.linspace(-2, 2.5, 6))
    z = exact32(rng.normal(size=(len(y), len(x), 2)) * 2)
    grid = teaching.LinkGrid(x, y, z)
    points = [[x[0], y[0]], [x[-1], y[-1]], [x[3], y[2]], [-1.1, 0.35], [2.99, -1.99], [0.0, 2.5], [-3.0, 1.0],
              [-7.5, 0.2], [1.3, 9.0], [20.0, -20.0], *rng.uniform([-3, -2], [3, 2.5], (8, 2)).round(4).tolist()]
    return {"payload": base64.b64encode(live.link_payload(x, y, z, "fixture-link")).decode(), "name": "fixture-link",
            "points": [[float(v) for v in p] for p in points],
            "linked": [teaching.linked(grid, p).astype(np.float64).tolist() for p in points]}


def verdict_case() -> dict:
    """A 5 x 4 quality map and :func:`explorer.quality.value_at` of its verdict, confidence and class at nodes,
    half-way between nodes (equally near: the first wins), on the plane's edge (half a cell beyond the last node:
    inside) and past it (outside: None)."""
    from explorer import live, quality

    rng = np.random.default_rng(4)
    x, y = np.linspace(-2, 2, 5), np.linspace(-1.5, 1.5, 4)            # steps 1: halves 0.5, exact everywhere
    shape = (len(y), len(x))
    qmap = quality.QualityMap(x=x, y=y, confidence=rng.integers(0, 1025, shape) / 1024,   # exact in float16
                              predicted=rng.integers(0, 10, shape), distance_ratio=rng.uniform(0, 2, shape),
                              nearest_encoding=np.zeros(shape), density=np.zeros(shape))
    points = [[-2, -1.5], [2, 1.5], [0, 0.5], [-1.5, 0.0], [0.5, -1.0], [1.5, 1.0], [-2.5, -2.0], [2.5, 2.0],
              [-2.5001, 0], [2.5001, 0], [0, -2.0001], [0, 2.0001], [0.26, -0.74], [-0.49, 1.2], [1.74, -1.9]]
    expected = []
    for p in points:
        data_like = quality.value_at(qmap, qmap.data_like.astype(float), p)
        expected.append(None if np.isnan(data_like) else {
            "dataLike": bool(data_like > 0.5), "confidence": quality.value_at(qmap, qmap.confidence, p),
            "predicted": int(quality.value_at(qmap, qmap.predicted, p))})
    return {"payload": base64.b64encode(live.verdict_payload(qmap, "fixture-verdict")).decode(),
            "name": "fixture-verdict", "points": points, "verdicts": expected}


def surface_case() -> dict:
    """The two kinds of pad surface as :func:`explorer.ui.widgets.live.surface` sends them, built as the Latent
    grid page builds its own (node centres of a 5 x 5 mosaic; a box), with their nodes' latent values."""
    from explorer.ui.widgets import live as widgets

    centers = (np.arange(5) * 28 + 13.5) / (5 * 28 - 1)
    xs, ys = np.array([-3.0, -1.0, 0.0, 0.5, 3.0]), np.linspace(-2, 2, 5)
    nodes = widgets.surface("", 140, 140, "decoded grid", nodes=(centers, centers[::-1], xs, ys))
    box = widgets.surface("", 200, 150, "map", box=((-3.0, -2.0), (3.0, 2.5)))
    drop_html = lambda spec: {k: v for k, v in spec.items() if k != "html"}  # noqa: E731
    return {"nodes": drop_html(nodes), "box": drop_html(box), "centers": centers.round(6).tolist(), "xs": xs.tolist(),
            "ys": ys.tolist()}


def interp_case() -> dict:
    """numpy.interp on uneven nodes, from below the first node to above the last."""
    xs, ys = [-2.0, -0.5, 0.0, 1.25, 4.0], [3.0, -1.0, 0.5, 0.5, 10.0]
    points = [-9.0, -2.0, -1.999, -1.0, -0.5, -0.25, 0.0, 0.7, 1.25, 2.0, 3.999, 4.0, 4.5, 1e9]
    return {"xs": xs, "ys": ys, "points": points, "values": np.interp(points, xs, ys).tolist()}


def tensors_case() -> dict:
    """A payload of float16 special values (zeros, subnormals, the largest, infinities, NaN) and a float32 tensor,
    with its metadata, as safetensors writes it; values as strings where JSON has no number ("inf", "nan")."""
    from safetensors.numpy import save

    bits = np.array([0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x3555, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00,
                     0x7E00], np.uint16)
    h = bits.view(np.float16)
    f = np.array([[0.1, -2.5, 3e-39], [1e30, -0.0, 7.0]], np.float32)
    show = lambda a: [v if np.isfinite(v) else str(v) for v in a.astype(np.float64).ravel().tolist()]  # noqa: E731
    payload = save({"h": h, "f": f}, metadata={"name": "fixture-tensors", "kind": "test"})
    return {"payload": base64.b64encode(payload).decode(), "metadata": {"name": "fixture-tensors", "kind": "test"},
            "bits": bits.tolist(), "h": show(h), "f": show(f), "f_shape": list(f.shape)}


def lookups() -> dict:
    """Everything but the decoder, in one JSON object."""
    return {"link": link_case(), "verdict": verdict_case(), "surface": surface_case(), "interp": interp_case(),
            "tensors": tensors_case()}


def text(obj, indent: int | None = 1) -> str:
    return json.dumps(obj, indent=indent) + "\n"


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    payload, decoder = decoder_case()
    PAYLOAD.write_bytes(payload)
    (FIXTURES / "decoder.json").write_text(text(decoder, None))
    (FIXTURES / "lookups.json").write_text(text(lookups()))
    for path in sorted(FIXTURES.iterdir()):
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
