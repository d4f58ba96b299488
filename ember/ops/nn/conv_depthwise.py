"""Depthwise convolution (groups == in_channels, e.g. MobileNet) without an im2col GEMM.

Each output channel sees one input channel, so the GEMMs of the im2col path degenerate to
one-row products. Here every kernel tap is one multiply-add of a shifted slice of the input,
scaled by a per-channel weight, over whole flattened planes:

* the padded input is split into ``prod(stride)`` phases (``xp[..., a::s, b::s]``), so that
  under any stride each tap reads one phase at a constant flat offset (stride 1: the input
  itself, no copy);
* an output position ``o`` sits at flat index ``o . strides(phase plane)``: each output row
  carries a few extra columns that are computed and dropped, and in exchange every
  multiply-add runs along a whole plane instead of one short row;
* with many channels on small planes (deep layers) a block is laid out channels-last, so
  that the multiply-adds run along (position, channel) rows instead of short planes;
* the work is cut into blocks of (images, channels): a block's phases, taps and final copy
  all run while it sits in the L2 cache, and the blocks are shared over ember's intra-op
  threads.

With many channels the forward runs channels-last, every tap summed by one ``np.einsum``
(``conv_depthwise_einsum``; ``einsum_wins`` says where), in the same blocks and threads.

The input gradient is the same taps scattered back (``+=`` into shifted slices, no
``np.add.at``), the weight gradient one dot product per (channel, tap). A channel multiplier
(out_channels = k * in_channels) runs the taps once per multiple.

>>> from ember.ops.nn.conv_depthwise import depthwise_fwd
>>> depthwise_fwd(np.ones((1, 2, 3, 3), np.float32), np.ones((2, 1, 2, 2), np.float32), (1, 1), (1, 1), (2, 2))[0, 1]
array([[4., 4.],
       [4., 4.]], dtype=float32)
"""
import itertools

from .._util import np
from ..._thread_pool import num_threads, parallel_for, blocks
from .conv_depthwise_einsum import depthwise_einsum, finish, einsum_wins as _einsum_wins

as_strided = np.lib.stride_tricks.as_strided

__all__ = []

_TASK_BYTES = 1 << 18   # one block's output: about this much, so a block's passes stay in cache
_PAR_BYTES = 1 << 18    # work on less output than this stays on one thread
_LAYOUT = None          # a forward block's layout: None (by shape), "first" (NCHW), "last" (NHWC),
                        # "gemv" (stride 1: the taps copied out, one small product per channel)
                        # or "einsum" (NHWC, every tap summed by one einsum: conv_depthwise_einsum)
_GEMV_L = 128           # stride 1 with at least this many grid positions per plane: "gemv"
_GEOMETRIES = {}


def _prod(t):
    p = 1
    for v in t:
        p *= v
    return p


def _tasks(N, C, per_channel):
    """(image slice, channel slice) blocks whose outputs hold about ``_TASK_BYTES`` (less when
    that leaves fewer blocks than threads on work worth sharing)."""
    per_image = C * per_channel
    size = _TASK_BYTES
    T = num_threads()
    if T > 1 and N * per_image >= _PAR_BYTES:
        size = min(size, max(1, N * per_image // T))
    if per_image > size:
        c = max(1, size // max(1, per_channel))
        return [(slice(n, n + 1), slice(i, min(C, i + c))) for n in range(N) for i in range(0, C, c)]
    n = max(1, size // max(1, per_image))
    return [(slice(i, min(N, i + n)), slice(None)) for i in range(0, N, n)]


def _image_tasks(N, C, per_channel):
    """(image slice, channel slice) blocks of whole images (about ``_TASK_BYTES`` of output,
    at least one image); channels split only to give every thread a share of large work."""
    T = num_threads()
    per_image = C * per_channel
    if T > 1 and N < T and N * per_image >= _PAR_BYTES and C >= 2 * T:
        c = -(-C // T)
        return [(slice(n, n + 1), slice(i, min(C, i + c))) for n in range(N) for i in range(0, C, c)]
    n = max(1, _TASK_BYTES // max(1, per_image))
    if T > 1 and N * per_image >= _PAR_BYTES:
        n = min(n, max(1, N // T))
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


class _Geometry:
    """Where each tap reads: the padded input (spatial size ``sp``) as ``prod(stride)`` phase
    planes of size ``q``, flattened; tap ``j`` reads phase ``taps[j][0]`` at flat offset
    ``taps[j][1]``; outputs lie on the grid (out[0], *q[1:]) whose first ``L`` positions
    hold every valid output (so no read runs past the end of a plane)."""
    __slots__ = ("q", "F", "phases", "taps", "L", "grid", "out", "stride", "k", "tap_strides", "_copies")

    def __init__(self, sp, k, stride, dil, out):
        q = tuple(-(-p // s) for p, s in zip(sp, stride))
        Q = [1] * len(q)
        for i in range(len(q) - 2, -1, -1):
            Q[i] = Q[i + 1] * q[i + 1]
        S = [1] * len(stride)
        for i in range(len(stride) - 2, -1, -1):
            S[i] = S[i + 1] * stride[i + 1]
        self.q, self.F, self.out, self.stride = q, _prod(q), tuple(out), tuple(stride)
        self.phases = _prod(stride)
        self.taps = [(sum((kk * d) % s * st for kk, d, s, st in zip(kks, dil, stride, S)),
                      sum((kk * d) // s * st for kk, d, s, st in zip(kks, dil, stride, Q)))
                     for kks in itertools.product(*(range(x) for x in k))]
        self.grid = (out[0],) + q[1:]
        self.k, self.tap_strides = tuple(k), tuple(d * st for d, st in zip(dil, Q))   # (one phase)
        self.L = sum((o - 1) * st for o, st in zip(out, Q)) + 1
        self._copies = {}

    def crop(self, rows, last=False):
        """The (n, c, *out) view of rows (n, c, L) laid out on the grid; ``last``: of
        channels-last rows (n, L, c)."""
        n, c = (rows.shape[0], rows.shape[2]) if last else rows.shape[:2]
        lead = (rows.strides[0], rows.strides[2]) if last else rows.strides[:2]
        st = [rows.strides[1 if last else 2]] * len(self.grid)
        for i in range(len(st) - 2, -1, -1):
            st[i] = st[i + 1] * self.grid[i + 1]
        return as_strided(rows, (n, c) + self.out, lead + tuple(st), writeable=rows.flags.writeable)

    def copies(self, sp, pads):
        """For each phase: (index into the phase plane (*q), index into the unpadded array of
        spatial size ``sp``) of that phase's elements inside the unpadded array."""
        key = (sp, pads)
        res = self._copies.get(key)
        if res is not None:
            return res
        res = []
        for a in itertools.product(*(range(s) for s in self.stride)):
            src, dst = [], []
            for ai, qi, n, (l, _), s in zip(a, self.q, sp, pads, self.stride):
                j0 = max(0, -(-(l - ai) // s))          # first phase index at or past the left pad
                u0 = ai + j0 * s - l                    # its coordinate in the unpadded array
                cnt = max(0, min(qi - j0, -(-(n - u0) // s)))
                src.append(slice(j0, j0 + cnt))
                dst.append(slice(u0, u0 + (cnt - 1) * s + 1 if cnt else u0, s))
            res.append(((slice(None), slice(None)) + tuple(src), (slice(None), slice(None)) + tuple(dst)))
        self._copies[key] = res
        return res

    def phases_of(self, x, pads, last=False):
        """x (n, c, *sp), zero-padded by ``pads``, as phase planes: (n, c, phases, F), or
        channels-last (n, phases, F, c)."""
        n, c = x.shape[:2]
        if last:
            buf = np.zeros((n, self.phases, self.F, c), x.dtype)
            for p, (src, dst) in enumerate(self.copies(x.shape[2:], pads)):
                plane = np.moveaxis(buf[:, p].reshape((n,) + self.q + (c,)), -1, 1)
                np.copyto(plane[src], x[dst])
            return buf
        buf = np.zeros((n, c, self.phases, self.F), x.dtype)
        for p, (src, dst) in enumerate(self.copies(x.shape[2:], pads)):
            np.copyto(buf[:, :, p].reshape((n, c) + self.q)[src], x[dst])
        return buf


def _geometry(sp, k, stride, dil, out):
    key = (tuple(sp), tuple(k), tuple(stride), tuple(dil), tuple(out))
    g = _GEOMETRIES.get(key)
    if g is None:
        if len(_GEOMETRIES) > 512:
            _GEOMETRIES.clear()
        g = _GEOMETRIES[key] = _Geometry(*key)
    return g


def _multiply_add(acc, tmp, j, src, w):
    """acc = src * w (first tap) or acc += src * w."""
    if j == 0:
        np.multiply(src, w, out=acc)
    else:
        np.multiply(src, w, out=tmp)
        acc += tmp


def depthwise_fwd(xp, w, stride, dil, out, bias=None):
    """y (N, C*m, *out) (+ bias) from the padded input xp (N, C, *sp) and w (C*m, 1, *k)."""
    return depthwise_conv(xp, w, stride, ((0, 0),) * len(out), dil, bias)


def depthwise_conv(x, w, stride, pads, dil, bias=None, act=None):
    """y (N, C*m, *out) (+ bias) from x (N, C, *sp) zero-padded by ``pads`` ((l, r), ...) and
    w (C*m, 1, *k); the padding is done block by block, never on the whole input; ``act``
    (``act(a, out)``, e.g. ``hard_activations.relu_array_``) applied to each block's result in
    cache as it is written out."""
    N, C = x.shape[:2]
    m = w.shape[0] // C
    dt = np.result_type(x, w)
    x = x.astype(dt, copy=False)
    pads = tuple(tuple(p) for p in pads)
    sp = tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
    out = tuple((s - (d * (kk - 1) + 1)) // st + 1 for s, kk, st, d in zip(sp, w.shape[2:], stride, dil))
    if _LAYOUT == "einsum" or _LAYOUT is None and _einsum_wins(C, w.shape[2:], stride, out):
        return depthwise_einsum(x, w, stride, pads, dil, out, bias, _image_tasks, _run, act)
    g = _geometry(sp, w.shape[2:], stride, dil, out)
    L, taps = g.L, g.taps
    gemv = g.phases == 1 and len(taps) > 1 and (_LAYOUT == "gemv" or _LAYOUT is None and L >= _GEMV_L)
    last = not gemv and m == 1 and (_LAYOUT == "last" or _LAYOUT is None and C > L)
    direct = g.phases == 1 and not last and x.flags.c_contiguous and not any(l or r for l, r in pads)
    wk = w.reshape(C, m, -1).astype(dt, copy=False)
    wT = np.ascontiguousarray(wk[:, 0].T) if last else None
    bk = None if bias is None else bias.reshape(C, m).astype(dt, copy=False)
    res = np.empty((N, C * m) + g.out, dt)
    res_m = res.reshape((N, C, m) + g.out)

    def body(t):
        nb, cb = t
        xb = x[nb, cb]
        n, c = xb.shape[:2]
        if last:
            src = g.phases_of(xb, pads, last=True)
            acc, tmp = np.empty((n, L, c), dt), np.empty((n, L, c), dt)
            wb = wT[:, cb]
            for j, (p, off) in enumerate(taps):
                _multiply_add(acc, tmp, j, src[:, p, off:off + L], wb[j])
            if bk is not None:
                acc += bk[cb, 0]
            finish(g.crop(acc, last=True), None, act, res[nb, cb])
            return
        src = xb.reshape(n, c, 1, -1) if direct else g.phases_of(xb, pads)
        if gemv:    # the taps of each channel copied out as rows, then one (m, K) x (K, L) product
            s0, isz = src[:, :, 0], src.itemsize
            cols = np.empty((n, c) + g.k + (L,), dt)
            np.copyto(cols, as_strided(s0, cols.shape, s0.strides[:2] + tuple(t * isz for t in g.tap_strides)
                                       + (isz,), writeable=False))
            acc = np.matmul(wk[cb], cols.reshape(n, c, len(taps), L))
            if bk is not None:
                acc += bk[cb].reshape(c, m, 1)
            for i in range(m):
                finish(g.crop(acc[:, :, i]), None, act, res_m[nb, cb, i])
            return
        acc, tmp = np.empty((n, c, L), dt), np.empty((n, c, L), dt)
        wb = wk[cb]
        for i in range(m):
            for j, (p, off) in enumerate(taps):
                _multiply_add(acc, tmp, j, src[:, :, p, off:off + L], wb[:, i, j:j + 1])
            if bk is not None:
                acc += bk[cb, i].reshape(-1, 1)
            finish(g.crop(acc), None, act, res_m[nb, cb, i])
    per_channel = len(taps) * L * res.itemsize // 4 if gemv else m * L * res.itemsize
    _run(_tasks(N, C, per_channel), body, res.nbytes)
    return res


def _rows(gb, g):
    """gb (n, c, *out) placed on the output grid: (n, c, L), zeros between the rows."""
    rows = np.zeros(gb.shape[:2] + (g.L,), gb.dtype)
    np.copyto(g.crop(rows), gb)
    return rows


def depthwise_dx(gy, w, in_sp, stride, pads, dil, C):
    """dx (N, C, *in_sp) from gy (N, C*m, *out) and w (C*m, 1, *k)."""
    N, O = gy.shape[:2]
    m = O // C
    dt = np.result_type(gy, w)
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    g = _geometry(sp, w.shape[2:], stride, dil, gy.shape[2:])
    L, taps = g.L, g.taps
    gy_m = gy.astype(dt, copy=False).reshape((N, C, m) + g.out)
    wk = w.reshape(C, m, -1).astype(dt, copy=False)
    dx = np.empty((N, C) + tuple(in_sp), dt)
    copies = g.copies(tuple(in_sp), tuple(pads))

    def body(t):
        nb, cb = t
        db = None
        wb = wk[cb]
        for i in range(m):
            rows = _rows(gy_m[nb, cb, i], g)
            if db is None:
                db = np.zeros(rows.shape[:2] + (g.phases, g.F), dt)
                tmp = np.empty_like(rows)
            for j, (p, off) in enumerate(taps):
                np.multiply(rows, wb[:, i, j:j + 1], out=tmp)
                db[:, :, p, off:off + L] += tmp
        n, c = db.shape[:2]
        dxb = dx[nb, cb]
        for p, (src, dst) in enumerate(copies):
            np.copyto(dxb[dst], db[:, :, p].reshape((n, c) + g.q)[src])
    _run(_tasks(N, C, g.phases * g.F * dx.itemsize), body, dx.nbytes)
    return dx


def depthwise_dw(x, gy, k, stride, pads, dil):
    """dw (C*m, 1, *k) from x (N, C, *sp) and gy (N, C*m, *out)."""
    N, C = x.shape[:2]
    m = gy.shape[1] // C
    dt = np.result_type(x, gy)
    sp = tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
    g = _geometry(sp, k, stride, dil, gy.shape[2:])
    L, taps = g.L, g.taps
    x = x.astype(dt, copy=False)
    gy_m = gy.astype(dt, copy=False).reshape((N, C, m) + g.out)
    pads = tuple(pads)
    dw = np.empty((C, m, len(taps)), dt)
    step = max(1, _TASK_BYTES // max(1, N * g.phases * g.F * dt.itemsize))

    def body(cb):
        src = g.phases_of(x[:, cb], pads)
        for i in range(m):
            rows = _rows(gy_m[:, cb, i], g)
            for j, (p, off) in enumerate(taps):
                dw[cb, i, j] = np.einsum("ncl,ncl->c", rows, src[:, :, p, off:off + L])
    _run([slice(i, min(C, i + step)) for i in range(0, C, step)], body, gy.nbytes)
    return dw.reshape((C * m, 1) + tuple(k))
