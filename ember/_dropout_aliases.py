"""The dropouts PyTorch exposes at the top level: ``torch.dropout(input, p, train)`` and its
alpha, feature and in-place forms, with ``p`` and ``train`` required and RuntimeError for a bad ``p``.
"""
from ._backend import np
from ._random import dropout_mask, keep_mask
from ._tensor import _wrap
from .nn import functional as F

__all__ = ["dropout", "dropout_", "alpha_dropout", "alpha_dropout_", "feature_dropout",
           "feature_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_", "native_dropout"]


# ---------------------------------------------------------------- dropout

def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p, train):
    """Dropout with ``p`` and ``train`` required (``torch.dropout``).

    >>> ember.dropout(ember.ones(3), 0.5, False)
    tensor([1., 1., 1.])
    """
    _check_p(p)
    return F.dropout(input, p, train)


def dropout_(input, p, train):
    """In-place :func:`dropout`; returns ``input``.

    >>> x = ember.ones(3); ember.dropout_(x, 0.0, True) is x
    True
    """
    _check_p(p)
    return F.dropout(input, p, train, inplace=True) if train and p > 0 else input


def alpha_dropout(input, p, train):
    """Alpha dropout (keeps SELU's mean and variance) with ``p`` and ``train`` required.

    >>> ember.alpha_dropout(ember.ones(3), 0.5, False)
    tensor([1., 1., 1.])
    """
    _check_p(p)
    return F.alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    """In-place :func:`alpha_dropout`; returns ``input``.

    >>> x = ember.ones(3); ember.alpha_dropout_(x, 0.5, False) is x
    True
    """
    _check_p(p)
    return F.alpha_dropout(input, p, train, inplace=True) if train and p > 0 else input


def _feature_mask_shape(input):
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return tuple(input.shape[:2]) + (1,) * (input.dim() - 2)


def _feature(input, p, train, alpha, inplace):
    _check_p(p)
    shape = _feature_mask_shape(input)
    if not train or p == 0.0 or input.numel() == 0:
        return input
    dt = input._data.dtype
    if not alpha:
        m = _wrap(dropout_mask(shape, p, dt))
        return input.mul_(m) if inplace else input * m
    keep = keep_mask(shape, p)
    alpha_p = -1.7580993408473766
    a = ((1 - p) * (1 + p * alpha_p ** 2)) ** -0.5 if p < 1 else 0.0
    b = -a * alpha_p * p
    out = input * _wrap((keep * a).astype(dt)) + _wrap(((~keep) * (a * alpha_p) + b).astype(dt))
    return input.copy_(out) if inplace else out


def feature_dropout(input, p, train):
    """Dropout of whole channels (dims 0 and 1 pick the mask; the rest share it).

    >>> ember.feature_dropout(ember.ones(1, 2, 2), 0.5, False)
    tensor([[[1., 1.],
             [1., 1.]]])
    """
    return _feature(input, p, train, False, False)


def feature_dropout_(input, p, train):
    """In-place :func:`feature_dropout`.

    >>> x = ember.ones(2, 2); ember.feature_dropout_(x, 0.5, False) is x
    True
    """
    return _feature(input, p, train, False, True)


def feature_alpha_dropout(input, p, train):
    """Alpha dropout of whole channels.

    >>> ember.feature_alpha_dropout(ember.ones(1, 2), 0.5, False)
    tensor([[1., 1.]])
    """
    return _feature(input, p, train, True, False)


def feature_alpha_dropout_(input, p, train):
    """In-place :func:`feature_alpha_dropout`.

    >>> x = ember.ones(2, 2); ember.feature_alpha_dropout_(x, 0.5, False) is x
    True
    """
    return _feature(input, p, train, True, True)


def native_dropout(input, p, train):
    """Dropout returning ``(output, mask)``, the boolean mask of kept elements.

    >>> out, mask = ember.native_dropout(ember.ones(2), 0.0, True); mask
    tensor([True, True])
    """
    _check_p(p)
    if train is False or p == 0.0:
        return input.clone(), _wrap(np.ones(input._data.shape, dtype=bool))
    keep = keep_mask(input._data.shape, p)
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return input * _wrap((keep * scale).astype(input._data.dtype)), _wrap(keep)


