"""Dropout layers at PyTorch's module path ``torch.nn.modules.dropout`` (defined in ``misc.py``).

>>> ember.nn.modules.dropout.Dropout is ember.nn.Dropout
True
"""
from .misc import _DropoutNd, Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout  # noqa: F401

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]
