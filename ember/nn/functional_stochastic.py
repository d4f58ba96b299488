"""Random functions of ``ember.nn.functional`` that go beyond plain dropout:
``feature_alpha_dropout`` (alpha dropout of whole channels) and ``gumbel_softmax``.

>>> import ember.nn.functional as F
>>> F.gumbel_softmax(ember.zeros(2, 3), hard=True).sum(-1)
tensor([1., 1.])
"""
import math

from .._backend import np
from .._tensor import _wrap
from .._random import keep_mask as _keep_mask
from .._creation import empty_like as _empty_like, zeros_like as _zeros_like

_ALPHA = 1.7580993408473766  # -SELU's alpha * scale: the value SELU saturates to


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: each (sample, channel) map of (N, C, *) is kept
    or set to SELU's saturation value together, then an affine map restores mean 0 and
    variance 1.

    >>> F.feature_alpha_dropout(ember.ones(2, 3, 4), 0.5, training=False).sum()
    tensor(24.)
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    dt = input._data.dtype
    if p == 1.0:
        out = input * _wrap(np.zeros((), dt))
        return input.copy_(out) if inplace else out
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    from .functional_dropout import _int_refuse
    _int_refuse(input, p)
    keep = _keep_mask(shape[:2] + (1,) * (len(shape) - 2), p)
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    scale = _wrap((keep * a).astype(dt))
    shift = _wrap(((keep.astype(dt) - 1) * (_ALPHA * a) + _ALPHA * a * p).astype(dt))
    out = input * scale + shift
    return input.copy_(out) if inplace else out


def _gumbel_noise(logits):
    """-log(Exp(1)) draws shaped like ``logits`` (standard Gumbel noise)."""
    return -_empty_like(logits).exponential_().log()


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)``
    with Gumbel noise ``g``. ``hard=True`` returns the one-hot argmax in the forward
    pass with the soft sample's gradient (straight-through). ``eps`` is unused
    (deprecated in PyTorch too).

    >>> y = F.gumbel_softmax(ember.randn(4, 5), tau=0.5); y.shape, bool(abs(y.sum(-1) - 1).max() < 1e-5)
    (torch.Size([4, 5]), True)
    """
    if eps != 1e-10:
        import warnings
        warnings.warn("`eps` parameter is deprecated and has no effect.")
    y_soft = ((logits + _gumbel_noise(logits)) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = _zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
