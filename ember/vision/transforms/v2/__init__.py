"""``torchvision.transforms.v2``: only its ``functional`` module is built (the v1 functions,
plus v2's ``to_image``, ``to_dtype``, ``grayscale_to_rgb`` and the resize family); the v2 transform classes are not.

>>> from ember.vision.transforms.v2 import functional as F2
>>> F2.to_dtype(ember.tensor([0, 255], dtype=ember.uint8), ember.float32, scale=True).tolist()
[0.0, 1.0]
"""
from . import functional  # noqa: F401

__all__ = ["functional"]
