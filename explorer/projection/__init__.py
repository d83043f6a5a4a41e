"""Latent maps: 2-D views of latent vectors (raw, PCA or UMAP) and the way back from a map position to a vector.

* ``raw``: a 2-D latent is its own map; the way back is exact.
* ``pca``: the two principal axes (numpy SVD); the way back ``mean + x·PC1 + y·PC2`` is exact on that plane.
* ``umap``: UMAP (McInnes et al. 2018, https://arxiv.org/abs/1802.03426) on the exact k-nearest-neighbour graph.
  umap-learn is imported lazily (its numba compilation costs ~30 s on a cold cache) and only for custom
  parameters: the shipped models' maps are precomputed by ``python -m explorer.projection`` into
  ``checkpoints/<name>/projection-{pca,umap}.npz``. The way back is approximate: barycentric interpolation over
  a Delaunay triangulation of the embedded points (k-nearest-neighbour weighting outside their convex hull),
  about a thousand times faster than ``UMAP.inverse_transform``.

What a map projects and what the way back returns (``map_vectors``):
AE/VAE: the encodings (VAE: the posterior mean), and the way back gives a latent vector for the decoder.
InfoGAN: the D/Q trunk features of real images; the way back gives the codes Q reads (10 c1 logits, c2, c3),
which the generator draws with a chosen noise vector.

Modules: :mod:`.maps` (the maths: raw and PCA maps, the way back), :mod:`.umap_backend` (umap-learn),
:mod:`.storage` (the files beside a checkpoint), :mod:`.vectors` (what each model family's map projects) and
:mod:`.cli` (the precompute command).
"""

from .cli import main, precompute
from .maps import METHODS, Inversion, InverseMap, Projection, pca, raw
from .storage import from_arrays, load_shipped, projection_file, save_shipped, to_arrays
from .umap_backend import UMAP_DEFAULTS, nearest_neighbours, umap, warm_up
from .vectors import map_vectors, needs_projection

__all__ = ["METHODS", "UMAP_DEFAULTS", "Inversion", "InverseMap", "Projection", "from_arrays", "load_shipped",
           "main", "map_vectors", "nearest_neighbours", "needs_projection", "pca", "precompute", "projection_file",
           "raw", "save_shipped", "to_arrays", "umap", "warm_up"]
