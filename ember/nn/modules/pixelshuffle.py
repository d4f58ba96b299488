"""PixelShuffle and PixelUnshuffle at PyTorch's module path ``torch.nn.modules.pixelshuffle`` (defined in ``misc.py``).

>>> ember.nn.modules.pixelshuffle.PixelShuffle is ember.nn.PixelShuffle
True
"""
from .misc import PixelShuffle, PixelUnshuffle  # noqa: F401

__all__ = ["PixelShuffle", "PixelUnshuffle"]
