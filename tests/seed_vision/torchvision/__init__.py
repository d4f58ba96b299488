"""The part of torchvision the seed samples use (datasets.MNIST, transforms), written on
PyTorch for the reference run of tests/test_seeds.py where torchvision is not installed."""
from . import datasets, transforms  # noqa: F401
