"""The teaching pages: gaps, sampling and paths, posterior, replay, the model family, the Lesson."""
