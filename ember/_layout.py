"""Layouts and memory formats: ``ember.strided`` ... and ``ember.channels_last`` ...

ember's tensors are NumPy arrays, which take any strides, so ``channels_last`` is real: a
``(N, C, H, W)`` tensor in that format is a view whose channel stride is 1, exactly as in
PyTorch. Elementwise ops keep the layout (NumPy's ufuncs allocate their outputs in the
inputs' order); other ops return C-contiguous results, which is always allowed.

>>> x = ember.zeros(2, 3, 4, 5).contiguous(memory_format=ember.channels_last)
>>> x.stride(), x.is_contiguous(), x.is_contiguous(memory_format=ember.channels_last)
((60, 1, 15, 3), False, True)
"""
from ._backend import np, as_strided as _as_strided

__all__ = ["layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "jagged",
           "memory_format", "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
           "legacy_contiguous_format"]


class layout:
    """How a tensor's elements are laid out; ember has ``strided`` tensors only (the sparse
    layouts exist as names).

    >>> ember.zeros(1).layout
    torch.strided
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_layout_by_name, (self.name,))


class memory_format:
    """The order of a tensor's dimensions in memory (``contiguous_format``, ``channels_last``,
    ``channels_last_3d``, ``preserve_format``).

    >>> ember.channels_last
    torch.channels_last
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_format_by_name, (self.name,))


layout.__module__ = memory_format.__module__ = "torch"
strided, sparse_coo, sparse_csr, sparse_csc = (layout(n) for n in ("strided", "sparse_coo", "sparse_csr",
                                                                   "sparse_csc"))
sparse_bsr, sparse_bsc, jagged, _mkldnn = (layout(n) for n in ("sparse_bsr", "sparse_bsc", "jagged", "_mkldnn"))
contiguous_format, channels_last, channels_last_3d, preserve_format = (
    memory_format(n) for n in ("contiguous_format", "channels_last", "channels_last_3d", "preserve_format"))
legacy_contiguous_format = contiguous_format  # PyTorch's is the same object
_LAYOUTS = {x.name: x for x in (strided, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, jagged,
                                _mkldnn)}
_FORMATS = {x.name: x for x in (contiguous_format, channels_last, channels_last_3d, preserve_format)}
# dimension order from fastest to slowest varying: C, W, H, N (and C, W, H, D, N)
_ORDER = {"channels_last": (4, (1, 3, 2, 0)), "channels_last_3d": (5, (1, 4, 3, 2, 0))}


def _layout_by_name(name):
    return _LAYOUTS[name]


def _format_by_name(name):
    return _FORMATS[name]


def _check_format(fmt):
    if fmt is not None and not isinstance(fmt, memory_format):
        raise TypeError(f"memory_format must be torch.memory_format, not {type(fmt).__name__}")


def is_contiguous_as(a, fmt):
    """Whether ndarray ``a`` is dense in memory format ``fmt`` (PyTorch's stride test: dimensions
    of size 1 may have any stride).

    >>> from ember._layout import is_contiguous_as
    >>> is_contiguous_as(np.zeros((2, 1, 4, 5)), ember.channels_last)
    True
    """
    _check_format(fmt)
    if fmt is None or fmt is contiguous_format:
        return a.flags.c_contiguous
    if fmt is preserve_format:
        raise RuntimeError("is_contiguous: unsupported memory format Preserve")
    rank, order = _ORDER[fmt.name]
    if a.ndim != rank:
        return False
    expected, it = 1, a.itemsize or 1
    for d in order:
        n = a.shape[d]
        if n != 1:
            if a.strides[d] != expected * it:
                return False
            expected *= n
    return True


def _rank_check(a, fmt):
    rank = _ORDER[fmt.name][0]
    if a.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt.name} format")


def suggest_format(a):
    """The memory format ``preserve_format`` keeps for ``a``: channels_last(_3d) when ``a`` is
    in it (and not also C-contiguous), else contiguous_format."""
    if a.ndim in (4, 5) and not a.flags.c_contiguous:
        fmt = channels_last if a.ndim == 4 else channels_last_3d
        if is_contiguous_as(a, fmt):
            return fmt
    return contiguous_format


def empty_in(shape, npdt, fmt):
    """An uninitialised array of ``shape`` laid out in memory format ``fmt``."""
    _check_format(fmt)
    if fmt is None or fmt is contiguous_format:
        return np.empty(shape, npdt)
    if fmt is preserve_format:
        raise RuntimeError("unsupported memory format Preserve")
    rank, order = _ORDER[fmt.name]
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt.name} format")
    npdt = np.dtype(npdt)
    strides, acc = [0] * rank, npdt.itemsize
    for d in order:  # fastest to slowest (explicit: NumPy gives empty arrays zero strides)
        strides[d] = acc
        acc *= max(shape[d], 1)
    n = 1
    for k in shape:
        n *= k
    return _as_strided(np.empty(n, npdt), tuple(shape), tuple(strides))


def check_rank(a, fmt):
    """RuntimeError, as PyTorch, when ``fmt`` is channels_last(_3d) and ``a`` has another rank."""
    if fmt.name in _ORDER:
        _rank_check(a, fmt)


def copy_in(a, fmt):
    """A copy of ``a`` laid out in the concrete memory format ``fmt``.

    >>> from ember._layout import copy_in
    >>> copy_in(np.zeros((1, 2, 3, 4)), ember.channels_last).strides
    (192, 8, 64, 16)
    """
    if fmt is contiguous_format:
        return np.array(a, order="C")
    out = empty_in(a.shape, a.dtype, fmt)
    np.copyto(out, a)
    return out


def clone_format(a, fmt):
    """The concrete format ``clone(memory_format=fmt)`` copies ``a`` into, or None where a
    plain C-ordered copy does (``preserve_format`` keeps channels_last)."""
    _check_format(fmt)
    if fmt is None or fmt is preserve_format:
        fmt = suggest_format(a)
        return None if fmt is contiguous_format else fmt
    if fmt is contiguous_format:
        return None
    _rank_check(a, fmt)
    return fmt


def relayout(out, src, fmt):
    """``out`` (a fresh C-ordered array) re-laid in ``fmt``; ``None``/``preserve_format`` follow
    ``src``'s format, as the ``*_like`` factories do.

    >>> from ember._layout import relayout
    >>> src = np.zeros((1, 2, 3, 4)).transpose(0, 3, 1, 2)
    >>> relayout(np.ones((1, 4, 2, 3)), src, None).strides == src.strides
    True
    """
    if fmt is None or fmt is preserve_format:
        if out.ndim < 2 or src.flags.c_contiguous:
            return out
        r = empty_preserving(src, out.dtype)  # the input's own stride order (channels_last too)
        np.copyto(r, out)
        return r
    else:
        _check_format(fmt)
    if fmt is contiguous_format:
        return out
    r = empty_in(out.shape, out.dtype, fmt)
    np.copyto(r, out)
    return r


# ---- preserve_format: a new array in the input's own layout (any stride order)
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
