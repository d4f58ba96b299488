"""Dropout layers: elements (``Dropout``, ``AlphaDropout``) or whole channels (``Dropout1d/2d/3d``,
``FeatureAlphaDropout``) zeroed in training, the identity in eval.

>>> ember.nn.modules.dropout.Dropout is ember.nn.Dropout
True
"""
from .module import Module
from .. import functional as F

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    _fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` in training (identity in eval).

    >>> ember.nn.Dropout(0.2).eval()(ember.ones(3))
    tensor([1., 1., 1.])
    """

    _fn = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) in training.

    >>> ember.nn.Dropout1d()
    Dropout1d(p=0.5, inplace=False)
    """

    _fn = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) in training.

    >>> ember.nn.Dropout2d()
    Dropout2d(p=0.5, inplace=False)
    """

    _fn = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) in training.

    >>> ember.nn.Dropout3d()
    Dropout3d(p=0.5, inplace=False)
    """

    _fn = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks.

    >>> ember.nn.AlphaDropout(0.1)
    AlphaDropout(p=0.1, inplace=False)
    """

    _fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, *) in training (identity in eval).

    >>> ember.nn.FeatureAlphaDropout(0.2).eval()(ember.ones(1, 2, 2)).sum()
    tensor(4.)
    """

    _fn = staticmethod(F.feature_alpha_dropout)
