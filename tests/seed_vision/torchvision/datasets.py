"""``MNIST`` is set by ``_seed_mnist`` (a small synthetic stand-in)."""
