"""Pooling: max and average pooling (1d/2d/3d), adaptive pooling, max-unpooling.

Windows come from ``sliding_window_view`` (no copy); max pooling keeps flat argmax
indices per (N, C) plane, as PyTorch reports them, through a pair of gather/scatter ops closed
under differentiation. Overlapping windows run separably, one spatial axis at a time, on
unit-stride slices (``_window_argmax``); the backward accumulates with ``np.bincount`` over
cache-sized runs of planes.

>>> from ember.ops.nn.pool import max_pool
>>> max_pool(ember.arange(16.).reshape(1, 1, 4, 4), (2, 2), (2, 2), (0, 0), (1, 1), False)[0]
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
"""
import itertools
import math

from .._util import np, Op, apply_op, _wrap, _state
from ..._thread_pool import num_threads, parallel_for, blocks
from ..._parallel_pass import par_blocks

sliding_window_view = np.lib.stride_tricks.sliding_window_view

__all__ = []


def pool_out_size(L, k, s, p, d, ceil_mode):
    eff = d * (k - 1) + 1
    num = L + 2 * p - eff
    o = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (o - 1) * s >= L + p:
        o -= 1
    return o


def _windows(xp, k, s, d, out):
    nd = len(k)
    eff = tuple(dd * (kk - 1) + 1 for kk, dd in zip(k, d))
    v = sliding_window_view(xp, eff, axis=tuple(range(xp.ndim - nd, xp.ndim)))
    lead = (slice(None),) * (xp.ndim - nd)
    return v[lead + tuple(slice(None, o * ss, ss) for o, ss in zip(out, s))
             + tuple(slice(None, None, dd) for dd in d)]


def _padded(x, k, s, p, d, out, fill):
    """Pad x's spatial dims by p on the left and enough on the right for ``out`` windows."""
    nd = len(k)
    pads = [(0, 0)] * (x.ndim - nd)
    for L, kk, ss, pp, dd, o in zip(x.shape[-nd:], k, s, p, d, out):
        need = (o - 1) * ss + dd * (kk - 1) + 1
        pads.append((pp, max(need - L - pp, 0)))
    if not any(a or b for a, b in pads):
        return x
    return np.pad(x, pads, constant_values=fill)


# ---------------------------------------------------------------- flat gather / scatter
class _GatherFlat(Op):
    """out[b, j] = x[b, idx[b, j]] over (batch, flattened spatial) views. ``unique`` says no
    two j share an index (non-overlapping windows): the backward then writes, not adds.
    ``vals``, when the caller has them already (max pooling's maxima), is the result."""

    _name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, x, idx, in_sp, unique=False, vals=None):
        ctx.idx, ctx.in_sp, ctx.unique = idx, in_sp, unique
        if vals is not None:
            return vals
        lead = x.shape[:-len(in_sp)]
        xf = x.reshape(lead + (-1,))
        return np.take_along_axis(xf, idx.reshape(lead + (-1,)), axis=-1).reshape(idx.shape)

    @staticmethod
    def backward(ctx, g):
        return scatter_flat(g, ctx.idx, ctx.in_sp, ctx.unique, _grad_name(type(ctx)._name))


class _ScatterFlat(Op):
    """out = zeros(in_sp); out[b, idx[b, j]] += g[b, j] (a plain write when ``unique``)."""

    _name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, g, idx, in_sp, unique=False):
        ctx.idx, ctx.in_sp, ctx.unique = idx, in_sp, unique
        lead = idx.shape[:idx.ndim - len(in_sp)]
        B = int(np.prod(lead)) if lead else 1
        n = int(np.prod(in_sp))
        out = np.empty((B, n), dtype=g.dtype)   # blocks of planes over the intra-op threads when large,
        par_blocks(_scatter_planes if not unique else _put_planes, out, idx.reshape(B, -1), g.reshape(B, -1),
                   keep=(1,), passes=2, chunk=_SCATTER_CHUNK)     # and cache-sized runs of planes
        return out.reshape(lead + tuple(in_sp))

    @staticmethod
    def backward(ctx, gg):
        return gather_flat(gg, ctx.idx, ctx.in_sp, ctx.unique, name=_grad_name(type(ctx)._name))


def _put_planes(out, idx, g):
    """out[b] = zeros; out[b, idx[b, j]] = g[b, j] (no index repeats within a plane; -0.0 lands as
    0.0, as PyTorch adds it to zeros)."""
    out[...] = 0
    g = g + g.dtype.type(0) if g.dtype.kind in "fc" else g
    if not out.flags.c_contiguous:
        np.put_along_axis(out, idx, g, axis=-1)
        return
    B, n = out.shape
    flat = idx + (np.arange(B) * n)[:, None] if B > 1 else idx
    out.reshape(-1)[flat.reshape(-1)] = g.reshape(-1)        # (one flat assignment: put_along_axis's
                                                             # index arrays cost 2x on small grads)


def _scatter_planes(out, idx, g):
    """out[b, i] = sum of g[b, j] over idx[b, j] == i, summed in float64 in j's order."""
    B, n = out.shape
    flat = (idx + (np.arange(B) * n)[:, None]).ravel()
    out[...] = np.bincount(flat, weights=g.reshape(-1), minlength=B * n).reshape(B, n)


_SCATTER_CHUNK = 1 << 18   # planes per bincount call: about this many elements of the result (its float64
                           # sums stay in cache: resnet's 3x3 stride-2 pool, batch 8, 9.2 -> 4.5 ms)
_NAMED = {}


def _named(base, name):
    """``base`` under PyTorch's node name for the op that uses it (``MaxPool2DWithIndicesBackward0``,
    ``AdaptiveMaxPool2DBackward0`` ...); the gradient nodes' names follow (``...BackwardBackward0``)."""
    if name is None:
        return base
    key = (base, name)
    if key not in _NAMED:
        _NAMED[key] = type(base.__name__, (base,), {"_name": name, "__module__": base.__module__})
    return _NAMED[key]


def _grad_name(name):
    return None if name is None else name[:-1] + "Backward0" if name.endswith("Backward0") else None


def gather_flat(x, idx, in_sp, unique=False, vals=None, name=None):
    if _state[0] and x._rg:
        return apply_op(_named(_GatherFlat, name), (x,), idx, tuple(in_sp), unique, vals)
    return _wrap(_GatherFlat.forward(_Dummy(), x._data, idx, tuple(in_sp), unique, vals))


def scatter_flat(g, idx, in_sp, unique=False, name=None):
    if _state[0] and g._rg:
        return apply_op(_named(_ScatterFlat, name), (g,), idx, tuple(in_sp), unique)
    return _wrap(_ScatterFlat.forward(_Dummy(), g._data, idx, tuple(in_sp), unique))


# ---------------------------------------------------------------- max pooling
def _axis_taps(a, axis, k, s, d, o, inner):
    """``tap(t)``: the ``o`` elements of window tap ``t`` along ``axis`` of ``a`` (stride ``s``,
    dilation ``d``). Along the innermost axis a stride > 1 would make every pass a strided
    (unvectorised) loop, so there a phase ``a[..., r::s]`` read by two or more taps is copied
    once, contiguous, and each of those taps is a unit-stride slice of it."""
    def sl(x):
        i = [slice(None)] * a.ndim
        i[axis] = x
        return tuple(i)
    strided = lambda t: a[sl(slice(t * d, t * d + s * (o - 1) + 1, s))]
    if not inner or s == 1:
        return strided
    uses = {}
    for t in range(k):
        uses[t * d % s] = uses.get(t * d % s, 0) + 1
    phases = {}

    def tap(t):
        r, q = divmod(t * d, s)[::-1]
        if uses[r] == 1:               # a phase read once (windows that do not overlap): no copy
            return strided(t)
        if r not in phases:
            phases[r] = np.ascontiguousarray(a[sl(slice(r, None, s))])
        return phases[r][sl(slice(q, q + o))]
    return tap


_TAPS = {}       # (ndim, k, s, d, out) -> each window tap's slices of the padded input


def _window_max(xp, k, s, d, out):
    """Max and first argmax (window-local, row-major) of the windows of the padded array
    ``xp`` (no NaN), one window offset at a time (a strided slice of xp) and branch-free (for
    windows that do not overlap: each input element is read once)."""
    key = (xp.ndim, k, s, d, out)
    offs = _TAPS.get(key)
    if offs is None:
        lead = (slice(None),) * (xp.ndim - len(k))
        offs = [lead + tuple(slice(i * dd, i * dd + ss * (o - 1) + 1, ss) for i, dd, ss, o in zip(kk, d, s, out))
                for kk in itertools.product(*(range(x) for x in k))]
        if len(_TAPS) > 256:
            _TAPS.clear()
        _TAPS[key] = offs
    w = xp
    m = np.array(w[offs[0]])
    itype = np.int8 if len(offs) <= 127 else np.int64
    arg = np.zeros(m.shape, dtype=itype)
    gt = np.empty(m.shape, dtype=bool)
    step = np.empty(m.shape, dtype=itype)
    for j, o in enumerate(offs[1:], 1):
        v = w[o]
        np.greater(v, m, out=gt)                  # strictly greater: the first maximum wins
        np.maximum(m, v, out=m)
        np.subtract(itype(j), arg, out=step)      # arg = j where gt, else unchanged
        step *= gt
        arg += step
    return m, arg


def _window_argmax(xp, k, s, d, out):
    """Max and first argmax (window-local, row-major) of overlapping windows of the padded
    array ``xp`` (no NaN), separably: one spatial axis at a time, innermost first, so that
    across each outer tap the strictly-greater test keeps the first row-major maximum; the
    taps along the innermost axis read contiguous phases (``_axis_taps``): a strided pass there
    runs unvectorised, ~8x slower (3x3 stride-2 windows: 2.2x faster than ``_window_max``).
    Every step is a few long branch-free passes (masked copies, whose random masks defeat
    branch prediction, cost ~20x a plain pass)."""
    nd = len(k)
    size = int(np.prod(k))
    itype = np.int8 if size <= 127 else np.int16 if size <= 32767 else np.int64
    m, arg, inner_size = xp, None, 1
    for ax in reversed(range(nd)):
        axis = m.ndim - nd + ax
        tap = _axis_taps(m, axis, k[ax], s[ax], d[ax], out[ax], ax == nd - 1)
        atap = None if arg is None else _axis_taps(arg, axis, k[ax], s[ax], d[ax], out[ax], False)
        acc = np.array(tap(0))
        a = np.zeros(acc.shape, itype) if arg is None else np.array(atap(0))
        gt = np.empty(acc.shape, dtype=bool)
        step = np.empty(acc.shape, dtype=itype)
        for t in range(1, k[ax]):
            v = tap(t)
            np.greater(v, acc, out=gt)                   # strictly greater: the first maximum wins
            np.maximum(acc, v, out=acc)
            if arg is None:
                np.subtract(itype(t), a, out=step)       # a = t where gt, else unchanged
            else:
                np.add(atap(t), itype(t * inner_size), out=step)
                step -= a
            step *= gt
            a += step
        m, arg, inner_size = acc, a, inner_size * k[ax]
    return m, arg


def _argmax_nan_last(wf):
    """Argmax along the last axis where NaN wins, the last NaN of a row (PyTorch's kernels take
    any NaN they meet); else the first maximum."""
    nan = np.isnan(wf)[..., ::-1]
    return np.where(nan.any(-1), wf.shape[-1] - 1 - nan.argmax(-1), wf.argmax(-1))


def _max_indices(x, k, s, p, d, ceil_mode):
    """(flat indices into each input plane, output size, maxima or None)."""
    nd = len(k)
    sp = x.shape[-nd:]
    out = tuple(pool_out_size(L, kk, ss, pp, dd, ceil_mode) for L, kk, ss, pp, dd in zip(sp, k, s, p, d))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[-nd - 1:]))}). Calculated output "
                           f"size: ({'x'.join(map(str, x.shape[-nd - 1:-nd] + out))}). Output size is too small")
    fill = -np.inf if x.dtype.kind in "fV" else np.iinfo(x.dtype).min
    xp = _padded(x, k, s, p, d, out, fill)
    if all(ss >= dd * (kk - 1) + 1 for kk, ss, dd in zip(k, s, d)):   # windows that do not overlap
        vals, arg = _window_max(xp, k, s, d, out)
    else:
        vals, arg = _window_argmax(xp, k, s, d, out)
    wf = None
    if x.dtype.kind == "f" and np.isnan(vals).any():   # NaN wins (the last one in the window), as in PyTorch
        w = _windows(xp, k, s, d, out)                # (..., *out, *k) (the maxima hold a NaN wherever a
        wf = w.reshape(w.shape[:x.ndim] + (-1,))      # window does)
        arg, vals = _argmax_nan_last(wf), None
    # window-local argmax -> flat index in the unpadded input plane: the flat index of each
    # window's corner plus the flat offset of the argmax within the window
    offset, corner = _corners(sp, k, s, p, d, out)
    flat = np.take(offset, arg)
    flat += corner
    # a window whose maximum is the padding value (-inf, or an integer dtype's minimum) may
    # have picked a padded position: PyTorch reports its first in-bounds element there
    top = vals if vals is not None else np.take_along_axis(wf, arg[..., None], axis=-1)[..., 0]
    low = top == fill
    if low.any():
        first = np.zeros((1,) * nd, dtype=np.int64)
        for ax in range(nd):
            shape = [1] * nd
            shape[ax] = -1
            c = np.arange(out[ax]) * s[ax] - p[ax]
            c = np.where(c < 0, c + (-c + d[ax] - 1) // d[ax] * d[ax], c)   # first in-bounds tap
            first = first * sp[ax] + c.reshape(shape)
        flat = np.where(low, first, flat)
    return flat, out, vals


_CORNERS = {}


def _corners(sp, k, s, p, d, out):
    """(flat offset of each window tap (prod(k),), flat index of each window's corner
    (``out``-shaped)) in an input plane of size ``sp``; built once per geometry."""
    key = (sp, k, s, p, d, out)
    r = _CORNERS.get(key)
    if r is None:
        nd = len(k)
        corner = np.zeros((1,) * nd, dtype=np.int64)
        offset = np.zeros((1,) * nd, dtype=np.int64)
        for ax in range(nd):
            shape = [1] * nd
            shape[ax] = -1
            corner = corner * sp[ax] + (np.arange(out[ax]) * s[ax] - p[ax]).reshape(shape)
            offset = offset * sp[ax] + (np.arange(k[ax]) * d[ax]).reshape(shape)
        offset = offset.reshape(-1)
        offset.flags.writeable = corner.flags.writeable = False
        if len(_CORNERS) > 256:
            _CORNERS.clear()
        r = _CORNERS[key] = (offset, corner)
    return r


_PAR_BYTES = 1 << 21   # inputs smaller than this are pooled on one thread


def _max_indices_threads(x, k, s, p, d, ceil_mode):
    """``_max_indices`` split into blocks of planes over ember's intra-op threads when large."""
    T = num_threads()
    lead = x.ndim - len(k)
    ax = next((a for a in range(lead) if x.shape[a] >= T), None) if T > 1 and x.nbytes >= _PAR_BYTES else None
    if ax is None:
        return _max_indices(x, k, s, p, d, ceil_mode)
    sl = blocks(x.shape[ax], T)
    res = [None] * len(sl)

    def run(i):
        res[i] = _max_indices(x[(slice(None),) * ax + (sl[i],)], k, s, p, d, ceil_mode)
    parallel_for(run, len(sl))
    idx = np.concatenate([r[0] for r in res], axis=ax)
    vals = None if any(r[2] is None for r in res) else np.concatenate([r[2] for r in res], axis=ax)
    return idx, res[0][1], vals


def _window_max_separable(xp, k, s, d, out):
    """Max over the windows of the padded array ``xp``, one spatial axis at a time (outer axes
    first, which shrinks what the innermost one reads): ``k - 1`` elementwise maximum passes per
    axis (NaN propagates, as in PyTorch's max pooling)."""
    nd = len(k)
    a = xp
    for ax in range(nd):
        tap = _axis_taps(a, a.ndim - nd + ax, k[ax], s[ax], d[ax], out[ax], ax == nd - 1)
        acc = np.array(tap(0))
        for t in range(1, k[ax]):
            np.maximum(acc, tap(t), out=acc)
        a = acc
    return a


def max_pool_values(x, k, s, p, d, ceil_mode):
    """Max pooling values only (no indices; for calls autograd does not record and that do not
    return indices): the same numbers as :func:`max_pool`, in about half the passes."""
    nd = len(k)
    sp = x.shape[-nd:]
    out = tuple(pool_out_size(L, kk, ss, pp, dd, ceil_mode) for L, kk, ss, pp, dd in zip(sp, k, s, p, d))
    if any(o <= 0 for o in out) or x.dtype.kind not in "fiu":
        return None                                   # (the indexed path reports the error)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    T = num_threads()
    lead = x.ndim - nd
    ax = next((a for a in range(lead) if x.shape[a] >= T), None) if T > 1 and x.nbytes >= _PAR_BYTES else None
    if ax is None:
        return _window_max_separable(_padded(x, k, s, p, d, out, fill), k, s, d, out)
    res = np.empty(x.shape[:lead] + out, x.dtype)
    sl = blocks(x.shape[ax], T)

    def run(i):
        part = (slice(None),) * ax + (sl[i],)
        res[part] = _window_max_separable(_padded(x[part], k, s, p, d, out, fill), k, s, d, out)
    parallel_for(run, len(sl))
    return res


def max_pool(x, k, s, p, d, ceil_mode):
    """Max pooling over the last ``len(k)`` dims; returns (values, int64 flat indices)."""
    xd = x._data
    idx, out, vals = _max_indices_threads(xd, k, s, p, d, ceil_mode)
    unique = all(ss >= dd * (kk - 1) + 1 for kk, ss, dd in zip(k, s, d))   # windows don't overlap
    vals = gather_flat(x, idx, xd.shape[-len(k):], unique, vals, f"MaxPool{max(len(k), 2)}DWithIndicesBackward0")
    return vals, _wrap(idx)


def max_unpool(x, indices, out_sp):
    """Place ``x`` at ``indices`` in zeros of spatial size ``out_sp`` (inverse of max_pool)."""
    n = int(np.prod(out_sp))
    idx = indices._data
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise RuntimeError(f"Found an invalid max index: {int(idx.max())} (output volumes are of size "
                           f"{'x'.join(map(str, out_sp))}")
    return scatter_flat(x, idx, tuple(out_sp), name=f"MaxUnpool{max(len(out_sp), 2)}DBackward0")


# ---------------------------------------------------------------- average pooling
def _avg_divisor(sp, k, s, p, d, out, count_include_pad, divisor_override, dtype):
    if divisor_override:
        return np.asarray(divisor_override, dtype=dtype)
    nd = len(k)
    if count_include_pad:
        mask = np.ones(tuple(L + 2 * pp for L, pp in zip(sp, p)), dtype=dtype)
        mask = _padded(mask, k, s, (0,) * nd, d, out, 0)
    else:
        mask = _padded(np.ones(sp, dtype=dtype), k, s, p, d, out, 0)
    w = _windows(mask, k, s, d, out)
    return w.sum(axis=tuple(range(nd, 2 * nd)))


def _tap_sum(xp, k, s, d, out):
    """The sum of every window of xp (padded) as torch's kernel adds it: tap after tap in
    row-major order, one strided-slice add per tap over all windows at once (a reduction over
    the window view restarted NumPy's loop per window: 4.6x torch's time on a 2x2 pool)."""
    nd = len(k)
    lead = (slice(None),) * (xp.ndim - nd)
    taps = [xp[lead + tuple(slice(i * dd, i * dd + ss * (o - 1) + 1, ss) for i, dd, ss, o in zip(kk, d, s, out))]
            for kk in itertools.product(*(range(x) for x in k))]
    if len(taps) == 1:
        return taps[0].copy()
    acc = np.add(taps[0], taps[1])
    for t in taps[2:]:
        acc += t
    return acc


class AvgPool(Op):
    @staticmethod
    def forward(ctx, x, k, s, p, d, out, div):
        ctx.args = (k, s, p, d, out, div, x.shape[-len(k):])
        xp = _padded(x, k, s, p, d, out, 0)
        if x.dtype.kind in "fV" and x.dtype.itemsize < 4:     # half, bfloat16: summed in float32, as torch
            xp = xp.astype(np.float32)
        acc = _tap_sum(xp, k, s, d, out)
        if acc.dtype.kind == "f":
            return np.divide(acc, div, out=acc).astype(x.dtype, copy=False)
        return (acc / div).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return _avg_back(g, *ctx.args, name=_grad_name(type(ctx)._name))


class AvgPoolBackward(Op):
    @staticmethod
    def forward(ctx, g, k, s, p, d, out, div, in_sp):
        ctx.args = (k, s, p, d, out, div)
        nd = len(k)
        gd = g / div
        padded = tuple(max((o - 1) * ss + dd * (kk - 1) + 1, L + pp) + pp
                       for L, kk, ss, pp, dd, o in zip(in_sp, k, s, p, d, out))
        gx = np.zeros(g.shape[:-nd] + padded, dtype=g.dtype)
        lead = (slice(None),) * (g.ndim - nd)
        for kk in itertools.product(*(range(x) for x in k)):
            gx[lead + tuple(slice(i * dd, i * dd + ss * (o - 1) + 1, ss)
                            for i, dd, ss, o in zip(kk, d, s, out))] += gd
        return np.ascontiguousarray(gx[lead + tuple(slice(pp, pp + L) for pp, L in zip(p, in_sp))])

    @staticmethod
    def backward(ctx, h):
        k, s, p, d, out, div = ctx.args
        return apply_op(AvgPool, (h,), k, s, p, d, out, div) if _state[0] and h._rg else \
            _wrap(AvgPool.forward(_Dummy(), h._data, k, s, p, d, out, div))


class _Dummy:
    pass


def _avg_back(g, k, s, p, d, out, div, in_sp, name=None):
    if _state[0] and g._rg:
        return apply_op(_named(AvgPoolBackward, name), (g,), k, s, p, d, out, div, in_sp)
    return _wrap(AvgPoolBackward.forward(_Dummy(), g._data, k, s, p, d, out, div, in_sp))


def avg_pool(x, k, s, p, ceil_mode, count_include_pad, divisor_override, name=None):
    """Average pooling over the last ``len(k)`` dims, recorded as ``name`` (PyTorch's node name,
    ``AvgPool2DBackward0`` ...)."""
    xd = x._data
    nd = len(k)
    d = (1,) * nd
    sp = xd.shape[-nd:]
    out = tuple(pool_out_size(L, kk, ss, pp, 1, ceil_mode) for L, kk, ss, pp in zip(sp, k, s, p))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, xd.shape[-nd - 1:]))}). Calculated output "
                           f"size: ({'x'.join(map(str, xd.shape[-nd - 1:-nd] + out))}). Output size is too small")
    div = _avg_divisor(sp, k, s, p, d, out, count_include_pad, divisor_override, xd.dtype)
    if _state[0] and x._rg:
        return apply_op(_named(AvgPool, name), (x,), k, s, p, d, out, div)
    return _wrap(AvgPool.forward(_Dummy(), xd, k, s, p, d, out, div))


# ---------------------------------------------------------------- adaptive pooling
def adaptive_ranges(L, o):
    return [(math.floor(i * L / o), math.ceil((i + 1) * L / o)) for i in range(o)]


def adaptive_matrix(L, o, dtype):
    """The (o, L) averaging matrix of adaptive average pooling along one axis."""
    A = np.zeros((o, L), dtype=dtype)
    for i, (a, b) in enumerate(adaptive_ranges(L, o)):
        A[i, a:b] = 1.0 / (b - a)
    return A


class AdaptiveAvgSep(Op):
    """Adaptive average pooling of irregular windows, separably: along each pooled axis one
    product with its (o, L) averaging matrix; the backward the transposed products (in Tensor
    ops, so that it is differentiable again)."""

    @staticmethod
    def forward(ctx, x, mats):
        ctx.mats = mats
        nd = len(mats)
        y = x
        for i, A in enumerate(mats):
            ax = x.ndim - nd + i
            y = np.moveaxis(np.matmul(np.moveaxis(y, ax, -1), A.T), -1, ax)
        return np.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, g):
        nd = len(ctx.mats)
        for i, A in enumerate(ctx.mats):
            ax = g.ndim - nd + i
            g = g.movedim(ax, -1).matmul(_wrap(A)).movedim(-1, ax)
        return g.contiguous()


def adaptive_avg_separable(x, out_sp, name=None):
    """Adaptive average pooling of ``x`` over its last ``len(out_sp)`` dims to ``out_sp`` (any
    windows), recorded as ``name`` (``AdaptiveAvgPool2DBackward0`` ...)."""
    xd = x._data
    nd = len(out_sp)
    mats = tuple(adaptive_matrix(L, o, xd.dtype) for L, o in zip(xd.shape[-nd:], out_sp))
    if _state[0] and x._rg:
        return apply_op(_named(AdaptiveAvgSep, name), (x,), mats)
    return _wrap(AdaptiveAvgSep.forward(_Dummy(), xd, mats))


def adaptive_max(x, out_sp):
    """Adaptive max pooling: (values, flat indices) for variable-size windows."""
    xd = x._data
    nd = len(out_sp)
    sp = xd.shape[-nd:]
    ranges = [adaptive_ranges(L, o) for L, o in zip(sp, out_sp)]
    idx = np.zeros(xd.shape[:-nd] + tuple(out_sp), dtype=np.int64)
    lead = (slice(None),) * (xd.ndim - nd)
    for cell in itertools.product(*(range(o) for o in out_sp)):
        bounds = [ranges[a][c] for a, c in enumerate(cell)]
        win = xd[lead + tuple(slice(a, b) for a, b in bounds)]
        wf = win.reshape(win.shape[:xd.ndim - nd] + (-1,))
        arg = _argmax_nan_last(wf) if xd.dtype.kind == "f" else wf.argmax(-1)
        local = np.unravel_index(arg, tuple(b - a for a, b in bounds))
        flat = np.zeros(arg.shape, dtype=np.int64)
        for ax in range(nd):
            flat = flat * sp[ax] + (local[ax] + bounds[ax][0])
        idx[lead + cell] = flat
    return gather_flat(x, idx, sp, name=f"AdaptiveMaxPool{max(len(sp), 2)}DBackward0"), _wrap(idx)
