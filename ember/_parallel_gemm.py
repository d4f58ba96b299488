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
_SECONDS_PER_FLOP = {np.dtype(np.float32): 5e-12, np.dtype(np.float64): 1e-11}
                         # one thread's block while the other threads work (AVX-512 / AVX2 cores:
                         # 4-8e-12 for float32): with the pool's fixed wake-up time, how much
                         # longer the caller's block is; both fixed, so that a product's split,
                         # and so its bits, depend on its shape alone
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_F32 = np.dtype(np.float32)
_LOCAL = _tp._LOCAL
_AVX512_CORES = ("skylakex", "cooperlake", "sapphirerapids")
_SWAP = []      # [bool], decided once: see _swap_wide


def _swap_wide():
    """Whether ``x @ w.T`` with few rows is faster as ``(w @ x.T).T``: OpenBLAS's AVX-512
    kernels (its SkylakeX family, also picked on AMD Zen 4/5) run a float32 product whose
    second operand is transposed 1.3-2.5x slower when the result is wide (64x784 @ 784x512:
    0.34 ms against 0.25 ms for the swapped product and a transposed copy; 16x512 @ 512x2048:
    0.50 against 0.21; 20x200 @ 200x800: 80 against 49 us; from 64 rows on, only with at least
    256 columns of x). Other kernels (Haswell, float64) show no such gap. Known through
    ``threadpoolctl`` (the ``threads`` extra); without it products are left as they are."""
    if not _SWAP:
        arch = [str(getattr(c, "architecture", "")).lower() for c in _tp._blas_controllers()
                if getattr(c, "internal_api", "") == "openblas"]
        _SWAP.append(bool(arch) and arch[0] in _AVX512_CORES)
    return _SWAP[0]


def gemm(a, b, out=None):
    """``np.matmul(a, b, out=out)`` for arrays of at least 2 dims, split over ember's pool
    when large (with one intra-op thread, inside a parallel block, or for a small product:
    one call).

    >>> from ember._parallel_gemm import gemm
    >>> gemm(np.eye(2)[None].repeat(3, 0), np.arange(4.).reshape(2, 2))[2]
    array([[0., 1.],
           [2., 3.]])
    """
    if (a.ndim == 2 and b.ndim == 2 and a.dtype == _F32 and b.dtype == _F32
            and 2 <= a.shape[0] <= (64 if a.shape[1] >= 256 else 32) and a.shape[1] >= 64
            and b.shape[1] >= 256 and b.shape[1] >= 4 * a.shape[0]
            and a.flags.c_contiguous and b.T.flags.c_contiguous
            and (_SWAP[0] if _SWAP else _swap_wide())):
        t = gemm(b.T, a.T)              # (n, m): a tall product, the fast way round
        if out is None:
            return np.ascontiguousarray(t.T)
        np.copyto(out, t.T)
        return out
    T = _tp._N[0]
    if a.size * b.size < (MIN_FLOPS >> 1) * a.shape[-1]:   # (small, the common case first: a bound on
        return np.matmul(a, b, out=out)                   # the multiply-adds of any batched product)
    if (T <= 1 or a.ndim < 2 or b.ndim < 2 or a.dtype != b.dtype or a.dtype not in _FLOATS
            or _LOCAL.__dict__.get("worker") or (_tp._MODE[0] if _tp._MODE else _tp.blas_mode()) != "single"):
        return np.matmul(a, b, out=out)
    m, n = a.shape[-2], b.shape[-1]
    batch = () if a.ndim == b.ndim == 2 else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    if 2 * m * a.shape[-1] * n * prod(batch) < MIN_FLOPS:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(batch + (m, n), a.dtype)
    secs = 2 * m * a.shape[-1] * n * prod(batch) * _SECONDS_PER_FLOP[a.dtype]
    if batch and batch[0] >= T:                       # the leading batch axis
        ax = len(batch)
        sl = _tp.lead_blocks(batch[0], T, secs)
        cut = lambda x, s: x[s] if x.ndim == ax + 2 and x.shape[0] != 1 else x
        _run(lambda i: np.matmul(cut(a, sl[i]), cut(b, sl[i]), out=out[sl[i]]), len(sl))
    elif m >= n and m >= 2 * _MIN_ROWS:               # rows of a
        sl = _tp.lead_blocks(m, T, secs, _MIN_ROWS)
        _run(lambda i: np.matmul(a[..., sl[i], :], b, out=out[..., sl[i], :]), len(sl))
    elif n >= 2 * _MIN_ROWS:                          # columns of b
        sl = _tp.lead_blocks(n, T, secs, _MIN_ROWS)
        _run(lambda i: np.matmul(a, b[..., sl[i]], out=out[..., sl[i]]), len(sl))
    else:
        np.matmul(a, b, out=out)
    return out



def _run(fn, n):
    """``fn(0)`` alone when the split gave one block, else ``parallel_for(fn, n)``."""
    if n == 1:
        return fn(0)
    _tp.parallel_for(fn, n)
