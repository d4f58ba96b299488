"""``np.where(cond, x, y)`` for large arrays as bitwise selection.

``np.where`` branches on every element: on an unpredictable mask (a ReLU-like mask, a
dropout mask) it runs at ~3.5 ns per float32, 20x slower than a multiply. Selecting by bits
is branch-free: ``cond`` becomes a mask of all-ones or all-zeros integers as wide as the
values (one pass), and ``y ^ ((x ^ y) & mask)`` picks whole bit patterns (three passes;
one, ``x & mask``, when ``y`` is a zero number). The result is the bits ``np.where``
returns (NaN payloads and signed zeros included); 11-16x faster on 800k float32 values.

``select(cond, x, y, dt)``: ``cond`` a bool array, ``x``/``y`` arrays or numbers, the
result in dtype ``dt`` (C-ordered); small inputs, other dtypes and a ``cond`` that is not
C-contiguous go to ``np.where``. (A strided ``x`` or ``y``, e.g. a gradient coming back from
a convolution, is read through its integer view: 5x faster than ``np.where`` on 1.4M values.)

>>> from ember._select import select
>>> select(np.array([True, False, True]), np.array([1., 2., 3.]), 0.0, np.dtype(np.float64))
array([1., 0., 3.])
"""
from ._backend import np

__all__ = ["select"]

MIN_SIZE = 1 << 13      # results with fewer elements: np.where (a few views cost more than its loop)
_INTS = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}
_KINDS = frozenset("fiub")


def _bits(v, dt, it):
    """``v`` (an array or a number) in dtype ``dt``, viewed as integers ``it``; None when that
    needs a conversion ``np.where`` would not make the same way (e.g. a float into ints)."""
    if v.__class__ is np.ndarray:
        if v.dtype != dt:
            return None
        return v.view(it)          # (same item size: a view for any strides)
    if dt.kind != "f" and not isinstance(v, (int, np.integer)):   # (bool is an int)
        return None
    try:
        return np.asarray(v, dt).view(it)
    except (OverflowError, ValueError, TypeError):   # NumPy would promote, then cast: its own path
        return None


def select(cond, x, y, dt):
    """``np.where(cond, x, y).astype(dt, copy=False)`` (``x`` and ``y`` already of dtype
    ``dt`` or numbers that convert to it exactly as NumPy would), by bits when large.

    >>> from ember._select import select
    >>> select(np.array([[True], [False]]), np.ones((2, 3), np.float32), np.float32(-0.0), np.dtype(np.float32))
    array([[ 1.,  1.,  1.],
           [-0., -0., -0.]], dtype=float32)
    """
    dt = np.dtype(dt)
    big = cond.__class__ is np.ndarray and cond.dtype == np.bool_ and cond.flags.c_contiguous and dt.kind in _KINDS
    if big:
        shape = np.broadcast_shapes(cond.shape, np.shape(x), np.shape(y))
        n = 1
        for s in shape:
            n *= s
        big = n >= MIN_SIZE
    if big:
        it = _INTS.get(dt.itemsize)
        xb = _bits(x, dt, it) if it is not None else None
        yb = _bits(y, dt, it) if xb is not None else None
        if yb is not None:
            c = cond.view(np.int8)
            if yb.ndim == 0 and not yb:            # where(cond, x, 0): x & mask
                mask = np.negative(c, dtype=it)
                return np.bitwise_and(xb, mask, out=np.empty(shape, it) if mask.shape != shape else mask).view(dt)
            if xb.ndim == 0 and not xb:            # where(cond, 0, y): y & ~mask
                mask = np.add(c, it(-1), dtype=it)
                return np.bitwise_and(yb, mask, out=np.empty(shape, it) if mask.shape != shape else mask).view(dt)
            t = np.bitwise_xor(xb, yb, out=np.empty(shape, it))
            mask = np.negative(c, dtype=it)
            np.bitwise_and(t, mask, out=t)
            np.bitwise_xor(t, yb, out=t)
            return t.view(dt)
    r = np.where(cond, x, y)
    return r.astype(dt, copy=False)
