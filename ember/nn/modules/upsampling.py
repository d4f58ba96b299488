"""Upsampling layers at PyTorch's module path ``torch.nn.modules.upsampling`` (defined in ``misc.py``).

>>> ember.nn.modules.upsampling.Upsample is ember.nn.Upsample
True
"""
from .misc import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d  # noqa: F401

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
