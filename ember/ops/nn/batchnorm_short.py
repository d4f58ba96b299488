"""Training-mode BatchNorm on short planes (fewer than ``SHORT_P`` positions per channel: the
7x7 and 4x4 maps of deep layers), by blocks of images instead of channels.

``BatchNormTrain``'s per-channel passes broadcast one value along each (n, c) row; on rows of
a few dozen elements NumPy's loops restart per row and a (4, 512, 49) forward took 150 us
(torch 60-140). Here every per-channel value is laid out as a full (C, P) plane once, so each
pass is one contiguous loop over (images, C * P), the row sums (of x, of the squares of the
centred x, of g and of g * xc) are one grouped matrix-vector product over all (n, c) rows
(``_row_sums._gemv``: a row's sum has the same bits however the rows are split), and large
inputs are split by images over the intra-op threads. The statistics are those of
``BatchNormTrain``: each (n, c) row summed in the input's dtype, the N partial sums in float64,
float32 centring corrected by the float64 mean's residual.

>>> from ember.ops.nn.batchnorm_short import forward
>>> y, xc, mean, var, invstd = forward(np.array([[[1., 3.]]]), None, None, 0.0)
>>> y, mean, var
(array([[[-1.,  1.]]]), array([2.]), array([1.]))
"""
from .._util import np
from ..._parallel_pass import par_blocks
from ..._row_sums import _gemv, _ones

__all__ = []

SHORT_P = 64        # planes with fewer positions than this take these kernels
_COL_BLOCK = 64     # one value per (n, c): rows per block of the column sums


def _row_sums(a3):
    """(N, C) sums of the rows of a3 (N, C, P)."""
    N, C, P = a3.shape
    return _gemv(np.ascontiguousarray(a3).reshape(N * C, P), _ones(P, a3.dtype)).reshape(N, C)


def _plane(v, P):
    """Per-channel values v (C,) as a contiguous (C, P) plane."""
    out = np.empty((v.shape[0], P), v.dtype)
    out[...] = v[:, None]
    return out


def _col_sums(a2):
    """float64 (C,) sums of the columns of a2 (N, C): blocks of ``_COL_BLOCK`` rows summed by
    BLAS in a2's dtype, the blocks' sums added in float64."""
    N, C = a2.shape
    full = N - N % _COL_BLOCK
    parts = []
    if full:
        parts.append(np.matmul(_ones(_COL_BLOCK, a2.dtype), a2[:full].reshape(full // _COL_BLOCK, _COL_BLOCK, C)))
    if full < N:
        parts.append(np.matmul(_ones(N - full, a2.dtype), a2[full:])[None])
    return (parts[0] if len(parts) == 1 else np.concatenate(parts)).sum(axis=0, dtype=np.float64)


def _forward_cols(x2, w, b, eps):
    """``forward`` of one value per (n, c) (BatchNorm1d on (N, C)): every per-channel value
    broadcast along the rows."""
    N = x2.shape[0]
    dt = x2.dtype
    m64 = _col_sums(x2) / N
    mean = m64.astype(dt)
    xc = np.subtract(x2, mean)
    if dt == np.float32:
        xc -= (m64 - mean).astype(dt)
    sq = np.multiply(xc, xc)
    var = (_col_sums(sq) / N).astype(dt)
    invstd = dt.type(1.0) / np.sqrt(var + dt.type(eps))
    y = np.multiply(xc, invstd if w is None else invstd * w, out=sq)
    if b is not None:
        y += b
    return y, xc, mean, var, invstd


def forward(x3, w, b, eps):
    """(y, xc, mean, biased var, invstd) of x3 (N, C, P) C-contiguous; w, b (C,) or None."""
    N, C, P = x3.shape
    if P == 1:
        y, xc, mean, var, invstd = _forward_cols(x3.reshape(N, C), w, b, eps)
        return y.reshape(x3.shape), xc.reshape(x3.shape), mean, var, invstd
    dt = x3.dtype
    M = N * P
    m64 = _row_sums(x3).sum(axis=0, dtype=np.float64) / M
    mean = m64.astype(dt)
    sub = _plane(mean, P)
    low = _plane((m64 - mean).astype(dt), P) if dt == np.float32 else None

    def center(o, x):
        np.subtract(x, sub, out=o)
        if low is not None:   # the mean's rounding residual: xc as if from the float64 mean
            o -= low
    xc = par_blocks(center, np.empty_like(x3), x3, passes=2)
    sq = par_blocks(lambda o, a: np.multiply(a, a, out=o), np.empty_like(x3), xc)
    var = (_row_sums(sq).sum(axis=0, dtype=np.float64) / M).astype(dt)
    invstd = dt.type(1.0) / np.sqrt(var + dt.type(eps))
    scale = _plane(invstd if w is None else invstd * w, P)
    shift = None if b is None else _plane(b, P)

    def affine(o, a):
        np.multiply(a, scale, out=o)
        if shift is not None:
            o += shift
    y = par_blocks(affine, sq, xc, passes=2)      # (the squares' buffer, no longer needed)
    return y, xc, mean, var, invstd


def backward(g3, xc, invstd, w, M, need_dx):
    """(sum of g, sum of g * xc, dx or None) per channel, as ``BatchNormTrain``'s backward:
    dx = w * invstd * (g - sum(g) / M - xc * invstd**2 * sum(g * xc) / M)."""
    N, C, P = xc.shape
    dt = xc.dtype.type
    if P == 1:
        return _backward_cols(g3.reshape(N, C), xc.reshape(N, C), invstd, w, M, need_dx)
    gb = _row_sums(g3).sum(axis=0, dtype=np.float64)
    t = par_blocks(lambda o, a, c: np.multiply(a, c, out=o), np.empty_like(xc), g3, xc)
    gxc = _row_sums(t).sum(axis=0, dtype=np.float64)
    if not need_dx:
        return gb, gxc, None
    a = _plane(invstd if w is None else invstd * w, P)
    k1 = _plane((-(invstd.astype(np.float64) ** 2) * gxc / M).astype(dt), P)
    k2 = _plane((-gb / M).astype(dt), P)

    def run(o, x, g):
        np.multiply(x, k1, out=o)
        o += g
        o += k2
        o *= a
    return gb, gxc, par_blocks(run, t, xc, g3, passes=4)


def _backward_cols(g2, xc2, invstd, w, M, need_dx):
    """``backward`` of one value per (n, c)."""
    dt = xc2.dtype.type
    gb = _col_sums(g2)
    t = np.multiply(g2, xc2)
    gxc = _col_sums(t)
    if not need_dx:
        return gb, gxc, None
    k1 = (-(invstd.astype(np.float64) ** 2) * gxc / M).astype(dt)
    d = np.multiply(xc2, k1, out=t)
    d += g2
    d += (-gb / M).astype(dt)
    d *= invstd if w is None else invstd * w
    return gb, gxc, d[:, :, None]
