"""The array kernels of N-d convolution: forward, input gradient, weight gradient.

``conv_fwd``     y  = x (*) w                    im2col + GEMM; 1x1 kernels: the input is the im2col
                                                 matrix (a view, or a strided copy); depthwise: direct
``conv_dx_fwd``  dx = W^T gy, then col2im         (GEMM + kh*kw strided adds, no np.add.at); or,
                                                 unstrided with C >= O, dx = gy (*) the flipped,
                                                 transposed kernel (``conv_fwd`` once per residue of
                                                 the input positions mod the stride: "phases")
``conv_dw_fwd``  dw = gy cols^T                   (im2col + GEMM)

Two layouts of the im2col matrix. With many output positions per image (P >= _BY_IMAGE),
"by image": (N, g, Cg*K, P), one GEMM per block of images, the copy's inner loop runs along an
output row and the GEMM writes NCHW directly. With few (deep layers, P = 7 x 7), "columns":
(g, Cg*K, N*P), every image's positions side by side, one big GEMM whose small result is
transposed back (0.5-0.9x the time of the (g, N*P, Cg*K) layout, whose GEMM reads the weight
transposed, with the same bits); the input gradient there adds its taps into a channels-last
buffer, along runs of channels instead of 7-element rows (``_dx_channels_last``).

Threads (``ember.set_num_threads``): with at least as many images as threads each thread runs
its own images end to end (im2col, GEMM, col2im); with fewer, a forward convolution gives each
thread a band of output rows end to end (``_by_bands``: one parallel region, its im2col copy
still in cache for its GEMM), and the gradients split their copies and col2im adds by channels
over the pool and each large GEMM by ``ember._parallel_gemm.gemm``. The BLAS
itself runs one thread (see ``ember._parallel_gemm``).

>>> from ember.ops.nn.conv_kernels import conv_fwd
>>> conv_fwd(np.ones((1, 1, 3, 3), np.float32), np.ones((1, 1, 2, 2), np.float32),
...          (1, 1), ((0, 0), (0, 0)), (1, 1), 1)[0, 0]
array([[4., 4.],
       [4., 4.]], dtype=float32)
"""
import itertools

from .._util import np
from ..._thread_pool import num_threads, parallel_for, blocks, lead_blocks
from ..._parallel_gemm import gemm, _SECONDS_PER_FLOP
from ..._ufunc_buffers import rows
from . import conv_depthwise as _dw
from . import conv_winograd as _wg
from .conv_windows import par_copy, pad_array, out_sizes, windows

__all__ = []

_BY_IMAGE = 100
_MIN_BAND = 256          # output positions per thread at least for ``_by_bands`` (fewer: the
                         # copies split by channels and the GEMM by rows of the weight)
_BLOCK_BYTES = 1 << 20   # im2col of a block of images: about this much, so it stays in cache
_PAR_BYTES = 1 << 21     # col2im adds smaller than this stay on one thread (handing work over
                         # costs ~20 us on a quiet machine, far more on a busy one)
_PAR_FLOPS = 1 << 27     # convolutions with fewer multiply-adds * 2 than this run on one thread
_DEPTHWISE = True        # groups == in_channels by the direct kernels (False: the im2col GEMMs)
_PHASES_MIN_C = 16       # input gradients of unstrided convolutions with at least this many input
                         # channels, no fewer than output channels, and _BY_IMAGE output positions:
                         # a convolution of gy (im2col + GEMM, 1.1-2x faster than GEMM + col2im
                         # there; with fewer input than output channels its GEMM is the slower);
                         # strided ones and the rest: GEMM + col2im
_PHASES_ALL = False      # True: every input gradient by phases (the tests run both algorithms)
                         # (also by phases: those whose convolution of gy runs Winograd's F(2x2, 3x3))


def _prod(t):
    p = 1
    for v in t:
        p *= v
    return p


def _image_blocks(start, stop, per_image):
    """Slices of images [start, stop) whose im2col matrices hold about ``_BLOCK_BYTES``."""
    n = max(1, _BLOCK_BYTES // max(1, per_image))
    return [slice(i, min(stop, i + n)) for i in range(start, stop, n)]


def _window_matrix(xp, k, stride, dil, out):
    """The strided view (N, C, *k, *out) of every window of the padded input, built once per
    convolution (block loops slice it: little Python work inside a thread's block, as every
    step that holds the GIL there serialises the threads)."""
    nd = len(k)
    v = windows(xp, k, stride, dil, out)                 # (N, C, *out, *k)
    return v.transpose((0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd)))


def _cols_by_image(v, groups, parallel=False):
    """im2col in the "by image" layout: (n, groups, Cg*K, P) from a block ``v`` of
    ``_window_matrix`` (one copy; split by channels over the pool when ``parallel``)."""
    if v.flags.c_contiguous:          # a 1x1 kernel, stride 1: the input is the matrix
        cols = v
    else:
        cols = np.empty(v.shape, v.dtype)
        if parallel:
            par_copy(cols, v)
        else:
            np.copyto(cols, v)
    n, C = v.shape[:2]
    nd = (v.ndim - 2) // 2
    return cols.reshape(n, groups, (C // groups) * _prod(v.shape[2:2 + nd]), _prod(v.shape[2 + nd:]))


def _cols(xp, k, stride, dil, groups, out):
    """im2col in the "rows" layout: (groups, N*P, Cg*K) from the padded input (one copy)."""
    nd = len(k)
    N, C = xp.shape[:2]
    v = windows(xp, k, stride, dil, out)
    v = v.reshape((N, groups, C // groups) + v.shape[2:])
    v = v.transpose((1, 0) + tuple(range(3, 3 + nd)) + (2,) + tuple(range(3 + nd, 3 + 2 * nd)))
    cols = par_copy(np.empty(v.shape, xp.dtype), v)
    return cols.reshape(groups, N * _prod(out), (C // groups) * _prod(k))


def _cols_t(xp, k, stride, dil, groups, out):
    """im2col in the "columns" layout: (groups, Cg*K, N*P) from the padded input (one copy),
    every image's output positions side by side along the columns."""
    nd = len(k)
    N, C = xp.shape[:2]
    v = windows(xp, k, stride, dil, out)                                # (N, C, *out, *k)
    v = v.reshape((N, groups, C // groups) + v.shape[2:])
    v = v.transpose((1, 2) + tuple(range(3 + nd, 3 + 2 * nd)) + (0,) + tuple(range(3, 3 + nd)))
    cols = par_copy(np.empty(v.shape, xp.dtype), v)                     # (g, Cg, *k, N, *out)
    return cols.reshape(groups, (C // groups) * _prod(k), N * _prod(out))


def _by_threads(N, body, flops):
    """Run ``body(start, stop)`` over the images, one contiguous share per thread when there
    are at least as many images as threads and the work is large enough (returns False when
    it did not)."""
    T = num_threads()
    if T <= 1 or N < T or flops < _PAR_FLOPS:
        return False
    sl = blocks(N, T)
    parallel_for(lambda i: body(sl[i].start, sl[i].stop), len(sl))
    return True


def _by_bands(N, out, v, wm, y, y3, bias, flops, post=None):
    """With fewer images than threads: each thread takes a band of output rows end to end (its
    im2col copy, then its GEMM into its columns of y, then the bias), one parallel region per
    convolution whose copies stay in the thread's cache. False (nothing done) when the bands
    would be too small to pay."""
    T = num_threads()
    if T <= 1 or N >= T or flops < _PAR_FLOPS or out[0] < T or _prod(out) < T * _MIN_BAND:
        return False
    nd = len(out)
    row = _prod(out[1:])
    sl = lead_blocks(out[0], T, flops * _SECONDS_PER_FLOP.get(y.dtype, 1e-11))
    if len(sl) == 1:
        return False
    groups = wm.shape[0]
    lead = (slice(None),) * (2 + nd)

    def band(i):
        r = sl[i]
        vb = v[lead + (r,)]
        cols = np.empty(vb.shape, vb.dtype)
        np.copyto(cols, vb)
        n, C = vb.shape[:2]
        cols = cols.reshape(n, groups, -1, (r.stop - r.start) * row)
        p = slice(r.start * row, r.stop * row)
        np.matmul(wm, cols, out=y[..., p])
        _add_bias(y3[..., p], bias)
        if post is not None:
            post(y3, (slice(None), p))
    parallel_for(band, len(sl))
    return True


def _check_size(xp, k, out):
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, xp.shape[2:]))}). "
                           f"Kernel size: ({' x '.join(map(str, k))}). Kernel size can't be greater than "
                           "actual input size")


def _add_bias(y, bias):
    """y (n, O, ...) += bias (O,), in place (the block is still in cache)."""
    if bias is not None:
        with rows(_prod(y.shape[2:])):
            y += bias.reshape((1, -1) + (1,) * (y.ndim - 2))


def conv_fwd(x, w, stride, pads, dil, groups, bias=None, post=None):
    """y = x (*) w (+ bias) on arrays: x (N, C, *sp), w (O, C/groups, *k), pads ((l, r), ...),
    bias (O,) or None -> (N, O, *out); ``post(y3, (images, positions))``
    (``conv_bn_eval.Epilogue``) run on each finished block of y3 = y as (N, O, P)."""
    if _wg.eligible(x, w, stride, pads, dil, groups):     # 3x3, stride 1: F(2x2, 3x3)
        return _wg.winograd_conv(x, w, pads, bias, post)
    N, C = x.shape[:2]
    O = w.shape[0]
    k = w.shape[2:]
    xp = pad_array(x, pads)
    out = out_sizes(xp.shape[2:], k, stride, dil)
    _check_size(xp, k, out)
    dt = np.result_type(x, w)
    if _DEPTHWISE and groups > 1 and groups == C and dt.kind == "f" and dt.itemsize >= 4:
        y = _dw.depthwise_fwd(xp, w, stride, dil, out, bias)
        if y is not None:
            if post is not None:
                post(y.reshape(N, O, -1), (slice(None), slice(None)))
            return y
    wm = w.reshape(groups, O // groups, -1)
    P = _prod(out)
    if P >= _BY_IMAGE or N == 1:
        y = np.empty((N, groups, O // groups, P), dtype=dt)
        per_image = C * _prod(k) * P * x.itemsize
        y3 = y.reshape(N, O, P)

        v = _window_matrix(xp, k, stride, dil, out)
        if _by_bands(N, out, v, wm, y, y3, bias, 2 * N * O * per_image // x.itemsize, post):
            return y.reshape((N, O) + out)

        def images(start, stop, parallel=False):
            for b in _image_blocks(start, stop, per_image):
                gemm(wm, _cols_by_image(v[b], groups, parallel), out=y[b])
                _add_bias(y3[b], bias)
                if post is not None:
                    post(y3, (b, slice(None)))
        if not _by_threads(N, images, 2 * N * O * per_image // x.itemsize):
            images(0, N, parallel=True)
        return y.reshape((N, O) + out)
    y = gemm(wm, _cols_t(xp, k, stride, dil, groups, out))      # (g, Og, N*P)
    y = y.reshape(groups, O // groups, N, P).transpose(2, 0, 1, 3)  # (N, g, Og, P)
    res = par_copy(np.empty(y.shape, dt), y).reshape((N, O) + out)   # (bfloat16 GEMMs give float32)
    _add_bias(res, bias)
    if post is not None:
        post(res.reshape(N, O, P), (slice(None), slice(None)))
    return res


def _col2im_plan(k, stride, dil, out):
    """[(index of a kernel tap in dcols, the strided region of dx it adds to)] (built once)."""
    pre = (slice(None), slice(None))
    return [(pre + kk, pre + tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in zip(kk, dil, stride, out)))
            for kk in itertools.product(*(range(x) for x in k))]


def _col2im_adds(dxp, dcols, plan, split_axis):
    """dxp (n, C, *sp) += the kh*kw strided slices of dcols (n, C, *k, *out) (``plan`` from
    ``_col2im_plan``), split over the pool along ``split_axis`` (None: serial)."""
    def run(sl):
        lead = (slice(None),) * split_axis + (sl,) if split_axis is not None else ()
        dst, src = dxp[lead], dcols[lead]
        for kk, region in plan:
            dst[region] += src[kk]
    T = num_threads()
    if split_axis is None or T <= 1 or dxp.nbytes < _PAR_BYTES or dxp.shape[split_axis] < 2:
        run(slice(None))
        return
    sl = blocks(dxp.shape[split_axis], T)
    parallel_for(lambda i: run(sl[i]), len(sl))


def _phase_1d(s, d, k, pl, n_in, n_out, r):
    """One residue ``r`` (mod stride) of one dim of the input gradient, as a stride-1 correlation.

    Input position j (padded: q = j + pl) gets gy[i] w[t] where q = s*i + d*t. The j with
    q = s*m + r, m in [m0, m1), get  z[m] = sum_u w[t_u] gy[m - e_0 + d' u]  over the taps t_u
    with d*t = r (mod s), taken in falling order (e_t = (d*t - r) / s, steps of d'). Returns
    (taps slice, d', (left, right) padding of gy (negative: a crop), first j, count) or None
    when no input position has residue ``r``; taps is None when no tap reaches them.
    """
    m0 = -((r - pl) // s)                      # ceil((pl - r) / s)
    m1 = -((r - pl - n_in) // s)
    if m1 <= m0:
        return None
    taps = [t for t in range(k) if (d * t - r) % s == 0]
    if not taps:
        return None, 1, (0, 0), s * m0 + r - pl, m1 - m0
    g = s // _gcd(s, d)                        # tap step within a residue
    dp = d // _gcd(s, d)
    e0 = (d * taps[-1] - r) // s
    left = e0 - m0
    length = (m1 - m0 - 1) + dp * (len(taps) - 1) + 1
    sl = slice(taps[-1], taps[0] - 1 if taps[0] > 0 else None, -g)
    return sl, dp, (left, length - left - n_out), s * m0 + r - pl, m1 - m0


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def _dx_by_phases(gy, w, in_sp, stride, pads, dil, groups, dt):
    """dx as stride-1 convolutions of gy (one per residue of the input positions mod stride)
    with the transposed, flipped kernel's taps of that residue: im2col + GEMM, no col2im."""
    N, O = gy.shape[:2]
    nd = len(in_sp)
    Og, Cg = O // groups, w.shape[1]
    C = groups * Cg
    # (O, Cg, *k) -> (C, Og, *k): each group's kernel transposed (the taps are flipped per phase)
    wt = w.reshape((groups, Og, Cg) + w.shape[2:]).swapaxes(1, 2).reshape((C, Og) + w.shape[2:])
    dims = [[_phase_1d(s, d, k, pl, n, o, r) for r in range(s)]
            for s, d, k, (pl, _), n, o in zip(stride, dil, w.shape[2:], pads, in_sp, gy.shape[2:])]
    if all(s == 1 for s in stride) and all(ph[0] is not None and ph[0][0] is not None for ph in dims):
        dx = None                              # one phase: its output is dx
    else:
        dx = np.zeros((N, C) + tuple(in_sp), dt)
    for phase in itertools.product(*dims):
        if any(p is None for p in phase):
            continue
        if any(p[0] is None for p in phase):   # no tap reaches these positions: they stay 0
            continue
        src = gy[(slice(None), slice(None)) + tuple(slice(max(-l, 0), o - max(-r, 0))
                                                    for (_, _, (l, r), _, _), o in zip(phase, gy.shape[2:]))]
        ph_pads = tuple((max(l, 0), max(r, 0)) for _, _, (l, r), _, _ in phase)
        z = conv_fwd(src, wt[(slice(None), slice(None)) + tuple(p[0] for p in phase)], (1,) * nd, ph_pads,
                     tuple(p[1] for p in phase), groups)
        if dx is None:
            return z
        par_copy(dx[(slice(None), slice(None)) + tuple(slice(j0, None, s) for (_, _, _, j0, _), s
                                                       in zip(phase, stride))], z)
    return dx


def conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups):
    """The input gradient of conv: gy (N, O, *out), w (O, Cg, *k) -> (N, C, *in_sp)."""
    N, O = gy.shape[:2]
    out = gy.shape[2:]
    k = w.shape[2:]
    Og, Cg = O // groups, w.shape[1]
    C = groups * Cg
    dt = np.result_type(gy, w)
    if _DEPTHWISE and groups > 1 and Cg == 1 and dt.kind == "f" and dt.itemsize >= 4:
        return _dw.depthwise_dx(gy, w, in_sp, stride, pads, dil, groups)
    if _PHASES_ALL or ((C >= max(O, _PHASES_MIN_C) or _wg.dx_eligible(gy, w, in_sp, stride, dil, groups))
                       and all(s == 1 for s in stride) and _prod(out) >= _BY_IMAGE):
        return _dx_by_phases(gy, w, in_sp, stride, pads, dil, groups, dt)
    P = _prod(out)
    if all(st == 1 for st in stride) and (P >= _BY_IMAGE or N == 1):
        return _dx_flat(gy, w, in_sp, pads, dil, groups, dt)
    if P < _BY_IMAGE and N > 1:
        return _dx_channels_last(gy, w, in_sp, stride, pads, dil, groups, dt)
    # per block of images: (n, g, Cg*K, P) = W^T gy, then kh*kw adds (inner loop along a
    # row) while that block is still in cache
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    dxp = np.zeros((N, C) + sp, dtype=dt)
    wT = w.reshape(groups, Og, -1).transpose(0, 2, 1)
    g4 = gy.reshape(N, groups, Og, P)
    per_image = C * _prod(k) * P * dxp.itemsize
    plan = _col2im_plan(k, stride, dil, out)

    def images(start, stop, split=None):
        for b in _image_blocks(start, stop, per_image):
            dcols = gemm(wT, g4[b]).reshape((b.stop - b.start, C) + tuple(k) + tuple(out))
            _col2im_adds(dxp[b], dcols, plan, split)
    if not _by_threads(N, images, 2 * N * Og * per_image // dxp.itemsize):
        images(0, N, split=1)
    return _crop(dxp, pads, in_sp)


def _dx_channels_last(gy, w, in_sp, stride, pads, dil, groups, dt):
    """The input gradient with few output positions per image (deep layers, 7 x 7): one GEMM
    (g, N*P, Og) @ (g, Og, Cg*K) for every image, then the kh*kw adds into a channels-last
    padded gradient (N, *sp, C), each along runs of Cg channels (NCHW adds would run along
    7-element rows), and one transposed copy back (0.75x the time of the NCHW adds)."""
    N, O = gy.shape[:2]
    out, k = gy.shape[2:], w.shape[2:]
    nd = len(k)
    Og, Cg = O // groups, w.shape[1]
    gm = gy.reshape((N, groups, Og, -1)).transpose(1, 0, 3, 2).reshape(groups, -1, Og)
    dcols = gemm(gm, w.reshape(groups, Og, -1))                      # (g, N*P, Cg*K)
    dcols = dcols.reshape((groups, N) + out + (Cg,) + k)
    # (g, N, *out, Cg, *k) as (*k, N, *out, g, Cg): each tap's block, the channels innermost
    dcols = dcols.transpose(tuple(range(3 + nd, 3 + 2 * nd)) + (1,) + tuple(range(2, 2 + nd)) + (0, 2 + nd))
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    dxp = np.zeros((N,) + sp + (groups, Cg), dtype=dt)
    T = num_threads()
    for kk, region in _col2im_plan(k, stride, dil, out):
        src, dst = dcols[kk[2:]], dxp[(slice(None),) + region[2:]]
        if T > 1 and dxp.nbytes >= _PAR_BYTES and N >= T:
            sl = blocks(N, T)
            parallel_for(lambda i: np.add(dst[sl[i]], src[sl[i]], out=dst[sl[i]]), len(sl))
        else:
            dst += src
    inner = dxp[(slice(None),) + tuple(slice(l, l + s) for (l, _), s in zip(pads, in_sp))]
    inner = inner.reshape((N,) + tuple(in_sp) + (groups * Cg,))
    return par_copy(np.empty((N, groups * Cg) + tuple(in_sp), dt), np.moveaxis(inner, -1, 1))


def _dx_flat(gy, w, in_sp, pads, dil, groups, dt):
    """The input gradient of an unstrided convolution, with one long add per kernel tap.

    gy is laid out in rows as wide as the padded input (its extra columns zero, the first
    dimension left as it is), so output position p and tap t reach the flattened padded
    input at p + offset(t) and each tap's col2im is one contiguous add per channel
    (``_col2im_adds`` runs one ufunc loop per output row instead). The GEMM grows by the
    padding's share of a row."""
    N, O = gy.shape[:2]
    out, k = gy.shape[2:], w.shape[2:]
    Og, Cg = O // groups, w.shape[1]
    C = groups * Cg
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    flat = [_prod(sp[i + 1:]) for i in range(len(sp))]          # element steps of the padded dims
    L = out[0] * flat[0]                                        # gy's positions in the wide layout
    offs = [sum(t * d * f for t, d, f in zip(kk, dil, flat)) for kk in itertools.product(*(range(x) for x in k))]
    tail = max(offs) + L - _prod(sp)                            # the last junk positions run past the end
    dxp = np.zeros((N, C, _prod(sp) + max(tail, 0)), dt)
    wT = w.reshape(groups, Og, -1).transpose(0, 2, 1)           # (g, Cg*K, Og)
    inner = (slice(None),) * 3 + tuple(slice(0, o) for o in out[1:])
    per_image = C * len(offs) * L * dxp.itemsize

    def images(start, stop, split=None):
        wide = None
        for b in _image_blocks(start, stop, per_image):
            n = b.stop - b.start
            if wide is None or wide.shape[0] != n:
                wide = np.zeros((n, O, out[0]) + sp[1:], dt)
            wide[inner] = gy[b]
            dcols = gemm(wT, wide.reshape(n, groups, Og, L)).reshape(n, C, len(offs), L)
            _flat_adds(dxp[b], dcols, offs, L, split)
    if not _by_threads(N, images, 2 * N * Og * per_image // dxp.itemsize):
        images(0, N, split=True)
    return _crop(dxp[:, :, :_prod(sp)].reshape((N, C) + sp), pads, in_sp)


def _flat_adds(dst, dcols, offs, L, split):
    """dst (n, C, *) [..., off:off + L] += dcols (n, C, K, L)[:, :, j] for each tap j, split
    by channels over the pool when ``split`` and large."""
    def run(sl):
        d, src = dst[:, sl], dcols[:, sl]
        for j, off in enumerate(offs):
            d[:, :, off:off + L] += src[:, :, j]
    T = num_threads()
    if not split or T <= 1 or dst.nbytes < _PAR_BYTES or dst.shape[1] < 2:
        run(slice(None))
        return
    sl = blocks(dst.shape[1], T)
    parallel_for(lambda i: run(sl[i]), len(sl))


def _crop(xp, pads, in_sp):
    return xp[(slice(None), slice(None)) + tuple(slice(l, l + s) for (l, _), s in zip(pads, in_sp))]


def conv_dw_fwd(x, gy, k, stride, pads, dil, groups):
    """The weight gradient of conv: x (N, C, *in), gy (N, O, *out) -> (O, Cg, *k)."""
    if _wg.dw_eligible(x, gy, k, stride, dil, groups):      # 3x3, stride 1: F(2x2, 3x3)
        return _wg.winograd_dw(x, gy, pads)
    N, O = gy.shape[:2]
    C = x.shape[1]
    out = gy.shape[2:]
    dt = np.result_type(x, gy)
    if _DEPTHWISE and groups > 1 and groups == C and dt.kind == "f" and dt.itemsize >= 4:
        dw = _dw.depthwise_dw(x, gy, k, stride, pads, dil)
        if dw is not None:
            return dw
    xp = pad_array(x, pads)
    Og = O // groups
    P = _prod(out)
    if P >= _BY_IMAGE or N == 1:
        g4 = gy.reshape(N, groups, Og, P)
        per_image = C * _prod(k) * P * x.itemsize
        parts = []
        v = _window_matrix(xp, k, stride, dil, out)

        def images(start, stop, parallel=False):
            if stop - start == 1:     # one image: dw = gy cols^T, straight into its own array
                cols = _cols_by_image(v[start:stop], groups, parallel)
                parts.append(gemm(g4[start], cols[0].transpose(0, 2, 1)))
                return
            # several: dw^T (g, Cg*K, Og) += cols gy^T per image (OpenBLAS runs this faster)
            acc = np.zeros((groups, (C // groups) * _prod(k), Og), dtype=dt)
            tmp = np.empty_like(acc)
            for b in _image_blocks(start, stop, per_image):
                cols = _cols_by_image(v[b], groups, parallel)   # (n, g, Cg*K, P)
                for i in range(b.stop - b.start):
                    acc += gemm(cols[i], g4[b.start + i].transpose(0, 2, 1), out=tmp)
            parts.append(acc.transpose(0, 2, 1))
        if not _by_threads(N, images, 2 * N * Og * per_image // x.itemsize):
            images(0, N, parallel=True)
        dw = parts[0]
        for p in parts[1:]:
            dw = dw + p
    else:
        cols = _cols(xp, k, stride, dil, groups, out)           # (g, N*P, Cg*K)
        gm = gy.reshape((N, groups, Og, P)).transpose(1, 2, 0, 3).reshape(groups, Og, N * P)
        dw = gemm(gm, cols)                                   # (g, Og, Cg*K)
    return np.ascontiguousarray(dw).reshape((O, C // groups) + tuple(k))
