"""Fold and Unfold at PyTorch's module path ``torch.nn.modules.fold`` (defined in ``misc.py``).

>>> ember.nn.modules.fold.Fold is ember.nn.Fold
True
"""
from .misc import Fold, Unfold  # noqa: F401

__all__ = ["Fold", "Unfold"]
