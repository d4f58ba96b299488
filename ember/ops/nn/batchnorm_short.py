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


def _row_sums(a3):
    """(N, C) sums of the rows of a3 (N, C, P)."""
    N, C, P = a3.shape
    return _gemv(np.ascontiguousarray(a3).reshape(N * C, P), _ones(P, a3.dtype)).reshape(N, C)


def _plane(v, P):
    """Per-channel values v (C,) as a contiguous (C, P) plane."""
    out = np.empty((v.shape[0], P), v.dtype)
    out[...] = v[:, None]
    return out


def forward(x3, w, b, eps):
    """(y, xc, mean, biased var, invstd) of x3 (N, C, P) C-contiguous; w, b (C,) or None."""
    N, C, P = x3.shape
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
    P = xc.shape[2]
    dt = xc.dtype.type
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
