"""The Latent map page: encodings as dots, click to decode, box/lasso galleries."""
