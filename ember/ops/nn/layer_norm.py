"""LayerNorm as one node (PyTorch's ``NativeLayerNormBackward0``), in cache-sized blocks of rows.

Each row of D elements (the trailing ``normalized_shape``) becomes y = (x - mean) * rstd * w + b,
with the row's mean and biased variance, rstd = 1 / sqrt(var + eps). PyTorch's kernel does this
in two sweeps over each row; NumPy needs a pass per operation, so the rows go in blocks of about
``_BLOCK`` elements, small enough that every pass over a block after the first runs in cache
(and large enough that the calls per block cost little). From memory the forward reads x and writes y once, the backward reads x and g and writes
dx once.

* forward, per block: the row sums by BLAS (``row_sum``), x - mean, the sums of squares as one
  dot product per row, the centred rows scaled by rstd (xhat), then times w, plus b, all in
  y's block. Saved, as PyTorch saves them: x (changing it in place before backward is an
  error), the parameters, the row means and rstd.
* backward, per block: xhat again from x, db = sum over rows of g, dw = sum over rows of
  g * xhat (a BLAS column sum per block, the blocks' partial sums added in float64 in block
  order), and dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)) with gw = g * w.

The blocks depend on the shape alone, not on the number of threads (they are dealt to ember's
intra-op threads), so the results have the same bits on any number of threads, and with or
without autograd.

>>> from ember.ops.nn.layer_norm import layer_norm
>>> layer_norm(ember.tensor([[1., 3.]]), 1, ember.tensor([2., 2.]), ember.tensor([0., 1.]), 0.0)
tensor([[-2.,  3.]])
"""
import math

from .._util import np, Op, apply_op, _wrap, _state
from ...autograd.function import _NoGradCtx
from ..._parallel_pass import run_blocks, MIN_BYTES
from ..._thread_pool import num_threads
from ..._ufunc_buffers import rows
from ..._row_sums import row_sum

__all__ = ["layer_norm", "fusable"]

_BLOCK = 1 << 19     # elements per block of rows (2 MB of float32; 64K-1M measured, 1 and 2 threads)
_SMALL = 1 << 13     # inputs of at most this many elements: one block, no per-block machinery
                     # (a (1, 1, 64) layer norm 13.6 -> 6 us: its NumPy calls are the cost)
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_ONES = {}           # (D, dtype) -> ones(D): the small kernel's row sums


def fusable(x, k, weight, bias):
    """Whether ``layer_norm`` takes this input: a float32/float64 array ``x`` normalised over its
    last ``k`` dims (at least one element in them; there may be no rows), w and b of its dtype
    or None.

    >>> from ember.ops.nn.layer_norm import fusable
    >>> fusable(np.ones((2, 3), np.float32), 1, None, None), fusable(np.ones((2, 3), np.float16), 1, None, None)
    (True, False)
    """
    return (x.dtype in _FLOATS and x.ndim >= k and math.prod(x.shape[x.ndim - k:]) > 0
            and all(t is None or t._data.dtype == x.dtype for t in (weight, bias)))


def _row_blocks(R, D):
    rb = max(1, _BLOCK // D)
    return [slice(i, min(R, i + rb)) for i in range(0, R, rb)]


def _each(sls, fn, nbytes):
    """``fn(i, sls[i])`` for every block, over the intra-op threads when the work is large."""
    if num_threads() <= 1 or len(sls) < 2 or nbytes < MIN_BYTES:
        for i, s in enumerate(sls):
            fn(i, s)
        return
    run_blocks(lambda i: fn(i, sls[i]), len(sls))


def _row_dots(a, b):
    """sum(a * b) of each row of the (r, D) arrays: one BLAS dot product per row."""
    return np.matmul(a[:, None, :], b[:, :, None]).reshape(a.shape[0])


class _ElementAffine:
    """LayerNorm's affine: y = xhat * w + b with w and b of the row's shape (D,) (or None);
    the hooks the row kernels call on each block of rows ``s``."""

    def __init__(self, w, b, D):
        self.w, self.b, self.part_shape = w, b, (D,)

    def apply(self, s, hb):
        """y's block from xhat's, in place."""
        if self.w is not None:
            hb *= self.w
        if self.b is not None:
            hb += self.b

    def scale(self, s, gb, out):
        """g * w of a block (``gb`` itself without w)."""
        return gb if self.w is None else np.multiply(gb, self.w, out=out)

    def part(self, s, a):
        """The block's share of sum(a) over what one weight scales (here: over the rows)."""
        return np.matmul(np.ones(a.shape[0], a.dtype), a)


def _forward(x2, eps, affine):
    """y, mean and rstd of the rows of x2 (R, D): xhat = (x - mean) * rstd in y's block, then
    ``affine.apply`` there."""
    R, D = x2.shape
    dt = x2.dtype
    if R * D <= _SMALL:
        return _forward_small(x2, dt.type(eps), affine)
    y = np.empty_like(x2)
    mean, rstd = np.empty(R, dt), np.empty(R, dt)
    eps = dt.type(eps)

    def block(i, s):
        xb, hb = x2[s], y[s]
        m = np.divide(row_sum(xb, None, 0), dt.type(D), out=mean[s])
        with rows(D):
            np.subtract(xb, m[:, None], out=hb)
        v = _row_dots(hb, hb)
        v /= D
        v += eps
        r = np.sqrt(v, out=rstd[s])
        np.divide(dt.type(1), r, out=r)
        with rows(D):
            hb *= r[:, None]
        affine.apply(s, hb)
    _each(_row_blocks(R, D), block, y.nbytes)
    return y, mean, rstd


def _forward_small(x2, eps, affine):
    """``_forward`` of a small input, as one block: the same passes, fewer calls (the row sums
    by one product with ones instead of ``row_sum``'s groups of rows); one row (a decoding
    step's) with its mean and rstd as scalars."""
    R, D = x2.shape
    dt = x2.dtype
    ones = _ONES.get((D, dt))
    if ones is None:
        if len(_ONES) > 32:
            _ONES.clear()
        ones = _ONES[(D, dt)] = np.ones(D, dt)
    if R == 1:
        m = dt.type(float(x2[0] @ ones) / D)
        y = x2 - m
        r = dt.type(_rsqrt(float(y[0] @ y[0]) / D + float(eps)))
        y *= r
        affine.apply(slice(0, 1), y)
        return y, np.array([m], dt), np.array([r], dt)
    mean = np.matmul(x2, ones)
    mean /= D
    y = np.subtract(x2, mean[:, None])
    v = _row_dots(y, y)
    v /= D
    v += eps
    rstd = np.sqrt(v, out=v)
    np.divide(dt.type(1), rstd, out=rstd)
    y *= rstd[:, None]
    affine.apply(slice(0, R), y)
    return y, mean, rstd


def _rsqrt(v):
    """1 / sqrt(v) of a Python float, as the array kernels give it (inf at 0, nan below)."""
    if v > 0.0:
        return 1.0 / math.sqrt(v)
    return math.inf if v == 0.0 else math.nan


def _backward(g2, x2, mean, rstd, affine, need_x, need_w, need_b):
    """dx (or None), and the float64 sums for dw and db (``affine.part``'s shape, or None) from
    the gradient g2 (R, D), the rows x2 and their saved mean and rstd (xhat is recomputed per
    block, in cache: saving it would double the activations kept for backward)."""
    R, D = x2.shape
    dt = x2.dtype
    sls = _row_blocks(R, D)
    dx = np.empty_like(x2) if need_x else None
    dws = np.empty((len(sls),) + affine.part_shape, np.float64) if need_w else None
    dbs = np.empty((len(sls),) + affine.part_shape, np.float64) if need_b else None

    def block(i, s):
        gb, r = g2[s], rstd[s]
        if dbs is not None:
            dbs[i] = affine.part(s, gb)
        if dws is None and dx is None:
            return
        h = np.empty(gb.shape, dt)
        with rows(D):
            np.subtract(x2[s], mean[s][:, None], out=h)
            h *= r[:, None]
        t = np.empty(gb.shape, dt)
        if dws is not None:
            dws[i] = affine.part(s, np.multiply(gb, h, out=t))
        if dx is None:
            return
        gw = affine.scale(s, gb, t)
        k = _row_dots(gw, h)                        # -rstd * mean(gw * xhat)
        k *= -r
        k /= D
        c = row_sum(gw, None, 0)                   # -rstd * mean(gw)
        c *= -r
        c /= D
        d = dx[s]
        with rows(D):
            np.multiply(h, k[:, None], out=d)
            np.multiply(gw, r[:, None], out=t)
            d += t
            d += c[:, None]
    _each(sls, block, x2.nbytes)
    dw = None if dws is None else (dws[0].copy() if len(sls) == 1 else np.add.reduce(dws, axis=0))
    db = None if dbs is None else (dbs[0].copy() if len(sls) == 1 else np.add.reduce(dbs, axis=0))
    return dx, dw, db


def _norm_forward(ctx, x, rest, layout):
    """The forward of a row normalisation node (LayerNorm, GroupNorm): ``rest`` is the node's
    weight and bias (those present), then (``arg``, ``affine``, ``eps``); ``layout(a, arg, w, b)``
    gives ``a`` as contiguous rows and the affine's hooks."""
    arg, affine, eps = rest[-3:]
    w = rest[0] if affine & 1 else None
    b = rest[affine & 1] if affine & 2 else None
    x2, plan = layout(x, arg, w, b)
    y, mean, rstd = _forward(x2, eps, plan)
    if ctx.needs_input_grad is not None:    # x, the parameters, mean and rstd, as PyTorch saves them
        ctx.arg, ctx.eps, ctx.affine = arg, eps, affine       # (changing x in place is then an error)
        ctx.save_for_backward(*((x,) + rest[:-3] + (mean, rstd)))
    return y.reshape(x.shape)


def _norm_backward(ctx, g, layout, differentiable):
    """The backward of a row normalisation node; ``differentiable(ctx, g, x, w, needs)`` under
    create_graph."""
    saved = ctx.saved_tensors
    x, params, mean, rstd = saved[0], saved[1:-2], saved[-2]._data, saved[-1]._data
    w = params[0] if ctx.affine & 1 else None
    n = ctx.needs_input_grad
    if _state[0]:      # create_graph: the same formulas in differentiable ops
        return differentiable(ctx, g, x, w, n)
    xd = x._data
    gd = g._data
    if gd.dtype != xd.dtype:
        gd = gd.astype(xd.dtype)
    g2, plan = layout(gd, ctx.arg, None if w is None else w._data, None)
    x2, _ = layout(xd, ctx.arg, None, None)
    dx, dw, db = _backward(g2, x2, mean, rstd, plan, n[0], w is not None and n[1], bool(ctx.affine & 2) and n[-1])
    dt = xd.dtype
    out = [None if dx is None else _wrap(dx.reshape(x.shape))]
    if w is not None:
        out.append(None if dw is None else _wrap(dw.astype(dt).reshape(w.shape)))
    if ctx.affine & 2:
        out.append(None if db is None else _wrap(db.astype(dt).reshape(params[-1].shape)))
    return tuple(out)


def _layout(a, k, w, b):
    D = math.prod(a.shape[a.ndim - k:])
    plan = _ElementAffine(None if w is None else w.reshape(D), None if b is None else b.reshape(D), D)
    return np.ascontiguousarray(a).reshape(-1, D), plan


def _norm_op(name, node_name, layout, differentiable, doc, module):
    """A row normalisation node class: ``_norm_forward``/``_norm_backward`` with ``layout`` and
    ``differentiable``, PyTorch's ``node_name``."""
    return type(name, (Op,), {
        "_name": node_name, "__doc__": doc, "__module__": module,
        "forward": staticmethod(lambda ctx, x, *rest: _norm_forward(ctx, x, rest, layout)),
        "backward": staticmethod(lambda ctx, g: _norm_backward(ctx, g, layout, differentiable))})


def _differentiable_grads(ctx, g, x, w, n):
    dims = tuple(range(x.dim() - ctx.arg, x.dim()))
    lead = tuple(range(x.dim() - ctx.arg))
    xc = x - x.mean(dims, keepdim=True)
    rstd = ((xc * xc).mean(dims, keepdim=True) + ctx.eps).rsqrt()
    xhat = xc * rstd
    gw = g if w is None else g * w
    out = [rstd * (gw - gw.mean(dims, keepdim=True) - xhat * (gw * xhat).mean(dims, keepdim=True))
           if n[0] else None]
    if w is not None:
        out.append((g * xhat).sum(lead) if n[1] else None)
    if ctx.affine & 2:
        out.append(g.sum(lead) if n[-1] else None)
    return tuple(out)


LayerNorm = _norm_op("LayerNorm", "NativeLayerNormBackward0", _layout, _differentiable_grads,
                    "The trailing ``k`` dims of x normalised, times w, plus b (``affine``: 1 w, 2 b, 3 both).",
                    __name__)


def layer_norm(x, k, weight=None, bias=None, eps=1e-5):
    """x (a Tensor) normalised over its last ``k`` dims, times ``weight``, plus ``bias`` (Tensors
    of those dims' shape, or None), as one node; the caller checks ``fusable`` first.

    >>> from ember.ops.nn.layer_norm import layer_norm
    >>> layer_norm(ember.tensor([[1., 3.], [2., 2.]]), 1)
    tensor([[-1.0000,  1.0000],
            [ 0.0000,  0.0000]])
    """
    return _run_norm(LayerNorm, x, k, weight, bias, eps)


def _run_norm(cls, x, arg, weight, bias, eps):
    """Row normalisation node ``cls`` on tensors: recorded when autograd tracks an input, else
    its forward alone."""
    affine = (weight is not None) + 2 * (bias is not None)
    ts = (x,) + tuple(t for t in (weight, bias) if t is not None)
    if _state[0] and any(t._rg for t in ts):
        return apply_op(cls, ts, arg, affine, eps)
    return _wrap(cls.forward(_NoGradCtx(), *[t._data for t in ts], arg, affine, eps))
