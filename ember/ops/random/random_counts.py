"""Count-valued random draws: ``binomial``.

>>> ember.binomial(ember.tensor([10., 0.]), ember.tensor([1.0, 0.5]))
tensor([10.,  0.])
"""
from .._util import np
from .draws import _sampled, _T as _TYPE_NAMES
from ..._random import rng

__all__ = ["binomial"]


def binomial(count, prob, generator=None):
    """Binomial draws: successes in ``count`` trials of probability ``prob`` (float tensors of
    the same dtype, broadcast together), as ``torch.binomial``.

    >>> ember.binomial(ember.tensor([5.]), ember.tensor([0.])).tolist()
    [0.0]
    """
    if count.dtype._cat != 2:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{_TYPE_NAMES[count.dtype.name]}")
    c, p = np.broadcast_arrays(count._data, prob._data)
    p = np.clip(np.nan_to_num(p.astype(np.float64)), 0.0, 1.0)  # torch does not check p either
    arr = rng(generator).binomial(c.astype(np.int64), p).astype(count._data.dtype)
    return _sampled("BinomialBackward0", (count, prob), arr)
