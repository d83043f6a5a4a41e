"""The teaching pages: gaps, sampling and paths, posterior, replay, the model family, the Lesson."""

from explorer.ui.teaching.page import (beta_family, denoise, gaps, lesson, posterior, replay,
                                         sampling_and_paths, vae_vs_gan)

__all__ = ["beta_family", "denoise", "gaps", "lesson", "posterior", "replay", "sampling_and_paths", "vae_vs_gan"]
