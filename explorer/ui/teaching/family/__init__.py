"""From AE to VAE, Denoise, VAE vs GAN: the model family's pages."""
