"""``maximum``/``minimum`` of a large array and one number, at NumPy's vectorised speed.

NumPy 2.4 runs ``np.maximum(a, 0)`` (and ``minimum``, ``fmax``, ``fmin``, ``clip``) through
a loop that is not vectorised when one operand is a scalar: on float32 it is 3-4.5x slower
than the same ufunc between two arrays (a ReLU over 800k floats: 0.24 ms against 0.05 ms).
Here the number becomes a cached row of a few thousand equal values and a C-contiguous array
is viewed as rows of that length, so NumPy takes its array-array loop: the same operation
on the same values, so the same bits (NaN propagation and signed zeros included).

The number is the ufunc's first operand: on a tie NumPy returns the second, so ``a``'s
value is kept, as PyTorch's ``relu``/``clamp`` keep it (``relu(-0.) == -0.``, like ``np.clip``).
``maximum(a, s, out=None)`` and ``minimum(a, s, out=None)`` take ``s`` in ``a``'s dtype (a
NumPy scalar or a Python number); other dtypes, small arrays and other layouts run NumPy's
call ``np.maximum(s, a)`` as is.
They also accept ``dtype=`` equal to ``a``'s (so ``ember._parallel_pass.par_ufunc`` can
split them over threads like a ufunc).

>>> from ember._scalar_rows import maximum, minimum
>>> maximum(np.arange(-2., 3.), 0.)
array([0., 0., 0., 1., 2.])
>>> minimum(np.full((2, 5000), 9, np.float32), np.float32(6))[1, -1]
np.float32(6.0)
"""
from ._backend import np

__all__ = ["maximum", "minimum", "clip"]

ROW = 1 << 14           # elements per row (longer rows: fewer trips through the ufunc's outer loop)
MIN_SIZE = 1 << 11      # smaller arrays keep NumPy's scalar call (building views costs ~2 us)
MIN_ROW = 32            # a strided array's unstrided rows at least this long: the row along them
_DTYPES = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.int32, np.int64))
_ROWS = {}              # (dtype, the value's bytes) -> a read-only row of ROW copies


def _row(s, dt):
    v = np.asarray(s, dt)
    key = (dt, v.tobytes())
    r = _ROWS.get(key)
    if r is None:
        if len(_ROWS) > 64:
            _ROWS.clear()
        r = np.full(ROW, v, dt)
        r.flags.writeable = False
        _ROWS[key] = r
    return r


def _c_ordered(a):
    """True when NumPy lays a new result for ``a`` out in C order (strides decreasing)."""
    st = a.strides
    return all(st[i] >= st[i + 1] * a.shape[i + 1] for i in range(a.ndim - 1) if a.shape[i] > 1)


def _call(uf, a, s, out, dtype):
    """``uf(s, a, out=out)`` through rows where that gives the same result, else directly."""
    dt = a.dtype
    n = a.size
    if (a.__class__ is not np.ndarray or n < MIN_SIZE or dt not in _DTYPES
            or (dtype is not None and np.dtype(dtype) != dt) or np.result_type(a, s) != dt
            or out is not None and (out.__class__ is not np.ndarray or out.dtype != dt or out.shape != a.shape)):
        r = uf(s, a, out=out) if dtype is None else uf(s, a, out=out, dtype=dtype)
        return r if r.__class__ is np.ndarray else np.asarray(r)     # (0-d: an array, not a scalar)
    if not (a.flags.c_contiguous and (out is None or out.flags.c_contiguous)):
        # a strided view whose rows are unstrided (a crop of a larger array): the row along them
        w, isz = a.shape[-1], dt.itemsize
        if (MIN_ROW <= w <= ROW and a.strides[-1] == isz and (out is None and _c_ordered(a) or
                                                              out is not None and out.strides[-1] == isz)):
            return uf(_row(s, dt)[:w], a, out=np.empty(a.shape, dt) if out is None else out)
        return uf(s, a, out=out) if dtype is None else uf(s, a, out=out, dtype=dtype)
    r = _row(s, dt)
    res = np.empty(a.shape, dt) if out is None else out
    src, dst = a.reshape(-1), res.reshape(-1)
    m = n // ROW
    if m:
        main = m * ROW
        uf(r, src[:main].reshape(m, ROW), out=dst[:main].reshape(m, ROW))
        if main < n:
            uf(r[:n - main], src[main:], out=dst[main:])
    else:
        uf(r[:n], src, out=dst)
    return res


def maximum(a, s, out=None, dtype=None):
    """``np.maximum(s, a, out=out)`` for an array ``a`` and a number ``s`` in its dtype.

    >>> from ember._scalar_rows import maximum
    >>> maximum(np.array([-1., 2.], np.float32), np.float32(0))
    array([0., 2.], dtype=float32)
    """
    return _call(np.maximum, a, s, out, dtype)


def minimum(a, s, out=None, dtype=None):
    """``np.minimum(s, a, out=out)`` for an array ``a`` and a number ``s`` in its dtype.

    >>> from ember._scalar_rows import minimum
    >>> minimum(np.array([-1., 2.]), 1.)
    array([-1.,  1.])
    """
    return _call(np.minimum, a, s, out, dtype)


def clip(a, lo, hi, out=None):
    """``min(max(a, lo), hi)`` (``np.clip(a, lo, hi, out=out)``'s bits for ``lo <= hi``; every
    value ``hi`` when ``lo > hi``, as ``torch.clamp``): ``np.clip`` itself where the bounds keep
    ``a``'s dtype (one vectorised pass), else two passes; ``out`` may be ``a``.

    >>> from ember._scalar_rows import clip
    >>> clip(np.array([-1., 3., 9.]), 0., 6.)
    array([0., 3., 6.])
    """
    dt = a.dtype if a.__class__ is np.ndarray else None
    if (dt in _DTYPES and np.result_type(a, lo) == dt and np.result_type(a, hi) == dt
            and (out is None or out.__class__ is np.ndarray and out.dtype == dt and out.shape == a.shape)):
        return np.clip(a, lo, hi, out=out)     # both bounds: NumPy's one vectorised pass, 2.2x faster
    r = _call(np.maximum, a, lo, out, None)
    return _call(np.minimum, r, hi, r, None)
