"""The Latent grid page: the decoded manifold of the 2-D models."""
