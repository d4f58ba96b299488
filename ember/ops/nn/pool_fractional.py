"""Fractional max pooling (Graham, 2014): pseudo-random, overlapping windows of a fixed size
whose start positions come from one uniform sample per (batch, channel, axis).

The start of window ``i`` along an axis of length ``L`` with ``o`` outputs and pool size ``k``
is ``int((i + u) * a) - int(u * a)`` with ``a = (L - k) / (o - 1)`` (computed in the input's
float type), and the last window ends at ``L``. Given the same samples, the windows match
PyTorch's exactly. The maxima come out through the flat gather of ``ember.ops.nn.pool``, so
backward scatters the gradient to the winning positions (and double backward works).

>>> from ember.ops.nn.pool_fractional import interval_starts
>>> interval_starts(ember.tensor([0.5]).numpy(), 10, 4, 3)
array([[0, 2, 4, 7]])
"""

from .._util import np, _wrap
from .pool import gather_flat

__all__ = []


def interval_starts(u, L, o, k):
    """Window starts (..., o) for samples ``u`` (...) along an axis of length L."""
    u = np.asarray(u)
    out = np.empty(u.shape + (o,), dtype=np.int64)
    if o > 1:
        ft = u.dtype.type
        alpha = ft(L - k) / ft(o - 1)
        i = np.arange(o - 1).astype(u.dtype)
        out[..., :-1] = ((i + u[..., None]) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)[..., None]
    out[..., -1] = L - k
    return out


def fractional_max(x, k, out, samples):
    """Fractional max pooling of ``x`` (B, C, *sp) over len(k) trailing dims with ``samples``
    (B, C, nd) whose last axis is in PyTorch's order (2-D: width then height; 3-D: T, H, W).
    Returns (values, int64 flat indices per plane)."""
    xd = x._data
    nd = len(k)
    sp = xd.shape[-nd:]
    B, C = xd.shape[:2]
    smp = samples[:B]
    order = (1, 0) if nd == 2 else (0, 1, 2)                       # which sample drives which axis
    starts = [interval_starts(smp[..., order[a]], sp[a], out[a], k[a]) for a in range(nd)]   # (B, C, o_a)
    # flat input index of every (window, tap): sum over axes of (start + tap) * stride
    strides = [int(np.prod(sp[a + 1:])) for a in range(nd)]
    flat = np.zeros((B, C) + tuple(out) + tuple(k), dtype=np.int64)
    for a in range(nd):
        shape = [B, C] + [1] * (2 * nd)
        shape[2 + a] = out[a]
        tshape = [1] * (2 + 2 * nd)
        tshape[2 + nd + a] = k[a]
        flat += (starts[a].reshape(shape) + np.arange(k[a]).reshape(tshape)) * strides[a]
    win = flat.reshape((B, C) + tuple(out) + (-1,))
    xf = xd.reshape(B, C, -1)
    vals = np.take_along_axis(xf, win.reshape(B, C, -1), axis=-1).reshape(win.shape)
    arg = vals.argmax(-1)
    if xd.dtype.kind == "f":
        nan = np.isnan(vals)
        if nan.any():                                               # the last NaN wins, as in PyTorch
            last = vals.shape[-1] - 1 - nan[..., ::-1].argmax(-1)
            arg = np.where(nan.any(-1), last, arg)
    idx = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
    best = np.take_along_axis(vals, arg[..., None], axis=-1)[..., 0]
    return gather_flat(x, idx, sp, False, best, f"FractionalMaxPool{len(sp)}DBackward0"), _wrap(idx)

