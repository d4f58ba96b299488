"""Passes whose operand is broadcast along a middle axis (a per-channel scale over (N, C, H*W)):
NumPy's ufunc buffer size, or the operand laid out as full rows, so they run at memory speed.

NumPy (2.x) runs ``x * s`` for x (N, C, S) and s (C, 1) through its buffered iterator, which
grows each inner loop towards its buffer size (8192 elements) by copying when a row holds
fewer: at S = 3136 (a 56x56 feature map) a float32 pass takes 2x as long as the same pass
over two full arrays. With a buffer no longer than a row the inner loops are the rows
themselves and nothing is copied. Rows shorter than ~512 elements are better served by the
operand expanded to (C, S) once (its inner loops then span whole images). Elementwise results
do not depend on either choice; reductions are not run under ``rows``.

>>> from ember._ufunc_buffers import rows, row_buffer
>>> row_buffer(3136), row_buffer(50176), row_buffer(49)
(1024, None, None)
>>> x = np.ones((2, 3, 4)); s = np.arange(3.).reshape(3, 1)
>>> with rows(4):
...     y = x * s
>>> y[1, :, 0]
array([0., 1., 2.])
"""
from ._backend import np

__all__ = ["rows", "row_buffer", "expand_rows"]

_SHORT = 512      # rows shorter than this: expand the operand instead (a small buffer costs more)
_DEFAULT = 8192   # NumPy's buffer size; rows at least this long never take the slow path


def row_buffer(inner):
    """The buffer size (elements) for passes over rows of ``inner`` elements with an operand
    broadcast along them, or None where NumPy's own is as fast.

    >>> from ember._ufunc_buffers import row_buffer
    >>> row_buffer(784)
    784
    """
    if inner < _SHORT or inner >= _DEFAULT:
        return None
    return 1024 if inner >= 1024 else inner // 16 * 16


class rows:
    """``with rows(inner):`` ufunc passes in this thread's context use ``row_buffer(inner)``
    (nothing changes where that is None); the previous size comes back on exit. Blocks that
    ``ember._parallel_pass`` hands to workers run in a copy of this context.

    >>> from ember._ufunc_buffers import rows
    >>> with rows(3136):
    ...     inside = np.getbufsize()
    >>> inside, np.getbufsize()
    (1024, 8192)
    """
    __slots__ = ("size", "old")

    def __init__(self, inner):
        self.size = row_buffer(inner)

    def __enter__(self):
        self.old = np.setbufsize(self.size) if self.size is not None else None
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            np.setbufsize(self.old)


def expand_rows(v, inner):
    """Per-row values ``v`` (C,) as a C-contiguous (C, inner) array (each value repeated along
    its row), or ``v`` shaped (C, 1) when the rows are long enough for ``rows``.

    >>> from ember._ufunc_buffers import expand_rows
    >>> expand_rows(np.array([1., 2.]), 3)
    array([[1., 1., 1.],
           [2., 2., 2.]])
    """
    if inner >= _SHORT:
        return v.reshape(-1, 1)
    out = np.empty((v.shape[0], inner), v.dtype)
    out[...] = v.reshape(-1, 1)
    return out
