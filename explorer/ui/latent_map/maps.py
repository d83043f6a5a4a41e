"""The latent map's glue: what a click or a box/lasso selection on the map means (a test image, a position to decode,
or a set of images), in the page URL too, and the decodes it leads to. The maps themselves are
:mod:`explorer.ui.shell.projections`."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

import numpy as np

from explorer import projection as proj
from explorer.latent import decode, infogan_codes_from_features, infogan_decode_codes, infogan_noise

from explorer.ui.kit import events, figures
from explorer.ui.shell import cache
from explorer.ui.shell.projections import MIN_DIST, NEIGHBORS, inverse_map, projection

# --- what an interaction means ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MapPick:
    """A click on a test image (``index``), a click on empty space (``xy``), or a box/lasso (``indices``)."""

    kind: str                                # "point", "empty" or "selection"
    xy: tuple[float, float] | None = None
    index: int | None = None
    indices: tuple[int, ...] = ()


def read_event(event, labels: np.ndarray) -> MapPick | None:
    """Interpret a ``st.plotly_chart`` selection event (a mapping) on a :func:`figures.latent_map` figure."""
    selection = event.get("selection", event) if hasattr(event, "get") else None
    points = events.points(selection)
    per_class = [np.flatnonzero(labels == k) for k in range(10)]

    def test_index(point) -> int | None:
        curve, index = point["curve_number"], point["point_index"]
        if 1 <= curve <= 10 and index < len(per_class[curve - 1]):
            return int(per_class[curve - 1][index])
        return None

    if events.is_area(selection):
        indices = sorted({i for p in points if (i := test_index(p)) is not None})
        return MapPick("selection", indices=tuple(indices)) if indices else None
    if len(points) != 1 or points[0]["x"] is None:
        return None
    point = points[0]
    xy = (point["x"], point["y"])
    if point["curve_number"] == figures.GRID_TRACE:
        return MapPick("empty", xy=xy)
    index = test_index(point)
    return MapPick("point", xy=xy, index=index) if index is not None else None


PICK_TEXT_MAX = 4096        # a link's pick: "p<index>", "e<x>,<y>" or "s<bitmask>" (10,000 images: < 1,700 chars)
POSITION_MAX = 1e3          # a linked empty-space position beyond this is refused (the maps span tens of units)


def pick_text(pick: MapPick, n: int) -> str:
    """A pick as link text: a test image by index, an empty-space position, or a selection as a bitmask over the
    ``n`` test images (zlib, base64url)."""
    if pick.kind == "point":
        return f"p{pick.index}"
    if pick.kind == "empty":
        return f"e{pick.xy[0]:.6g},{pick.xy[1]:.6g}"
    bits = np.zeros(n, bool)
    bits[list(pick.indices)] = True
    return "s" + base64.urlsafe_b64encode(zlib.compress(np.packbits(bits).tobytes(), 9)).decode().rstrip("=")


def parse_pick(text: str, coords: np.ndarray) -> MapPick:
    """The pick :func:`pick_text` wrote, on a map whose test images lie at ``coords`` [n, 2]; ``ValueError`` for
    anything else (checked before anything is decoded or allocated)."""
    n = len(coords)
    if not isinstance(text, str) or not 2 <= len(text) <= PICK_TEXT_MAX:
        raise ValueError("length")
    kind, body = text[0], text[1:]
    if kind == "p":
        if not body.isdigit() or len(body) > 6 or int(body) >= n:
            raise ValueError("index")
        index = int(body)
        return MapPick("point", xy=(float(coords[index][0]), float(coords[index][1])), index=index)
    if kind == "e":
        parts = body.split(",")
        if len(parts) != 2 or any(len(v) > 24 for v in parts):
            raise ValueError("position")
        x, y = float(parts[0]), float(parts[1])
        if not (np.isfinite([x, y]).all() and max(abs(x), abs(y)) <= POSITION_MAX):
            raise ValueError("position")
        return MapPick("empty", xy=(x, y))
    if kind == "s":
        if not re.fullmatch(r"[A-Za-z0-9_-]+", body):
            raise ValueError("alphabet")
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            inflate = zlib.decompressobj()
            raw = inflate.decompress(packed, (n + 7) // 8 + 1)
        except (ValueError, zlib.error) as e:
            raise ValueError("selection") from e
        if len(raw) != (n + 7) // 8 or inflate.unconsumed_tail or not inflate.eof or inflate.unused_data:
            raise ValueError("selection")
        bits = np.unpackbits(np.frombuffer(raw, np.uint8))
        if bits[n:].any() or not bits[:n].any():
            raise ValueError("selection")
        return MapPick("selection", indices=tuple(int(i) for i in np.flatnonzero(bits[:n])))
    raise ValueError("kind")


def gallery_order(coords: np.ndarray, indices, limit: int) -> list[int]:
    """At most ``limit`` of the selected test images, spread over the selection: all of them ordered by distance
    from the selection's centre (the mean of their map positions), then every k-th of that order, so the gallery
    runs from the most central image to the outermost one."""
    indices = np.asarray(list(indices), np.int64)
    if len(indices) == 0:
        return []
    xy = np.asarray(coords, np.float64)[indices]
    order = indices[np.argsort(np.linalg.norm(xy - xy.mean(0), axis=1), kind="stable")]
    if len(order) > limit:
        order = order[np.unique(np.round(np.linspace(0, len(order) - 1, limit)).astype(np.int64))]
    return [int(i) for i in order]


# --- decoding ---------------------------------------------------------------------------------------------------

def decode_vectors(name: str, vectors: np.ndarray, noise_seed: int = 0) -> np.ndarray:
    """Images [N, 28, 28] from what a map's way back returns (AE/VAE latents; InfoGAN Q codes, drawn with the
    noise of ``noise_seed``)."""
    model = cache.model(name)
    if model.kind == "infogan":
        return infogan_decode_codes(model, vectors, infogan_noise(model, noise_seed))
    return decode(model, vectors)


def decode_position(name: str, method: str, xy, n_neighbors: int = NEIGHBORS, min_dist: float = MIN_DIST,
                    noise_seed: int = 0) -> tuple[np.ndarray, proj.Inversion]:
    """The image decoded at a map position, and how exactly the position was taken back to a vector."""
    inversion = inverse_map(name, method, n_neighbors, min_dist)(xy)
    vector = inversion.vector[None]
    if inversion.how == "pca" and cache.model(name).kind == "infogan":   # PCA of features: Q reads the codes
        vector = infogan_codes_from_features(cache.model(name), vector)
    return decode_vectors(name, vector, noise_seed)[0], inversion


def test_image_vector(name: str, index: int) -> np.ndarray:
    """What the decoder side takes for one test image: its encoding (AE/VAE) or Q's codes (InfoGAN) [D]."""
    images, _ = cache.dataset(cache.model(name).dataset, "test")
    return proj.map_vectors(cache.model(name), images[index:index + 1])[1][0]


def reconstruction(name: str, index: int, noise_seed: int = 0) -> np.ndarray:
    """A test image's reconstruction (InfoGAN: the image G draws from the codes Q reads off it)."""
    return decode_vectors(name, test_image_vector(name, index)[None], noise_seed)[0]


def live_hover_spec(name: str, method: str) -> dict | None:
    """How the browser takes a map position to the latent vector it decodes, where that way is exact and linear
    (raw 2-D latents, PCA of AE/VAE latents); None where it is not (UMAP, InfoGAN: clicks go to the server)."""
    if cache.model(name).kind not in ("ae", "vae") or method not in ("raw", "pca"):
        return None
    if method == "raw":
        return {"kind": "raw"}
    projection_, _ = projection(name, method)
    return {"kind": "pca", "mean": np.asarray(projection_.mean, float).round(7).tolist(),
            "components": np.asarray(projection_.components, float).round(7).tolist()}


def exactness_note(inversion: proj.Inversion, kind: str) -> str:
    """An honest sentence, in plain words, on how the clicked position became the decoded vector (the technical
    account: :func:`exactness_detail`)."""
    gap = (f"The nearest test image is {inversion.nearest_distance / max(inversion.typical_spacing, 1e-12):.1f}× "
           f"as far as neighbouring test images usually are from each other.")
    if inversion.how == "raw":
        return "**Exact:** on a 2-D latent the map *is* the latent space, so the click is the latent vector. " + gap
    if inversion.how == "pca":
        what = "the features" if kind == "infogan" else "the latent vector"
        return (f"**Exact on this flat view:** the click gives {what} directly; the directions the map cannot show "
                f"are held at their average. " + gap)
    between = ("a blend of the three test images around the click" if inversion.how == "delaunay" else
               "a blend of the 8 nearest test images (the click is outside the area the test images cover)")
    return f"**Approximate:** UMAP has no exact way back from the map; this is {between}. " + gap


def exactness_detail(inversion: proj.Inversion, kind: str) -> str:
    """The technical account of :func:`exactness_note` (for its help tooltip)."""
    units = f"Nearest test point: {inversion.nearest_distance:.2f} map units away."
    if inversion.how == "raw":
        return units
    if inversion.how == "pca":
        what = "trunk features" if kind == "infogan" else "latent vector"
        tail = " Q then reads the codes off those features and G draws them." if kind == "infogan" else ""
        return f"PCA: the {what} is mean + x·PC1 + y·PC2.{tail} {units}"
    how = ("barycentric interpolation inside the Delaunay triangle of the embedded test points around the click"
           if inversion.how == "delaunay" else
           "inverse-distance weighting of the 8 nearest test points, since the click is outside the convex hull "
           "of the embedded points")
    return f"The vector decoded is a {how}. {units}"
