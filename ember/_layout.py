"""Memory layout of new arrays made "like" another, as PyTorch's ``preserve_format``: a dense,
non-overlapping input's strides are kept (a transposed or permuted tensor's clone is transposed
or permuted the same way); other inputs get their dims in the input's stride order, and inputs
with broadcast (stride-0) dims get a contiguous layout.

>>> from ember._backend import np
>>> from ember._layout import empty_preserving
>>> empty_preserving(np.zeros((3, 4)).T).strides
(8, 32)
"""
from ._backend import np


def _dense(a):
    expected = a.itemsize
    for st, n in sorted((st, n) for st, n in zip(a.strides, a.shape) if n != 1):
        if st != expected:
            return False
        expected *= n
    return True


def empty_preserving(a, dtype=None, memory_format=None):
    """An uninitialised array shaped like ``a`` (of ``dtype``) in ``a``'s layout (see the module doc).

    >>> from ember._backend import np
    >>> from ember._layout import empty_preserving
    >>> empty_preserving(np.zeros((2, 3)), np.int32).strides
    (12, 4)
    """
    dt = a.dtype if dtype is None else np.dtype(dtype)
    if (a.ndim < 2 or a.flags.c_contiguous or a.size == 0 or 0 in a.strides
            or (memory_format is not None and str(memory_format) != "torch.preserve_format")):
        return np.empty(a.shape, dt)
    if min(a.strides) > 0 and _dense(a):
        isz, osz = a.itemsize, dt.itemsize
        return np.lib.stride_tricks.as_strided(np.empty(a.size, dt), a.shape, [s // isz * osz for s in a.strides])
    return np.empty_like(a, dtype=dt)  # order 'K': the input's stride order


def copy_preserving(a, memory_format=None):
    """A copy of ``a`` in ``a``'s layout (see the module doc).

    >>> from ember._backend import np
    >>> from ember._layout import copy_preserving
    >>> copy_preserving(np.zeros((3, 4)).T).strides
    (8, 32)
    """
    if a.flags.c_contiguous and memory_format is None:
        return a.copy()
    out = empty_preserving(a, None, memory_format)
    np.copyto(out, a)
    return out
