"""Depthwise convolution (groups == in_channels, e.g. MobileNet) without an im2col GEMM.

Each output channel sees one input channel, so the GEMMs of the im2col path degenerate to
one-row products. Here the forward is kh*kw multiply-adds of shifted views of the input,
the input gradient the same adds scattered back, and the weight gradient one small GEMM per
channel over a per-channel im2col. The work is cut into blocks of (images, channels) that
stay in the L2 cache, and the blocks are shared over ember's intra-op threads.

>>> from ember.ops.nn.conv_depthwise import depthwise_fwd
>>> depthwise_fwd(np.ones((1, 2, 3, 3), np.float32), np.ones((2, 1, 2, 2), np.float32), (1, 1), (1, 1), (2, 2))[0, 1]
array([[4., 4.],
       [4., 4.]], dtype=float32)
"""
import itertools

from .._util import np
from ..._thread_pool import num_threads, parallel_for, blocks
from .conv_windows import par_copy

__all__ = []

_TASK_BYTES = 1 << 17   # one block's output: about this much, so a block's passes stay in cache
_PAR_BYTES = 1 << 21


def _tasks(N, C, per_channel):
    """(image slice, channel slice) blocks whose outputs hold about ``_TASK_BYTES``."""
    per_image = C * per_channel
    if per_image >= _TASK_BYTES:
        c = max(1, _TASK_BYTES // max(1, per_channel))
        return [(slice(n, n + 1), slice(i, min(C, i + c))) for n in range(N) for i in range(0, C, c)]
    n = max(1, _TASK_BYTES // max(1, per_image))
    return [(slice(i, min(N, i + n)), slice(None)) for i in range(0, N, n)]


def _run(tasks, body, nbytes):
    """``body(task)`` for every task, shared over the pool in contiguous runs when large."""
    T = num_threads()
    if T <= 1 or len(tasks) < 2 or nbytes < _PAR_BYTES:
        for t in tasks:
            body(t)
        return
    runs = blocks(len(tasks), T)

    def run(i):
        for t in tasks[runs[i]]:
            body(t)
    parallel_for(run, len(runs))


def _flat_layout(sp, k, dil, out):
    """Stride-1 depthwise on flattened planes: each plane of the padded input is one row of
    length F, output position o sits at flat index o . strides(sp), and kernel offset kk reads
    the row shifted by kk . dil . strides(sp). Rows of length L = out[0] * strides[0] (the
    output's first dim on the padded grid; the extra columns are cropped afterwards)."""
    S = [1] * len(sp)
    for i in range(len(sp) - 2, -1, -1):
        S[i] = S[i + 1] * sp[i + 1]
    offs = [sum(i * d * st for i, d, st in zip(kk, dil, S)) for kk in itertools.product(*(range(x) for x in k))]
    L = out[0] * S[0]
    return offs, L, max(offs) + L


def _crop_grid(flat, N, C, sp, out):
    """The (N, C, *out) outputs from rows (N, C, L) laid out on the padded grid."""
    g = flat.reshape((N, C, out[0]) + tuple(sp[1:]))
    return g[(slice(None), slice(None), slice(None)) + tuple(slice(0, o) for o in out[1:])]


def depthwise_fwd(xp, w, stride, dil, out, bias=None):
    """y (N, C*m, *out) (+ bias) from the padded input xp (N, C, *sp) and w (C*m, 1, *k); None
    where the im2col GEMMs do better (strided, or with a channel multiplier)."""
    N, C = xp.shape[:2]
    m = w.shape[0] // C
    k = w.shape[2:]
    dt = np.result_type(xp, w)
    if m != 1 or any(s != 1 for s in stride):
        return None
    sp = xp.shape[2:]
    offs, L, F = _flat_layout(sp, k, dil, out)
    buf = np.empty((N, C, F), dt)
    buf[:, :, int(np.prod(sp)):] = 0
    par_copy(buf[:, :, :int(np.prod(sp))].reshape(xp.shape), xp)
    wk = w.reshape(C, -1).astype(dt, copy=False)
    y = np.empty((N, C, L), dt)

    def body(t):
        nb, cb = t
        yb, xb, wb = y[nb, cb], buf[nb, cb], wk[cb]
        tmp = np.empty_like(yb)
        for j, off in enumerate(offs):
            if j == 0:
                np.multiply(xb[:, :, off:off + L], wb[:, j:j + 1], out=yb)
            else:
                np.multiply(xb[:, :, off:off + L], wb[:, j:j + 1], out=tmp)
                yb += tmp
        if bias is not None:
            yb += bias[cb].reshape(1, -1, 1)
    _run(_tasks(N, C, L * y.itemsize), body, y.nbytes)
    res = np.empty((N, C) + tuple(out), dt)
    return par_copy(res, _crop_grid(y, N, C, sp, out))


def _grid_rows(gy, sp, offs_L):
    """gy (N, C, *out) placed on the padded grid: rows (N, C, L), zeros in the extra columns."""
    N, C = gy.shape[:2]
    rows = np.zeros((N, C, offs_L), gy.dtype)
    par_copy(_crop_grid(rows, N, C, sp, gy.shape[2:]), gy)
    return rows


def depthwise_dx(gy, w, in_sp, stride, pads, dil, C):
    """dx (N, C, *in_sp) from gy (N, C*m, *out) and w (C*m, 1, *k)."""
    N, O = gy.shape[:2]
    if O == C and all(s == 1 for s in stride):
        return _dx_flat(gy, w, in_sp, pads, dil)
    out = gy.shape[2:]
    k = w.shape[2:]
    nd = len(k)
    m = O // C
    dt = np.result_type(gy, w)
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    dxp = np.zeros((N, C) + sp, dt)
    g5 = gy.reshape((N, C, m) + tuple(out))
    wk = w.reshape((C, m, -1)).astype(dt, copy=False)
    offsets = list(itertools.product(*(range(x) for x in k)))
    regions = [tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in zip(kk, dil, stride, out))
               for kk in offsets]
    spatial = (1,) * nd

    def body(t):
        nb, cb = t
        gb, db, wb = g5[nb, cb], dxp[nb, cb], wk[cb]
        tmp = np.empty(gb.shape, dt)
        for j, region in enumerate(regions):
            np.multiply(gb, wb[:, :, j].reshape((1,) + wb.shape[:2] + spatial), out=tmp)
            db[(slice(None), slice(None)) + region] += tmp[:, :, 0] if m == 1 else tmp.sum(2)
    _run(_tasks(N, C, int(np.prod(sp)) * dxp.itemsize), body, dxp.nbytes)
    return dxp[(slice(None), slice(None)) + tuple(slice(l, l + s) for (l, _), s in zip(pads, in_sp))]


def _dx_flat(gy, w, in_sp, pads, dil):
    N, C = gy.shape[:2]
    out = gy.shape[2:]
    k = w.shape[2:]
    dt = np.result_type(gy, w)
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    offs, L, F = _flat_layout(sp, k, dil, out)
    rows = _grid_rows(gy.astype(dt, copy=False), sp, L)
    dbuf = np.zeros((N, C, F), dt)
    wk = w.reshape(C, -1).astype(dt, copy=False)

    def body(t):
        nb, cb = t
        gb, db, wb = rows[nb, cb], dbuf[nb, cb], wk[cb]
        tmp = np.empty_like(gb)
        for j, off in enumerate(offs):
            np.multiply(gb, wb[:, j:j + 1], out=tmp)
            db[:, :, off:off + L] += tmp
    _run(_tasks(N, C, F * dbuf.itemsize), body, dbuf.nbytes)
    dxp = dbuf[:, :, :int(np.prod(sp))].reshape((N, C) + sp)
    return dxp[(slice(None), slice(None)) + tuple(slice(l, l + s) for (l, _), s in zip(pads, in_sp))]


def _dw_flat(x, gy, k, pads, dil):
    N, C = x.shape[:2]
    out = gy.shape[2:]
    dt = np.result_type(x, gy)
    sp = tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
    offs, L, F = _flat_layout(sp, k, dil, out)
    buf = np.zeros((N, C, F), dt)
    interior = (slice(None), slice(None)) + tuple(slice(l, l + s) for (l, _), s in zip(pads, x.shape[2:]))
    par_copy(buf[:, :, :int(np.prod(sp))].reshape((N, C) + sp)[interior], x)
    rows = _grid_rows(gy.astype(dt, copy=False), sp, L)
    dw = np.empty((C, len(offs)), dt)
    step = max(1, _TASK_BYTES // max(1, N * F * dt.itemsize))

    def body(cb):
        gb, xb = rows[:, cb], buf[:, cb]
        for j, off in enumerate(offs):
            dw[cb, j] = np.einsum("ncl,ncl->c", gb, xb[:, :, off:off + L])
    _run([slice(i, min(C, i + step)) for i in range(0, C, step)], body, buf.nbytes)
    return dw.reshape((C, 1) + tuple(k))


def depthwise_dw(x, gy, k, stride, pads, dil):
    """dw (C*m, 1, *k) from x (N, C, *sp) and gy (N, C*m, *out), or None where the im2col
    GEMMs do better (strided or with a channel multiplier)."""
    C = x.shape[1]
    O = gy.shape[1]
    if O == C and all(s == 1 for s in stride):
        return _dw_flat(x, gy, k, pads, dil)
    return None
