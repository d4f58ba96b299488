"""Matrix products on ember's intra-op threads (NumPy's BLAS runs one thread: see
``ember._thread_pool``).

``gemm`` splits a large product into a few blocks per intra-op thread (dealt to whichever
thread is free): along the batch of a batched product, else along the larger of the result's
rows and columns. The blocks are single-threaded BLAS calls on disjoint parts of the result:
split along the batch they give one call's bits; split along rows or columns, the BLAS may
compute a block's edge with another kernel (a last-bit change). Without ``threadpoolctl``
("own" mode: the BLAS threads as it likes) ``gemm`` is ``np.matmul``.

>>> from ember._parallel_gemm import gemm
>>> gemm(np.ones((2, 3)), np.ones((3, 4)))
array([[3., 3., 3., 3.],
       [3., 3., 3., 3.]])
"""
from math import prod

from ._backend import np
from . import _thread_pool as _tp

__all__ = ["gemm", "MIN_FLOPS"]

MIN_FLOPS = 1 << 24      # products with fewer multiply-adds * 2 than this run as one call (~90 us
                         # on one core; handing a block to a worker costs ~20-50 us)
_MIN_ROWS = 16           # a split along rows or columns leaves each block at least this many
_PARTS = 2               # blocks per thread: a worker that wakes late takes fewer of them
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_LOCAL = _tp._LOCAL


def gemm(a, b, out=None):
    """``np.matmul(a, b, out=out)`` for arrays of at least 2 dims, split over ember's pool
    when large (with one intra-op thread, inside a parallel block, or for a small product:
    one call).

    >>> from ember._parallel_gemm import gemm
    >>> gemm(np.eye(2)[None].repeat(3, 0), np.arange(4.).reshape(2, 2))[2]
    array([[0., 1.],
           [2., 3.]])
    """
    T = _tp._N[0]
    if (T <= 1 or a.ndim < 2 or b.ndim < 2 or a.dtype != b.dtype or a.dtype not in _FLOATS
            or _LOCAL.__dict__.get("worker") or (_tp._MODE[0] if _tp._MODE else _tp.blas_mode()) != "single"):
        return np.matmul(a, b, out=out)
    m, n = a.shape[-2], b.shape[-1]
    batch = () if a.ndim == b.ndim == 2 else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if 2 * m * a.shape[-1] * n * prod(batch) < MIN_FLOPS:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(batch + (m, n), a.dtype)
    parts = _PARTS * T
    if batch and batch[0] >= T:                       # the leading batch axis
        ax = len(batch)
        sl = _tp.blocks(batch[0], parts)
        cut = lambda x, s: x[s] if x.ndim == ax + 2 and x.shape[0] != 1 else x
        _tp.parallel_for(lambda i: np.matmul(cut(a, sl[i]), cut(b, sl[i]), out=out[sl[i]]), len(sl))
    elif m >= n and m >= 2 * _MIN_ROWS:               # rows of a
        sl = _tp.blocks(m, parts, _MIN_ROWS)
        _tp.parallel_for(lambda i: np.matmul(a[..., sl[i], :], b, out=out[..., sl[i], :]), len(sl))
    elif n >= 2 * _MIN_ROWS:                          # columns of b
        sl = _tp.blocks(n, parts, _MIN_ROWS)
        _tp.parallel_for(lambda i: np.matmul(a, b[..., sl[i]], out=out[..., sl[i]]), len(sl))
    else:
        np.matmul(a, b, out=out)
    return out
