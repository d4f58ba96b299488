"""NumPy kernels of the softmax family over the last axis, cache-blocked.

A softmax over wide rows (a language model's 10,000-word decoder) is bound by memory
traffic: max, subtract, exp, sum and divide each stream the whole array through memory
when done array by array. Here large inputs go through in blocks of rows of about
``BLOCK_BYTES`` (resident in a core's L2 cache), all passes on one block before the next:
the array crosses memory about once each way (~2.5x faster at 700 x 10,000).

Every kernel takes arrays with the reduced axis last; ``rows(x)`` says whether a blocked
run applies (2-D view without a copy, large enough), else whole-array passes are used.

>>> import numpy as np
>>> from ember.ops.nn.softmax_kernels import softmax_last
>>> softmax_last(np.array([[0., 0.], [0., np.log(3.)]])).round(2).tolist()
[[0.5, 0.5], [0.25, 0.75]]
"""
from ..._backend import np
from ..._row_sums import row_sum
from ..._ufunc_buffers import rows as row_buffers
from ..._parallel_pass import pass_threads, run_blocks
from ..._thread_pool import blocks as _parts

BLOCK_BYTES = 1 << 19   # 64 KB-2 MB measured (1 and 2 threads): 512 KB the fastest, by 5-25% over 256 KB


def _half(x):
    """float16/bfloat16 are computed in float32 (their sums of exponentials would lose most
    digits), as PyTorch accumulates them."""
    return x.dtype.itemsize == 2 and x.dtype.kind in "fV"


def _rows(x):
    """Rows per block of ``x`` (classes last) viewed as 2-D without a copy, or 0 where
    whole-array passes are as good (small input) or a 2-D view would need a copy."""
    if x.size == 0:
        return 0
    C = x.shape[-1] if x.ndim else 1
    rows = BLOCK_BYTES // max(1, C * x.itemsize)
    if rows == 0 or x.size < 4 * rows * C or not x.flags.c_contiguous:
        return 0
    return rows


def _blocks(lo, hi, rows):
    for i in range(lo, hi, rows):
        yield slice(i, min(i + rows, hi))


def _over_rows(body, n, rows, nbytes, width):
    """``body(lo, hi)`` over ``n`` rows of ``width``: one range per intra-op thread (whole
    blocks of ``rows`` each) when the array of ``nbytes`` is large, else one call; each
    range's blocks are the serial run's blocks, so the results are the same bits. Each call
    runs with NumPy's ufunc buffer sized to the rows (``_ufunc_buffers.rows``: a pass with
    the per-row maximum or sum broadcast along them runs 1.8x as fast)."""
    parts = _parts(-(-n // rows), pass_threads(nbytes))

    def run(lo, hi):
        with row_buffers(width):
            body(lo, hi)
    if len(parts) == 1:
        run(0, n)
        return
    run_blocks(lambda i: run(parts[i].start * rows, min(parts[i].stop * rows, n)), len(parts))


def shifted_exp(x):
    """``(exp(x - m), m, s)`` over the last axis: ``m`` the max (kept dim), ``s`` the sum of
    the exponentials (dim dropped). The first array is new and C-contiguous.

    >>> from ember.ops.nn.softmax_kernels import shifted_exp
    >>> e, m, s = shifted_exp(np.array([[0., 1.]]))
    >>> float(m[0, 0]), round(float(s[0]), 4)
    (1.0, 1.3679)
    """
    if _half(x):
        x = x.astype(np.float32)
    e = np.empty(x.shape, x.dtype)
    if x.size == 0:
        return e, np.empty(x.shape[:-1] + (1,), x.dtype), np.zeros(x.shape[:-1], x.dtype)
    rows = _rows(x)
    if not rows:
        m = np.maximum.reduce(x, axis=-1, keepdims=True)
        np.subtract(x, m, out=e)
        np.exp(e, out=e)
        return e, m, row_sum(e)
    C = x.shape[-1]
    x2, e2 = x.reshape(-1, C), e.reshape(-1, C)
    N = x2.shape[0]
    m = np.empty((N, 1), x.dtype)
    s = np.empty(N, x.dtype)

    def body(lo, hi):
        for b in _blocks(lo, hi, rows):
            eb, mb = e2[b], m[b]
            np.maximum.reduce(x2[b], axis=-1, keepdims=True, out=mb)
            np.subtract(x2[b], mb, out=eb)
            np.exp(eb, out=eb)
            row_sum(eb, s[b], 0)
    _over_rows(body, N, rows, x.nbytes, C)
    return e, m.reshape(x.shape[:-1] + (1,)), s.reshape(x.shape[:-1])


def softmax_last(x):
    """``exp(x) / sum(exp(x))`` over the last axis, new array.

    >>> from ember.ops.nn.softmax_kernels import softmax_last
    >>> softmax_last(np.zeros((1, 4))).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """
    if _half(x):
        return softmax_last(x.astype(np.float32)).astype(x.dtype)
    if x.size == 0:
        return np.empty(x.shape, x.dtype)
    rows = _rows(x)
    if not rows:
        e = np.subtract(x, np.maximum.reduce(x, axis=-1, keepdims=True), out=np.empty(x.shape, x.dtype))
        np.exp(e, out=e)
        e /= row_sum(e)[..., None]
        return e
    C = x.shape[-1]
    y = np.empty(x.shape, x.dtype)
    x2, y2 = x.reshape(-1, C), y.reshape(-1, C)

    def body(lo, hi):
        mb = np.empty((rows, 1), x.dtype)
        for b in _blocks(lo, hi, rows):
            yb = y2[b]
            m = mb[:yb.shape[0]]
            np.maximum.reduce(x2[b], axis=-1, keepdims=True, out=m)
            np.subtract(x2[b], m, out=yb)
            np.exp(yb, out=yb)
            row_sum(yb, m[:, 0], 0)
            np.divide(yb, m, out=yb)
    _over_rows(body, x2.shape[0], rows, x.nbytes, C)
    return y


def log_softmax_last(x):
    """``x - log(sum(exp(x)))`` over the last axis, new array.

    >>> from ember.ops.nn.softmax_kernels import log_softmax_last
    >>> log_softmax_last(np.zeros((1, 2))).round(4).tolist()
    [[-0.6931, -0.6931]]
    """
    if _half(x):
        return log_softmax_last(x.astype(np.float32)).astype(x.dtype)
    if x.size == 0:
        return np.empty(x.shape, x.dtype)
    rows = _rows(x)
    if not rows:
        s = np.subtract(x, np.maximum.reduce(x, axis=-1, keepdims=True), out=np.empty(x.shape, x.dtype))
        s -= np.log(row_sum(np.exp(s))[..., None])
        return s
    C = x.shape[-1]
    out = np.empty(x.shape, x.dtype)
    x2, o2 = x.reshape(-1, C), out.reshape(-1, C)

    def body(lo, hi):
        mb = np.empty((rows, 1), x.dtype)
        tmp = np.empty((rows, C), x.dtype)                    # one block of exponentials, reused
        for b in _blocks(lo, hi, rows):
            ob = o2[b]
            n = ob.shape[0]
            m, t = mb[:n], tmp[:n]
            np.maximum.reduce(x2[b], axis=-1, keepdims=True, out=m)
            np.subtract(x2[b], m, out=ob)
            np.exp(ob, out=t)
            row_sum(t, m[:, 0], 0)
            np.log(m, out=m)
            ob -= m
    _over_rows(body, x2.shape[0], rows, x.nbytes, C)
    return out


def softmax_backward_last(y, g):
    """Gradient of a softmax with output ``y`` for the output gradient ``g``:
    ``y * (g - sum(g * y))`` over the last axis, new array.

    >>> from ember.ops.nn.softmax_kernels import softmax_backward_last
    >>> softmax_backward_last(np.array([[0.5, 0.5]]), np.array([[1., 0.]])).tolist()
    [[0.25, -0.25]]
    """
    if _half(y):
        return softmax_backward_last(y.astype(np.float32), g.astype(np.float32)).astype(y.dtype)
    g = g.astype(y.dtype, copy=False)
    rows = _rows(y) if g.shape == y.shape and (y.ndim == 2 or g.flags.c_contiguous) else 0
    if not rows:
        gy = g * y
        out = np.subtract(g, row_sum(gy)[..., None], out=gy)
        out *= y
        return out
    C = y.shape[-1]
    out = np.empty(y.shape, y.dtype)
    y2, g2, o2 = y.reshape(-1, C), g.reshape(-1, C), out.reshape(-1, C)

    def body(lo, hi):
        sb = np.empty((rows, 1), y.dtype)
        for b in _blocks(lo, hi, rows):
            ob = o2[b]
            s = sb[:ob.shape[0]]
            np.multiply(g2[b], y2[b], out=ob)
            row_sum(ob, s[:, 0], 0)
            np.subtract(g2[b], s, out=ob)
            ob *= y2[b]
    _over_rows(body, y2.shape[0], rows, y.nbytes, C)
    return out


def log_softmax_backward_last(out, g):
    """Gradient of a log-softmax with output ``out`` for the output gradient ``g``:
    ``g - exp(out) * sum(g)`` over the last axis, new array.

    >>> from ember.ops.nn.softmax_kernels import log_softmax_backward_last
    >>> log_softmax_backward_last(np.log(np.array([[0.5, 0.5]])), np.array([[1., 0.]])).tolist()
    [[0.5, -0.5]]
    """
    if _half(out):
        return log_softmax_backward_last(out.astype(np.float32), g.astype(np.float32)).astype(out.dtype)
    g = g.astype(out.dtype, copy=False)
    rows = _rows(out) if g.shape == out.shape and (out.ndim == 2 or g.flags.c_contiguous) else 0
    if not rows:
        r = np.exp(out)
        r *= row_sum(g)[..., None]
        return np.subtract(g, r, out=r)
    C = out.shape[-1]
    res = np.empty(out.shape, out.dtype)
    l2, g2, r2 = out.reshape(-1, C), g.reshape(-1, C), res.reshape(-1, C)

    def body(lo, hi):
        sb = np.empty((rows, 1), out.dtype)
        for b in _blocks(lo, hi, rows):
            rb = r2[b]
            s = sb[:rb.shape[0]]
            row_sum(g2[b], s[:, 0], 0)
            np.exp(l2[b], out=rb)
            rb *= s
            np.subtract(g2[b], rb, out=rb)
    _over_rows(body, l2.shape[0], rows, out.nbytes, C)
    return res
