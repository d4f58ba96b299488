"""Normalisation: one fused op standardises over a set of dims; GroupNorm and InstanceNorm (and
LayerNorm of other dtypes: float32/float64 go to ``layer_norm``) are that op plus an affine
transform; BatchNorm in training is one fused node of its own (``BatchNormTrain``).

``Standardize``: y = (x - mean) / sqrt(var + eps), mean and biased var over ``dims``.
Its backward is the closed form  dx = invstd * (g - mean(g) - y * mean(g * y)).

>>> from ember.ops.nn.norm import standardize
>>> standardize(ember.tensor([[1., 3.]]), (1,), 0.0)
tensor([[-1.,  1.]])
"""
from .._util import np, Op, apply_op, _wrap, _state
from ...autograd.function import _NoGradCtx
from ..._thread_pool import num_threads, parallel_for, blocks
from ..._parallel_pass import par_blocks, MIN_SIZE
from ..._ufunc_buffers import rows
from ..._row_sums import row_sum, sum_last, sum_squares
from . import batchnorm_short as _short

__all__ = []


def _mean(a, dims, split=False, rowsum=False):
    """(mean over ``dims`` with keepdims, low part or None), accurate for channel reductions.

    For (N, C, ...) arrays reduced over every dim but 1 (BatchNorm), each (n, c) row is
    summed pairwise and the N partial sums added in float64, as torch accumulates channel
    statistics in double; with ``split`` a float32 mean also returns its rounding residual
    (``mean + low`` is the float64 mean to ~float32 squared precision). Trailing ``dims`` with
    ``rowsum`` (decided once per array, so that its blocks agree): BLAS row sums. Other
    reductions: NumPy's mean.
    """
    if (a.ndim >= 2 and a.dtype in (np.float32, np.float64) and dims == (0,) + tuple(range(2, a.ndim))
            and a.flags.c_contiguous):
        N, C = a.shape[:2]
        m64 = row_sum(a.reshape(N, C, -1), None, 0).sum(axis=0, dtype=np.float64) / (a.size // C)
        shape = (1, C) + (1,) * (a.ndim - 2)
        mean = m64.astype(a.dtype).reshape(shape)
        low = (m64 - mean.ravel()).astype(a.dtype).reshape(shape) if split and a.dtype == np.float32 else None
        return mean, low
    if a.dtype in (np.float32, np.float64) and a.size:      # a.mean's sum and division,
        r = (sum_last(a, len(dims), True, 0) if rowsum and _trailing(dims, a.ndim)  # BLAS row sums,
             else np.add.reduce(a, axis=dims, keepdims=True))                             # or NumPy's
        return np.true_divide(r, a.size // r.size, out=r), None
    return a.mean(axis=dims, keepdims=True), None


def _standardize_arrays(x, dims, eps, out=None, rowsum=False):
    """(y, mean, biased var, invstd) of ``x`` standardised over ``dims`` (y into ``out``)."""
    mean, low = _mean(x, dims, True, rowsum)
    xc = x - mean
    if low is not None:
        xc -= low
    if rowsum and _trailing(dims, x.ndim):      # one BLAS dot per row, no squares array
        var = sum_squares(xc, dims, True)
        var /= var.dtype.type(xc.size // max(1, var.size))
    else:
        var, _ = _mean(xc * xc, dims, False, rowsum)
    invstd = 1.0 / np.sqrt(var + eps)
    return np.multiply(xc, invstd, out=out), mean, var, invstd


_BIG = 1 << 16           # arrays of at least this many elements: BLAS row sums and row-sized ufunc
                         # buffers (on smaller ones their calls cost more than they save)


def _trailing(dims, ndim):
    return bool(dims) and dims[0] > 0 and dims == tuple(range(dims[0], ndim))


def _standardize_into(x, dims, eps, y, mean, var, invstd):
    """``_standardize_arrays`` of a block of rows (of a large array), written into its blocks
    of the results."""
    for o, r in zip((y, mean, var, invstd), _standardize_arrays(x, dims, eps, None, True)):
        o[...] = r


def _standardize_grad(gd, y, invstd, dims, out=None, rowsum=False):
    """invstd * (g - mean(g) - y * mean(g * y)) over ``dims``."""
    gy = gd * y
    mg, _ = _mean(gd, dims, False, rowsum)
    mgy, _ = _mean(gy, dims, False, rowsum)
    np.multiply(y, mgy, out=gy)
    return np.multiply(gd - mg - gy, invstd, out=out)


class Standardize(Op):
    _name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, eps):
        if x.size >= MIN_SIZE and dims and dims[0] > 0 and dims == tuple(range(dims[0], x.ndim)) \
                and x.dtype in (np.float32, np.float64):   # trailing dims: blocks of rows
            y = np.empty_like(x)
            mean, var, invstd = (np.empty(x.shape[:dims[0]] + (1,) * len(dims), x.dtype) for _ in range(3))
            width = x[(0,) * dims[0]].size

            def block(yb, xb, *st):
                with rows(width):
                    _standardize_into(xb, dims, eps, yb, *st)
            par_blocks(block, y, x, mean, var, invstd, keep=dims)
        else:   # (row sums by BLAS from _BIG elements, as the no-grad standardize_affine)
            y, mean, var, invstd = _standardize_arrays(x, dims, eps, None, x.size >= _BIG and _trailing(dims, x.ndim))
        ctx.dims, ctx.eps = dims, eps
        ctx.y, ctx.invstd = y, invstd
        ctx.save_for_backward(x)
        ctx.stats = (mean, var)
        return y

    @staticmethod
    def backward(ctx, g):
        dims = ctx.dims
        if _state[0]:  # create_graph: rebuild y and invstd from x with differentiable ops
            x, = ctx.saved_tensors
            xc = x - x.mean(dims, keepdim=True)
            invstd = ((xc * xc).mean(dims, keepdim=True) + ctx.eps).rsqrt()
            y = xc * invstd
            return invstd * (g - g.mean(dims, keepdim=True) - y * (g * y).mean(dims, keepdim=True))
        y, gd = ctx.y, g._data
        if gd.size >= MIN_SIZE and gd.shape == y.shape and gd.dtype == y.dtype and dims[0] > 0 \
                and dims == tuple(range(dims[0], y.ndim)):   # trailing dims: blocks of rows
            width = y[(0,) * dims[0]].size

            def block(o, *a):
                with rows(width):
                    _standardize_grad(*a, dims, o, True)
            return _wrap(par_blocks(block, np.empty_like(y), gd, y, ctx.invstd, keep=dims))
        return _wrap(_standardize_grad(gd, y, ctx.invstd, dims, None, gd.size >= _BIG and _trailing(dims, gd.ndim)))


def standardize(x, dims, eps, return_stats=False):
    """Zero-mean, unit-variance over ``dims`` (biased variance), as one node."""
    if _state[0] and x._rg:
        y = apply_op(Standardize, (x,), tuple(dims), eps)
        stats = y.grad_fn.stats if return_stats else None
    else:
        c = _NoGradCtx()
        y = _wrap(Standardize.forward(c, x._data, tuple(dims), eps))
        stats = c.stats if return_stats else None
    return (y, stats) if return_stats else y


# ---------------------------------------------------------------- BatchNorm in training, fused
def _channel_sums(a3):
    """Per-channel sums of a (N, C, P) float array: each (n, c) row in its dtype (``row_sum``), the N
    partial sums in float64 (as torch accumulates channel statistics)."""
    return row_sum(a3, None, 0).sum(axis=0, dtype=np.float64)


def batch_norm_fusable(x):
    """Whether ``batch_norm_train`` takes this array: float32/64, (N, C, ...), C-contiguous."""
    return x.ndim >= 2 and x.dtype in (np.float32, np.float64) and x.flags.c_contiguous and x.size > 0


class BatchNormTrain(Op):
    """y = (x - mean) * invstd * w + b with batch statistics over (N, *spatial), in few passes.

    Saves the centred input xc and invstd (per channel); with ``M`` values per channel the
    backward is  gb = sum(g),  gw = invstd * sum(g * xc),
    dx = w * invstd * (g - gb / M - xc * invstd**2 * sum(g * xc) / M).
    ``affine``: 0 none, 1 weight, 2 bias, 3 both (the tensors after x).
    """

    _name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, *rest):
        affine, eps = rest[-2:]
        w = rest[0] if affine & 1 else None
        b = rest[(affine & 1)] if affine & 2 else None
        N, C = x.shape[:2]
        x3 = x.reshape(N, C, -1)
        P = x3.shape[2]
        M = x3.shape[0] * P
        if P < _short.SHORT_P:      # short planes: by images, per-channel values as planes
            y, xc, mean, var, invstd = _short.forward(x3, w, b, eps)
            return _bn_finish(ctx, x, rest, y, xc, mean, var, invstd, M, eps, affine)
        xc, y = np.empty_like(x3), np.empty_like(x3)
        mean, var = np.empty(C, x.dtype), np.empty(C, x.dtype)
        invstd = np.empty(C, x.dtype)

        def run(c):   # (the elementwise passes under a row-sized ufunc buffer; not the sums)
            m64 = _channel_sums(x3[:, c]) / M
            mean[c] = m64
            with rows(P):
                np.subtract(x3[:, c], mean[c].reshape(1, -1, 1), out=xc[:, c])
                if x.dtype == np.float32:  # the mean's rounding residual: xc as if from the float64 mean
                    xc[:, c] -= (m64 - mean[c]).astype(x.dtype).reshape(1, -1, 1)
            xcc = xc[:, c]   # the sums of squares: one BLAS dot per (n, c) row (no squares array), n in float64
            var[c] = np.matmul(xcc[:, :, None, :], xcc[:, :, :, None])[..., 0, 0].sum(axis=0, dtype=np.float64) / M
            invstd[c] = 1.0 / np.sqrt(var[c] + x.dtype.type(eps))
            scale = invstd[c] if w is None else invstd[c] * w[c]
            yc = y[:, c]
            with rows(P):
                np.multiply(xcc, scale.reshape(1, -1, 1), out=yc)
                if b is not None:
                    yc += b[c].reshape(1, -1, 1)
        _by_channels(run, x3)
        return _bn_finish(ctx, x, rest, y, xc, mean, var, invstd, M, eps, affine)

    @staticmethod
    def backward(ctx, g):
        return _bn_backward(ctx, g)


def _bn_finish(ctx, x, rest, y, xc, mean, var, invstd, M, eps, affine):
    """Save what the backward needs (when recording), the statistics, and y in x's shape."""
    if ctx.needs_input_grad is not None:
        ctx.xc, ctx.invstd, ctx.M, ctx.eps, ctx.affine = xc, invstd, M, eps, affine
        ctx.save_for_backward(x, *rest[:-2])
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    ctx.stats = (mean.reshape(shape), var.reshape(shape))
    return y.reshape(x.shape)


_PAR_BYTES = 1 << 21   # BatchNorm inputs smaller than this run on one thread (its passes are bound by
                       # memory: 1.6 MB took 1.1x as long split over 2 threads, 3.2 MB 0.85x, 12.8 MB 0.7x)


def _by_channels(run, x3):
    """``run(slice of channels)`` over all of x3's channels: one block per intra-op thread when
    the input is large, else one call; the BLAS single-threaded in either case."""
    T = num_threads()
    C = x3.shape[1]
    if T > 1 and C >= 2 and x3.nbytes >= _PAR_BYTES:
        sl = blocks(C, T)
        parallel_for(lambda i: run(sl[i]), len(sl))
        return
    run(slice(None))


def _bn_backward(ctx, g):
    saved = ctx.saved_tensors
    x, params = saved[0], saved[1:]
    n = ctx.needs_input_grad
    w = params[0] if ctx.affine & 1 else None
    dims = (0,) + tuple(range(2, x.dim()))
    if _state[0]:  # create_graph: the same formulas in differentiable ops
        xhat = standardize(x, dims, ctx.eps)
        gxh = g if w is None else g * w.reshape((1, -1) + (1,) * (x.dim() - 2))
        out = [None]
        if n[0]:
            xc = x - x.mean(dims, keepdim=True)
            invstd = ((xc * xc).mean(dims, keepdim=True) + ctx.eps).rsqrt()
            out[0] = invstd * (gxh - gxh.mean(dims, keepdim=True) - xhat * (gxh * xhat).mean(dims, keepdim=True))
        if w is not None:
            out.append((g * xhat).sum(dims) if n[1] else None)
        if len(params) > (w is not None):
            out.append(g.sum(dims) if n[-1] else None)
        return tuple(out)
    gd = g._data
    xc, invstd, M = ctx.xc, ctx.invstd, ctx.M
    N, C = xc.shape[:2]
    g3 = gd.reshape(N, C, -1)
    if g3.dtype != xc.dtype:
        g3 = g3.astype(xc.dtype)
    dt = xc.dtype.type
    wd = None if w is None else w._data
    if xc.shape[2] < _short.SHORT_P:
        gb, gxc, dx = _short.backward(g3, xc, invstd, wd, M, n[0])
        return _bn_grads(x, params, w, n, dx, gb, gxc, invstd, dt)
    gb, gxc = np.empty(C), np.empty(C)
    dx = np.empty_like(xc) if n[0] else None

    def run(c):
        gb[c] = _channel_sums(g3[:, c])
        # sum(g * xc) per channel: one BLAS dot per (n, c) row (no product array), rows in float64
        gxc[c] = np.matmul(g3[:, c, None, :], xc[:, c, :, None])[..., 0, 0].sum(axis=0, dtype=np.float64)
        if dx is not None:
            a = invstd[c] if wd is None else invstd[c] * wd[c]
            k1 = (-(invstd[c].astype(np.float64) ** 2) * gxc[c] / M).astype(dt)
            with rows(xc.shape[2]):
                d = np.multiply(xc[:, c], k1.reshape(1, -1, 1), out=dx[:, c])
                d += g3[:, c]
                d += (-gb[c] / M).astype(dt).reshape(1, -1, 1)
                d *= a.reshape(1, -1, 1)
    _by_channels(run, xc)
    return _bn_grads(x, params, w, n, dx, gb, gxc, invstd, dt)


def _bn_grads(x, params, w, n, dx, gb, gxc, invstd, dt):
    out = [None if dx is None else _wrap(dx.reshape(x.shape))]
    if w is not None:
        out.append(_wrap((gxc * invstd).astype(dt)) if n[1] else None)
    if len(params) > (w is not None):
        out.append(_wrap(gb.astype(dt)) if n[-1] else None)
    return tuple(out)


def batch_norm_train(x, weight, bias, eps):
    """Training-mode BatchNorm on (N, C, ...) with batch statistics, as one node; returns
    (y, (mean, biased var)) with the statistics shaped (1, C, 1...).

    >>> from ember.ops.nn.norm import batch_norm_train
    >>> batch_norm_train(ember.tensor([[1.], [3.]]), None, ember.tensor([0.5]), 0.0)[0]
    tensor([[-0.5000],
            [ 1.5000]])
    """
    affine = (weight is not None) + 2 * (bias is not None)
    ts = (x,) + tuple(t for t in (weight, bias) if t is not None)
    if _state[0] and any(t._rg for t in ts):
        y = apply_op(BatchNormTrain, ts, affine, eps)
        return y, y.grad_fn.stats
    c = _NoGradCtx()
    y = BatchNormTrain.forward(c, *[t._data for t in ts], affine, eps)
    return _wrap(y), c.stats
