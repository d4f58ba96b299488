"""Testing helpers: ``assert_close``, ``make_tensor`` and the op table (OpInfo-lite).

>>> import ember
>>> ember.testing.assert_close(ember.ones(2), ember.ones(2))
"""
from ._comparison import assert_close, default_tolerances
from .._backend import np
from .. import _dtype as D

__all__ = ["assert_close", "make_tensor", "default_tolerances"]
from .legacy_allclose import assert_allclose  # noqa: E402  (deprecated torch.testing API)
__all__ += ["assert_allclose"]


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` filled with uniform random values in ``[low, high)``.

    Floats default to ``[-9, 9)``, integers to ``[-9, 10)`` (``[0, 10)`` for uint8), bools
    are random. ``noncontiguous`` returns a strided view with the same values layout.

    >>> t = ember.testing.make_tensor(2, 3, dtype=ember.float32, low=0, high=1)
    >>> t.shape, t.dtype
    (torch.Size([2, 3]), torch.float32)
    """
    from .._tensor import _wrap
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dt = D.to_dtype(dtype)
    rng = np.random.default_rng()
    if dt is D.bool:
        a = rng.integers(0, 2, size=shape).astype(bool)
    elif dt._cat == 1:
        lo = 0 if dt is D.uint8 else (-9 if low is None else int(low))
        hi = 10 if high is None else int(high)
        lo = max(lo, 0) if dt is D.uint8 else lo
        a = rng.integers(lo, max(hi, lo + 1), size=shape).astype(dt.np)
    else:
        lo = -9.0 if low is None else float(low)
        hi = 9.0 if high is None else float(high)
        a = rng.uniform(lo, hi, size=shape)
        if dt._cat == 3:
            a = a + 1j * rng.uniform(lo, hi, size=shape)
        a = a.astype(dt.np)
    if exclude_zero:
        a[a == 0] = 1 if dt._cat < 2 else np.finfo(np.float32).tiny if dt is not D.float16 else 1e-3
    if noncontiguous and a.size > 1:
        big = np.empty(a.shape + (2,), dtype=a.dtype)
        big[..., 0] = a
        a = big[..., 0]
    t = _wrap(a)
    if requires_grad:
        t.requires_grad_(True)
    return t
