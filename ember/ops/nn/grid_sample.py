"""Sampling an input at arbitrary points: ``grid_sample``'s fused op (bilinear, nearest,
bicubic; zeros/border/reflection padding; 4-D and 5-D input).

A grid value ``g`` in [-1, 1] becomes a source coordinate ``(g + 1) / 2 * (size - 1)``
(``align_corners``) or ``((g + 1) * size - 1) / 2``; border padding clamps it, reflection
padding folds it back into range. Each output point is a weighted sum of a few input taps
(2 per axis for bilinear, 1 for nearest, 4 for bicubic), so the forward is one gather per
tap combination, the input gradient one ``bincount`` scatter, and the grid gradient the
derivative of the tap weights times the chain factor of unnormalising and padding.

>>> from ember.ops.nn.grid_sample import grid_sample_op
>>> x = ember.arange(4.).reshape(1, 1, 2, 2)
>>> grid_sample_op(x, ember.zeros(1, 1, 1, 2), "bilinear", "zeros", True)
tensor([[[[1.5000]]]])
"""
import itertools

from .._util import np, Op, apply_op, _wrap

__all__ = []

_A = -0.75                                   # the cubic convolution parameter PyTorch uses


def _clip(x, size):
    m = ((x > 0) & (x < size - 1)).astype(x.dtype)
    return np.clip(x, 0, size - 1), m


def _reflect(x, twice_lo, twice_hi):
    if twice_lo == twice_hi:
        return np.zeros_like(x), np.zeros_like(x)
    lo, span = twice_lo / 2, (twice_hi - twice_lo) / 2
    d = x - lo
    sign = np.where(d < 0, -1, 1).astype(x.dtype)
    d = np.abs(d)
    extra = np.fmod(d, span)
    even = np.floor(d / span) % 2 == 0
    out = np.where(even, extra + lo, span - extra + lo).astype(x.dtype)
    return out, sign * np.where(even, 1, -1).astype(x.dtype)


def _pad_coord(x, size, padding_mode, align_corners):
    """Apply border/reflection padding to source coordinates; (coords, d coords / d x)."""
    mult = np.ones_like(x)
    if padding_mode == "border":
        x, mult = _clip(x, size)
    elif padding_mode == "reflection":
        x, mult = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        x, m = _clip(x, size)
        mult = mult * m
    return x, mult


def _cc1(x):
    return ((_A + 2) * x - (_A + 3)) * x * x + 1


def _cc2(x):
    return ((_A * x - 5 * _A) * x + 8 * _A) * x - 4 * _A


def _dcc1(x):
    return (3 * (_A + 2) * x - 2 * (_A + 3)) * x


def _dcc2(x):
    return (3 * _A * x - 10 * _A) * x + 8 * _A


def _axis_taps(g, size, mode, padding_mode, align_corners):
    """Taps along one axis for grid coordinates ``g``: a list of (int index, weight, d weight / d g)."""
    dt = g.dtype.type
    if align_corners:
        scale = dt((size - 1) / 2)
        x = (g + 1) * scale
    else:
        scale = dt(size / 2)
        x = ((g + 1) * size - 1) / 2
    if mode == "bicubic":                      # padding applies to each tap, not to the point
        x0 = np.floor(x)
        t = x - x0
        ws = (_cc2(t + 1), _cc1(t), _cc1(1 - t), _cc2(2 - t))
        dws = (_dcc2(t + 1), _dcc1(t), -_dcc1(1 - t), -_dcc2(2 - t))
        taps = []
        for i in range(4):
            pos, _ = _pad_coord(x0 - 1 + i, size, padding_mode, align_corners)
            taps.append((pos.astype(np.int64), ws[i], dws[i] * scale))
        return taps
    x, mult = _pad_coord(x, size, padding_mode, align_corners)
    mult = mult * scale
    if mode == "nearest":
        return [(np.rint(x).astype(np.int64), np.ones_like(x), np.zeros_like(x))]
    x0 = np.floor(x)
    f = x - x0
    x0 = x0.astype(np.int64)
    return [(x0, 1 - f, -mult), (x0 + 1, f, mult)]


def _combos(grid, sp, mode, padding_mode, align_corners):
    """Yield (flat index into each plane, weight with out-of-range taps zeroed, per-axis weight
    derivatives) for every combination of per-axis taps; axes in input order (D,) H, W."""
    nd = len(sp)
    per_axis = [_axis_taps(grid[..., nd - 1 - a], sp[a], mode, padding_mode, align_corners) for a in range(nd)]
    strides = [int(np.prod(sp[a + 1:])) for a in range(nd)]
    for combo in itertools.product(*per_axis):
        flat = 0
        valid = True
        w = 1
        for a, (idx, wa, _) in enumerate(combo):
            valid = valid & (idx >= 0) & (idx < sp[a])
            flat = flat + np.clip(idx, 0, sp[a] - 1) * strides[a]
            w = w * wa
        w = w * valid
        dws = []
        for a in range(nd):
            d = combo[a][2] * valid
            for b in range(nd):
                if b != a:
                    d = d * combo[b][1]
            dws.append(d)
        yield flat.reshape(flat.shape[0], -1), w.reshape(w.shape[0], -1), [d.reshape(d.shape[0], -1) for d in dws]


class GridSampler(Op):
    """``out[n, c, p] = sum_taps w(grid[n, p]) * input[n, c, tap]``."""

    _name = "GridSampler2DBackward0"

    @staticmethod
    def forward(ctx, x, grid, mode, padding_mode, align_corners):
        N, C = x.shape[:2]
        sp = x.shape[2:]
        out_sp = grid.shape[1:-1]
        g = grid.astype(x.dtype, copy=False)
        xt = x.reshape(N, C, -1).transpose(0, 2, 1)                 # (N, S, C)
        rows = np.arange(N)[:, None]
        out = np.zeros((N, int(np.prod(out_sp)), C), dtype=x.dtype)
        for flat, w, _ in _combos(g, sp, mode, padding_mode, align_corners):
            out += w[..., None] * xt[rows, flat]
        if isinstance(ctx, Op):
            ctx.args = (x, g, mode, padding_mode, align_corners)
        return np.ascontiguousarray(out.transpose(0, 2, 1)).reshape((N, C) + tuple(out_sp))

    @staticmethod
    def backward(ctx, go):
        x, g, mode, padding_mode, align_corners = ctx.args
        N, C = x.shape[:2]
        sp = x.shape[2:]
        S = int(np.prod(sp))
        nd = len(sp)
        gt = go._data.reshape(N, C, -1).transpose(0, 2, 1)           # (N, P, C)
        need_x, need_g = ctx.needs_input_grad
        xt = x.reshape(N, C, -1).transpose(0, 2, 1)
        rows = np.arange(N)[:, None]
        gx = np.zeros(N * S * C, dtype=np.float64) if need_x else None
        gg = np.zeros(g.shape[:1] + (g[0, ..., 0].size, nd), dtype=x.dtype) if need_g else None
        base = (np.arange(N)[:, None] * S)
        for flat, w, dws in _combos(g, sp, mode, padding_mode, align_corners):
            if need_x:
                idx = ((base + flat)[..., None] * C + np.arange(C)).ravel()
                gx += np.bincount(idx, weights=(w[..., None] * gt).ravel(), minlength=N * S * C)
            if need_g and mode != "nearest":
                vg = (xt[rows, flat] * gt).sum(-1)                  # (N, P)
                for a in range(nd):
                    gg[..., nd - 1 - a] += dws[a] * vg
        rx = rg = None
        if need_x:
            rx = _wrap(gx.reshape(N, S, C).transpose(0, 2, 1).reshape(x.shape).astype(x.dtype))
        if need_g:
            rg = _wrap(gg.reshape(g.shape))
        return rx, rg


def grid_sample_op(input, grid, mode, padding_mode, align_corners):
    return apply_op(GridSampler, (input, grid), mode, padding_mode, bool(align_corners))
