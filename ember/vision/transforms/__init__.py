"""``torchvision.transforms``: image transforms for PIL images and ``(..., C, H, W)`` tensors.

>>> from ember.vision import transforms
>>> t = transforms.Compose([transforms.CenterCrop(2), transforms.Normalize([0.0], [2.0])])
>>> t(ember.ones(1, 4, 4)).tolist()
[[[0.5, 0.5], [0.5, 0.5]]]
"""
from . import functional  # noqa: F401
from .functional import InterpolationMode  # noqa: F401
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _all

__all__ = ["functional", "InterpolationMode"] + list(_all)
from . import v2  # noqa: F401,E402  (torchvision.transforms.v2: its functional module)
