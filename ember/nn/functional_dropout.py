"""Dropout for ``ember.nn.functional``: elements (``dropout``, ``alpha_dropout``) or whole
channels (``dropout1d/2d/3d``) zeroed in training, the rest rescaled; the identity otherwise.

>>> import ember.nn.functional as F
>>> F.dropout(ember.ones(3), p=0.5, training=False)
tensor([1., 1., 1.])
"""
import warnings

from .._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._tensor import _wrap
from .._random import dropout_mask as _dropout_mask, keep_mask as _keep_mask


_mask = _dropout_mask


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (training only; note ``training=True`` is the default, as in PyTorch).

    >>> F.dropout(ember.ones(4), p=0.0)
    tensor([1., 1., 1., 1.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if input._rg is _QM:
        raise _q_refuse("aten::bernoulli_.float")
    _int_refuse(input, p)
    m = _wrap(_mask(input._data.shape, p, input._data.dtype))
    return input.mul_(m) if inplace else input * m


def _feature_dropout(input, p, training, inplace, batched_dims):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    _int_refuse(input, p)
    d = input._data
    shape = d.shape[:batched_dims] + (1,) * (d.ndim - batched_dims)
    m = _wrap(_mask(shape, p, d.dtype))
    return input.mul_(m) if inplace else input * m


def _int_refuse(input, p):
    """PyTorch's error for dropping out an integer tensor (the scaled mask is float)."""
    k = input._data.dtype.kind
    if k in "biu" and p < 1.0:
        from ..ops.elementwise.operands import _tn
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_tn(input._data.dtype)}")


def _deprecated_dims(name, d, nsp):
    warnings.warn(f"{name}: Received a {d}-D input to {name}, which is deprecated and will result in an error in "
                  f"a future release. To retain the behavior and silence this warning, please use dropout instead. "
                  f"Note that {name} exists to provide channel-wise dropout on inputs with {nsp} spatial dimensions, "
                  f"a channel dimension, and an optional batch dimension (i.e. {nsp + 1}D or {nsp + 2}D inputs).",
                  stacklevel=3)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) input.

    >>> F.dropout1d(ember.ones(1, 2, 3), 0.0).shape
    torch.Size([1, 2, 3])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, 2 if input.dim() == 3 else 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input.

    >>> F.dropout2d(ember.ones(1, 2, 3, 3), 0.0).shape
    torch.Size([1, 2, 3, 3])
    """
    d = input.dim()
    if d not in (3, 4):
        _deprecated_dims("dropout2d", d, 2)
    if d == 3:   # PyTorch reads 3-D input as (N, C, L), not as one unbatched (C, H, W) sample
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, 2 if d >= 2 else 1)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) input.

    >>> F.dropout3d(ember.ones(1, 2, 2, 2, 2), 0.0).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    if input.dim() not in (4, 5):
        _deprecated_dims("dropout3d", input.dim(), 3)
    return _feature_dropout(input, p, training, inplace, 2 if input.dim() == 5 else 1)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps the SELU fixed point (mean 0, variance 1).

    >>> F.alpha_dropout(ember.ones(3), 0.5, training=False)
    tensor([1., 1., 1.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        out = input * _wrap(input._data.dtype.type(0))
        return input.copy_(out) if inplace else out
    _int_refuse(input, p)
    alpha_p = -1.7580993408473766
    keep = _keep_mask(input._data.shape, p)
    a = ((1 - p) * (1 + p * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * p
    dt = input._data.dtype
    out = input * _wrap((keep * a).astype(dt)) + _wrap(((~keep) * (a * alpha_p) + b).astype(dt))
    return input.copy_(out) if inplace else out
