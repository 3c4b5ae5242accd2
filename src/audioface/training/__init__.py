"""Training the learned generator (needs the [train] extra: PyTorch); never imported to animate."""
