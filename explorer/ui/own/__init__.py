"""The Your own page: a drawn or uploaded image read by every model."""
