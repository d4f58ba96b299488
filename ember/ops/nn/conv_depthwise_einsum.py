"""Depthwise convolution forward channels-last, all taps in one ``np.einsum`` per block.

With many channels (MobileNet's deep layers, and its 5x5 ones) the fastest NumPy form found:
a block of images (and channels) is copied, zero-padded, into a channels-last buffer
(n, *padded, c); a strided view of it holds every tap of every output without a copy, and
``np.einsum`` sums the taps with its contiguous multiply-add loop: one pass per tap where a
NumPy multiply then add needs two, and no extra columns computed on a flattened plane.
Two forms of the view:

* "rows" (the last dimension unstrided): (n, *out[:-1], *k, out[-1] * c), an output row's
  (position, channel) pairs as one contiguous run, shifted by c per tap along the row, with
  the weights repeated along it; with a stride s along the row, the padded rows are first
  split into s phases (column s*q + p stored at (p, q)) and that dimension's taps become a
  (phase, shift) grid (zero where no tap falls);
* "channels" (many channels, strided rows): (n, *out, *k, c), the loop along the channels.

A channel multiplier (out_channels = m * in_channels) runs one einsum per multiple. The
bias and an activation are applied, and the block written back to (n, c, *out), while it is
still in cache.

>>> from ember.ops.nn.conv_depthwise_einsum import depthwise_einsum
>>> depthwise_einsum(np.ones((1, 2, 3, 3), np.float32), np.ones((2, 1, 2, 2), np.float32), (1, 1),
...                  ((0, 0), (0, 0)), (1, 1), (2, 2))[0, 1]
array([[4., 4.],
       [4., 4.]], dtype=float32)
"""
from .._util import np

as_strided = np.lib.stride_tricks.as_strided

__all__ = []

_MIN_C = 128        # at least this many channels: einsum (fewer: the flattened-plane kernels)
_MIN_C_ROWS = 100   # ... or this many when the last dimension is unstrided ("rows" form)
_MIN_C_TAPS = 64    # ... or this many with 25 taps or more at a stride above 1
_ROWS = None        # None: the "rows" form whenever the last dimension is unstrided; True/False: always/never
_SUBSCRIPTS = {}


def einsum_wins(C, k, stride, out):
    """True when the einsum kernel is the faster one for C channels, kernel ``k``, ``stride``
    and output size ``out`` (measured on MobileNet's layers, 1 and 2 threads)."""
    taps = 1
    for v in k:
        taps *= v
    if taps == 1:
        return False
    if stride[-1] == 1 and C >= _MIN_C_ROWS:
        return True
    return C >= _MIN_C or (C >= _MIN_C_TAPS and taps >= 25 and any(s > 1 for s in stride))


def _subscripts(nd, rows, phased=False):
    s = _SUBSCRIPTS.get((nd, rows, phased))
    if s is None:
        o, t = "ijk"[:nd - rows], "rst"[:nd - phased] + ("pq" if phased else "")
        s = _SUBSCRIPTS[nd, rows, phased] = f"n{o}{t}c,{t}c->n{o}c"
    return s


def _phase_grid(wc, s, d):
    """The last dimension's taps (*k, c) of a stride-``s`` convolution as a (phase, shift)
    grid (*k[:-1], s, h, c): tap t reads phase (t*d) % s at shift (t*d) // s; zeros where
    no tap falls."""
    kw = wc.shape[-2]
    h = (kw - 1) * d // s + 1
    grid = np.zeros(wc.shape[:-2] + (s, h, wc.shape[-1]), wc.dtype)
    for t in range(kw):
        grid[..., (t * d) % s, (t * d) // s, :] = wc[..., t, :]
    return grid


def _row_weights(wc, wo):
    """(*k, c) weights repeated along an output row: (*k, wo * c), contiguous."""
    return np.ascontiguousarray(np.broadcast_to(wc[..., None, :], wc.shape[:-1] + (wo, wc.shape[-1]))).reshape(
        wc.shape[:-1] + (wo * wc.shape[-1],))


def finish(acc, b, act, dst):
    """``dst = act(acc + b)`` (``b`` and ``act`` optional; ``acc`` may be overwritten), the
    last pass writing straight into ``dst``, a view of the layer's output.

    >>> from ember.ops.nn.conv_depthwise_einsum import finish
    >>> dst = np.empty(2); _ = finish(np.array([1., -3.]), 1., None, dst); dst
    array([ 2., -2.])
    """
    if act is None:
        if b is None:
            return np.copyto(dst, acc)
        return np.add(acc, b, out=dst)
    if b is not None:
        acc += b
    return act(acc, dst)


def _serial(tasks, body, nbytes):
    for t in tasks:
        body(t)


def _whole(N, C, per_channel):
    return [(slice(None), slice(None))]


def depthwise_einsum(x, w, stride, pads, dil, out, bias=None, tasks=_whole, run=_serial, act=None):
    """y (N, C*m, *out) (+ bias) from x (N, C, *sp) zero-padded by ``pads`` ((l, r), ...) and
    w (C*m, 1, *k); ``tasks(N, C, bytes per channel)`` cuts the work into (image slice,
    channel slice) blocks and ``run(tasks, body, nbytes)`` runs them (``conv_depthwise``
    passes its cache-sized blocks and its thread pool); ``act(a, out)`` (see ``finish``) is
    applied to each block as it is written out."""
    N, C = x.shape[:2]
    m = w.shape[0] // C
    k = tuple(w.shape[2:])
    nd = len(k)
    dt = np.result_type(x, w)
    x = x.astype(dt, copy=False)
    sp = tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
    inner = tuple(slice(l, l + s) for (l, _), s in zip(pads, x.shape[2:]))
    # (m, *k, C): the weights of multiple i, channels last
    wl = np.ascontiguousarray(np.moveaxis(w.reshape((C, m) + k).astype(dt, copy=False), (0, 1), (-1, 0)))
    bk = None if bias is None else bias.reshape(C, m).astype(dt, copy=False)
    res = np.empty((N, C * m) + tuple(out), dt)
    res_m = res.reshape((N, C, m) + tuple(out))
    # "rows": with the last dimension unstrided, an output row's (position, channel) pairs are
    # one contiguous run of the buffer, shifted by c per tap along that dimension: the einsum's
    # inner loop runs along the whole row (weights repeated along it) instead of the channels
    # With a stride s > 1 there, the padded rows are split into s phases (column s*q + p at
    # (p, q)) and the taps along it become a (phase, shift) grid, zero where no tap falls.
    rows = int(_ROWS is None and (stride[-1] == 1 or C < _MIN_C) or bool(_ROWS))
    s_w, d_w = stride[-1], dil[-1]
    phased = bool(rows and s_w > 1)
    subs = _subscripts(nd, rows, phased)
    pad_any = any(l or r for l, r in pads)
    wo = out[-1]

    def row_weights(wc):
        return _row_weights(_phase_grid(wc, s_w, d_w) if phased else wc, wo)
    w_blocks = {}   # channel block start -> its row weights, one per multiple

    def block_weights(cb, c):
        key = (cb.start, c)
        ws = w_blocks.get(key)
        if ws is None:
            ws = w_blocks[key] = [row_weights(wl[i, ..., cb]) for i in range(m)]
        return ws
    if phased:
        h_w = ((k[-1] - 1) * d_w) // s_w + 1
        wq = max(-(-sp[-1] // s_w), wo + h_w - 1)
        l_w = pads[-1][0]

    def body(t):
        nb, cb = t
        xb = x[nb, cb]
        n, c = xb.shape[:2]
        acc = np.empty((n,) + tuple(out) + (c,), dt)
        if phased:
            buf = np.zeros((n,) + sp[:-1] + (s_w, wq, c), dt)
            W = xb.shape[-1]
            for p in range(s_w):
                u0 = (p - l_w) % s_w
                if u0 < W:
                    q0 = (u0 + l_w) // s_w
                    src = np.moveaxis(xb[..., u0::s_w], 1, -1)
                    np.copyto(buf[(slice(None),) + inner[:-1] + (p, slice(q0, q0 + src.shape[-2]))], src)
            st = buf.strides
            shape = (n,) + tuple(out[:-1]) + k[:-1] + (s_w, h_w, wo * c)
            strides = ((st[0],) + tuple(a * s for a, s in zip(st[1:-3], stride))
                       + tuple(a * d for a, d in zip(st[1:-3], dil)) + st[-3:-1] + (st[-1],))
            a = acc.reshape(acc.shape[:-2] + (wo * c,))
        else:
            buf = (np.zeros if pad_any else np.empty)((n,) + sp + (c,), dt)
            np.copyto(buf[(slice(None),) + inner + (slice(None),)], np.moveaxis(xb, 1, -1))
            st = buf.strides
            shape = (n,) + tuple(out) + k + (c,)
            strides = ((st[0],) + tuple(a * s for a, s in zip(st[1:-1], stride))
                       + tuple(a * d for a, d in zip(st[1:-1], dil)) + (st[-1],))
        if rows and not phased:   # drop the output row's axis: (position, channel) is the inner run
            shape = shape[:nd] + shape[nd + 1:-1] + (wo * c,)
            strides = strides[:nd] + strides[nd + 1:]
            a = acc.reshape(acc.shape[:-2] + (wo * c,))
        elif not phased:
            a = acc
        view = as_strided(buf, shape, strides, writeable=False)
        ws = block_weights(cb, c) if rows else None
        for i in range(m):
            if rows:
                wi = ws[i]
            else:
                wi = np.ascontiguousarray(wl[i, ..., cb])
            np.einsum(subs, view, wi, out=a)
            finish(acc, None if bk is None else bk[cb, i], act, np.moveaxis(res_m[nb, cb, i], 1, -1))
    per_channel = m * res.itemsize
    for o in out:
        per_channel *= o
    run(tasks(N, C, per_channel), body, res.nbytes)
    return res
