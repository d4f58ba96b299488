"""Sums along the last axis of float arrays at BLAS speed.

NumPy sums a contiguous row pairwise, in blocks of 128 with eight accumulators: accurate,
but 2-3x slower than memory allows, and 5-9x slower on many short rows (its reduction loop
restarts per row: 100000 rows of 10 take 1.4 ms). Here each row is cut into chunks of equal
width ``c`` (a divisor of the row length between 32 and 256, or the whole row up to 256), the
chunks of every row are summed by one matrix-vector product with a vector of ones (OpenBLAS
keeps many accumulators per chunk, so a chunk's sum has a few rounding steps, like NumPy's
blocks), and a row's few chunk sums are added pairwise by NumPy. The rounding error stays at
NumPy's level (and below PyTorch's); the bits differ from NumPy's in the last place, and do not
depend on which other rows are summed in the same call (``_gemv``), so a pass split by rows
over threads or cache blocks gives the bits of one call. Rows of a length with no such divisor,
and arrays that are not C-contiguous, are summed as NumPy does.

A (1000, 1000) float32 sum over the last axis: 136 us -> 63 us (PyTorch 44 us); (4096, 768):
440 -> 200 us; (100000, 10): 1360 -> 160 us (PyTorch 320 us).

>>> from ember._row_sums import row_sum
>>> row_sum(np.arange(600, dtype=np.float32).reshape(2, 300))
array([ 44850., 134850.], dtype=float32)
"""
from ._backend import np
from . import _thread_pool as _tp

__all__ = ["row_sum", "sum_last", "sum_squares"]

MIN_SIZE = 2048         # smaller arrays: NumPy (its call costs less than the product's)
MIN_ROW = 64            # with min_size=0 (blocks of rows), shorter rows: NumPy
_GROUP = 8              # rows per BLAS group (see _gemv; OpenBLAS's kernels take 4 at a time)
PAR_BYTES = 1 << 22     # larger sums are split over the intra-op threads (whole groups each: the
                        # same bits; memory-bound, 2 threads take 0.5x the time at 40 MB)
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_ONES = {}              # (width, dtype) -> a read-only vector of ones
_CHUNK = {}             # row length -> chunk width (0: none)


def _ones(c, dt):
    v = _ONES.get((c, dt))
    if v is None:
        v = np.ones(c, dt)
        v.flags.writeable = False
        _ONES[c, dt] = v
    return v


def _chunk(n):
    """The chunk width for rows of length ``n``: n itself up to 256, else its largest divisor
    in [32, 256] (0 when there is none, or for 0-length rows)."""
    c = _CHUNK.get(n)
    if c is None:
        if len(_CHUNK) > 4096:
            _CHUNK.clear()
        c = n if n <= 256 else next((d for d in range(256, 31, -1) if n % d == 0), 0)
        _CHUNK[n] = c
    return c


def _gemv(a2, ones, out=None):
    """``a2 @ ones`` (a2 (m, c) C-contiguous) with every row in a group of ``_GROUP``: OpenBLAS
    sums rows in groups of four with one kernel and a leftover row or two with another, whose
    bits differ, so that a row's sum would depend on where a block of rows starts and ends
    (on the threads, the cache blocks). The leftover rows are summed in a zero-padded group."""
    m, c = a2.shape
    if out is None:
        out = np.empty(m, a2.dtype)
    main = m - m % _GROUP
    T = _tp._N[0]
    if T > 1 and a2.nbytes >= PAR_BYTES and not _tp._LOCAL.__dict__.get("worker"):
        sl = _tp.blocks(main // _GROUP, T)            # whole groups per thread: the same bits
        _tp.parallel_for(lambda i: np.matmul(a2[sl[i].start * _GROUP:sl[i].stop * _GROUP], ones,
                                             out=out[sl[i].start * _GROUP:sl[i].stop * _GROUP]), len(sl))
    elif main:
        np.matmul(a2[:main], ones, out=out[:main])
    if main < m:
        pad = np.zeros((_GROUP, c), a2.dtype)
        pad[:m - main] = a2[main:]
        out[main:] = np.matmul(pad, ones)[:m - main]
    return out


def row_sum(a, out=None, min_size=MIN_SIZE):
    """``np.add.reduce(a, axis=-1, out=out)`` for an array ``a``, by BLAS when ``a`` is a
    float32/float64 array of at least ``min_size`` elements whose rows are contiguous and have
    a chunk width (see above). A kernel that sums blocks of rows passes ``min_size=0``: then the
    row length alone decides (``MIN_ROW``), so that a block's rows take the path the whole
    array's would (and give its bits).

    >>> from ember._row_sums import row_sum
    >>> row_sum(np.ones((3, 1000)))
    array([1000., 1000., 1000.])
    """
    dt = a.dtype
    if dt not in _FLOATS or a.ndim == 0 or a.size == 0 or a.size < min_size \
            or not min_size and a.shape[-1] < MIN_ROW:
        return np.add.reduce(a, axis=-1, out=out)
    n = a.shape[-1]
    c = _chunk(n)
    if not c or (out is not None and (out.dtype != dt or out.shape != a.shape[:-1])):
        return np.add.reduce(a, axis=-1, out=out)
    if not a.flags.c_contiguous:
        if a.ndim < 2 or a.strides[-1] != a.itemsize or not a[(0,) * (a.ndim - 2)].flags.c_contiguous \
                or a.ndim > 2 and not a[0].flags.c_contiguous:
            return np.add.reduce(a, axis=-1, out=out)
        res = np.empty(a.shape[:-1], dt) if out is None else out     # a block of contiguous planes
        k = a.shape[-2] * (n // c)            # chunk rows per plane
        if a.ndim == 3 and k % _GROUP == 0:   # whole groups in every plane: one stacked product
            parts = np.matmul(a.reshape(a.shape[0], k, c), _ones(c, dt))
            np.add.reduce(parts.reshape(a.shape[:-1] + (n // c,)), axis=-1, out=res)
            return res
        for i in range(a.shape[0]):
            row_sum(a[i], res[i], 0)
        return res
    if c == n:
        if out is not None and out.flags.c_contiguous:
            _gemv(a.reshape(-1, n), _ones(n, dt), out.reshape(-1))
            return out
        r = _gemv(a.reshape(-1, n), _ones(n, dt)).reshape(a.shape[:-1])
    else:
        parts = _gemv(a.reshape(-1, c), _ones(c, dt)).reshape(a.shape[:-1] + (n // c,))
        return np.add.reduce(parts, axis=-1, out=out)
    if out is None:
        return r if r.ndim else r[()]       # a 1-d input gives a scalar, as NumPy's
    np.copyto(out, r)
    return out


def sum_last(a, k=1, keepdims=False, min_size=MIN_SIZE):
    """The sum of ``a`` over its last ``k`` axes (``row_sum`` of their flattening; keepdims as
    NumPy's; ``min_size`` as ``row_sum``'s).

    >>> from ember._row_sums import sum_last
    >>> sum_last(np.ones((2, 3, 4)), 2, keepdims=True).shape
    (2, 1, 1)
    """
    lead = a.shape[:a.ndim - k]
    n = 1
    for s in a.shape[a.ndim - k:]:
        n *= s
    if a.flags.c_contiguous:
        r = row_sum(a.reshape(lead + (n,)), None, min_size)
    else:
        r = np.add.reduce(a, axis=tuple(range(a.ndim - k, a.ndim)))
    return r.reshape(lead + (1,) * k) if keepdims else r


def sum_squares(x, dims, keepdims=False):
    """``np.sum(x * x, axis=dims, keepdims=keepdims)`` for a real array: over the last axes of a
    contiguous float array with rows of ``MIN_ROW`` or more, one BLAS dot product per row;
    otherwise the squares in one pass, summed by rows (``sum_last``) when ``dims`` are the last
    axes (a 2-norm's sum).

    >>> from ember._row_sums import sum_squares
    >>> sum_squares(np.array([[3., 4.], [1., 1.]]), (1,))
    array([25.,  2.])
    """
    sd = tuple(sorted(dims))
    trailing = bool(sd) and sd == tuple(range(sd[0], x.ndim))
    if trailing and x.dtype in _FLOATS and x.flags.c_contiguous and x.size:
        lead = x.shape[:sd[0]]
        n = x.size // max(1, int(np.prod(lead)))
        if n >= MIN_ROW:            # one BLAS dot per row: no squares array (3.5x faster at 1000 x 1000)
            r2 = x.reshape(-1, n)
            r = np.matmul(r2[:, None, :], r2[:, :, None]).reshape(lead)
            return r.reshape(lead + (1,) * len(sd)) if keepdims else (r if r.ndim else r[()])
    sq = np.multiply(x, x)
    if trailing:
        return sum_last(sq, len(sd), keepdims)
    return np.sum(sq, axis=dims, keepdims=keepdims)
