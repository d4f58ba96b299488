"""Flatten and Unflatten at PyTorch's module path ``torch.nn.modules.flatten`` (defined in ``misc.py``).

>>> ember.nn.modules.flatten.Flatten is ember.nn.Flatten
True
"""
from .misc import Flatten, Unflatten  # noqa: F401

__all__ = ["Flatten", "Unflatten"]
