"""N-d convolution (1d/2d/3d) as three NumPy kernels closed under differentiation.

``conv``  y  = x (*) w                           (im2col + GEMM)
``conv_dx``  dx = the gradient of ``conv`` w.r.t. x  (GEMM + kh*kw strided adds, no np.add.at)
``conv_dw``  dw = the gradient of ``conv`` w.r.t. w  (im2col + GEMM)

Each op's backward is written with the other two, so second derivatives come for free,
and ``conv_transpose`` is ``conv_dx`` with the roles renamed.

>>> from ember.ops.nn.conv import conv
>>> x = ember.ones(1, 1, 4, 4); w = ember.ones(1, 1, 3, 3)
>>> conv(x, w, None, (1, 1), ((0, 0), (0, 0)), (1, 1), 1)
tensor([[[[9., 9.],
          [9., 9.]]]])
"""
import itertools

from .._util import np, Op, apply_op, _wrap, _state

sliding_window_view = np.lib.stride_tricks.sliding_window_view

__all__ = []  # reached through ember.nn.functional


def _pad_array(x, pads):
    if not any(l or r for l, r in pads):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pads))


def _out_sizes(sp, k, stride, dil):
    return tuple((s - (d * (kk - 1) + 1)) // st + 1 for s, kk, st, d in zip(sp, k, stride, dil))


# Two layouts of the im2col matrix. With many output positions per image (P >= _BY_IMAGE),
# "by image": (N, g, Cg*K, P), one GEMM per image, the copy's inner loop runs along an output
# row and the GEMM writes NCHW directly. With few (deep layers, P = 7 x 7), "rows":
# (g, N*P, Cg*K), one big GEMM whose result is transposed back.
_BY_IMAGE = 100
_BLOCK_BYTES = 1 << 20   # im2col of a block of images: about this much, so it stays in cache


def _image_blocks(N, per_image):
    """Slices of the batch whose im2col matrices hold about ``_BLOCK_BYTES``."""
    n = max(1, _BLOCK_BYTES // max(1, per_image))
    return [slice(i, min(N, i + n)) for i in range(0, N, n)]


def _windows(xp, k, stride, dil, out):
    """Strided view (N, C, *out, *k) of the padded input: the input under each window."""
    nd = len(k)
    eff = tuple(d * (kk - 1) + 1 for kk, d in zip(k, dil))
    v = sliding_window_view(xp, eff, axis=tuple(range(2, 2 + nd)))
    return v[(slice(None), slice(None)) + tuple(slice(None, o * s, s) for o, s in zip(out, stride))
             + tuple(slice(None, None, d) for d in dil)]


def _cols(xp, k, stride, dil, groups, out):
    """im2col in the "rows" layout: (groups, N*P, Cg*K) from the padded input (one copy)."""
    nd = len(k)
    N, C = xp.shape[:2]
    v = _windows(xp, k, stride, dil, out)
    v = v.reshape((N, groups, C // groups) + v.shape[2:])
    perm = (1, 0) + tuple(range(3, 3 + nd)) + (2,) + tuple(range(3 + nd, 3 + 2 * nd))
    P = int(np.prod(out))
    K = int(np.prod(k))
    return v.transpose(perm).reshape(groups, N * P, (C // groups) * K)


def _cols_by_image(xp, k, stride, dil, groups, out):
    """im2col in the "by image" layout: (N, groups, Cg*K, P) (one copy)."""
    nd = len(k)
    N, C = xp.shape[:2]
    v = _windows(xp, k, stride, dil, out)                 # (N, C, *out, *k)
    perm = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    return v.transpose(perm).reshape(N, groups, (C // groups) * int(np.prod(k)), int(np.prod(out)))


def conv_fwd(x, w, stride, pads, dil, groups):
    N = x.shape[0]
    O = w.shape[0]
    k = w.shape[2:]
    xp = _pad_array(x, pads)
    out = _out_sizes(xp.shape[2:], k, stride, dil)
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, xp.shape[2:]))}). "
                           f"Kernel size: ({' x '.join(map(str, k))}). Kernel size can't be greater than "
                           "actual input size")
    wm = w.reshape(groups, O // groups, -1)
    P = int(np.prod(out))
    if P >= _BY_IMAGE:
        y = np.empty((N, groups, O // groups, P), dtype=np.result_type(x, w))
        for b in _image_blocks(N, x.shape[1] * int(np.prod(k)) * P * x.itemsize):
            np.matmul(wm, _cols_by_image(xp[b], k, stride, dil, groups, out), out=y[b])
        return y.reshape((N, O) + out)
    cols = _cols(xp, k, stride, dil, groups, out)
    y = np.matmul(cols, wm.transpose(0, 2, 1))             # (g, N*P, Og)
    y = y.reshape((groups, N) + out + (O // groups,))
    nd = len(out)
    y = y.transpose((1, 0, 2 + nd) + tuple(range(2, 2 + nd)))  # (N, g, Og, *out)
    return np.ascontiguousarray(y, dtype=np.result_type(x, w)).reshape((N, O) + out)  # (bfloat16 GEMMs give float32)


def conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups):
    """The input gradient of conv: gy (N, O, *out), w (O, Cg, *k) -> (N, C, *in_sp)."""
    N, O = gy.shape[:2]
    out = gy.shape[2:]
    k = w.shape[2:]
    nd = len(k)
    Og, Cg = O // groups, w.shape[1]
    sp = tuple(s + l + r for s, (l, r) in zip(in_sp, pads))
    dxp = np.zeros((N, groups, Cg) + sp, dtype=np.result_type(gy, w))
    P = int(np.prod(out))
    if P >= _BY_IMAGE:
        # per block of images: (n, g, Cg*K, P) = W^T gy, then kh*kw adds (inner loop along a
        # row) while that block is still in cache
        wT = w.reshape(groups, Og, -1).transpose(0, 2, 1)
        g4 = gy.reshape(N, groups, Og, P)
        offsets = list(itertools.product(*(range(x) for x in k)))
        regions = [(slice(None),) * 3 + tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                                              for i, d, s, o in zip(kk, dil, stride, out)) for kk in offsets]
        for b in _image_blocks(N, groups * Cg * int(np.prod(k)) * P * dxp.itemsize):
            dcols = np.matmul(wT, g4[b]).reshape((b.stop - b.start, groups, Cg) + tuple(k) + tuple(out))
            dxb = dxp[b]
            for kk, region in zip(offsets, regions):
                dxb[region] += dcols[(slice(None),) * 3 + kk]
        return _crop(dxp.reshape((N, groups * Cg) + sp), pads, in_sp)
    gm = gy.reshape((N, groups, Og, P)).transpose(1, 0, 3, 2).reshape(groups, N * P, Og)
    dcols = np.matmul(gm, w.reshape(groups, Og, -1))        # (g, N*P, Cg*K)
    dcols = dcols.reshape((groups, N) + out + (Cg,) + k)
    # move (g, N, *out, Cg, *k) -> (N, g, Cg, *out, *k) once, then add kh*kw strided slices
    dcols = dcols.transpose((1, 0, 2 + nd) + tuple(range(2, 2 + nd)) + tuple(range(3 + nd, 3 + 2 * nd)))
    for kk in itertools.product(*(range(x) for x in k)):
        region = (slice(None), slice(None), slice(None)) + tuple(
            slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in zip(kk, dil, stride, out))
        dxp[region] += dcols[(Ellipsis,) + kk]
    return _crop(dxp.reshape((N, groups * Cg) + sp), pads, in_sp)


def _crop(xp, pads, in_sp):
    return xp[(slice(None), slice(None)) + tuple(slice(l, l + s) for (l, _), s in zip(pads, in_sp))]


def conv_dw_fwd(x, gy, k, stride, pads, dil, groups):
    """The weight gradient of conv: x (N, C, *in), gy (N, O, *out) -> (O, Cg, *k)."""
    N, O = gy.shape[:2]
    out = gy.shape[2:]
    xp = _pad_array(x, pads)
    Og = O // groups
    P = int(np.prod(out))
    if P >= _BY_IMAGE:
        g4 = gy.reshape(N, groups, Og, P)
        dw = np.zeros((groups, Og, (x.shape[1] // groups) * int(np.prod(k))), dtype=np.result_type(x, gy))
        for b in _image_blocks(N, x.shape[1] * int(np.prod(k)) * P * x.itemsize):
            cols = _cols_by_image(xp[b], k, stride, dil, groups, out)      # (n, g, Cg*K, P)
            dw += np.matmul(g4[b], cols.transpose(0, 1, 3, 2)).sum(0)
    else:
        cols = _cols(xp, k, stride, dil, groups, out)           # (g, N*P, Cg*K)
        gm = gy.reshape((N, groups, Og, P)).transpose(1, 2, 0, 3).reshape(groups, Og, N * P)
        dw = np.matmul(gm, cols)                                # (g, Og, Cg*K)
    return dw.reshape((O, x.shape[1] // groups) + tuple(k))


class Convolution(Op):
    _name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, *rest):
        b = rest[0] if len(rest) == 5 else None
        stride, pads, dil, groups = rest[-4:]
        ctx.save_for_backward(x, w)
        ctx.p = (stride, pads, dil, groups)
        y = conv_fwd(x, w, stride, pads, dil, groups)
        if b is not None:
            y += b.reshape((1, -1) + (1,) * (y.ndim - 2))
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        stride, pads, dil, groups = ctx.p
        n = ctx.needs_input_grad
        gx = conv_dx(g, w, x.shape[2:], stride, pads, dil, groups) if n[0] else None
        gw = conv_dw(x, g, w.shape[2:], stride, pads, dil, groups) if n[1] else None
        gb = g.sum((0,) + tuple(range(2, g.dim()))) if len(n) > 2 and n[2] else None
        return gx, gw, gb


class ConvDx(Op):
    _name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, gy, w, in_sp, stride, pads, dil, groups):
        ctx.save_for_backward(gy, w)
        ctx.p = (stride, pads, dil, groups)
        return conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups)

    @staticmethod
    def backward(ctx, h):
        gy, w = ctx.saved_tensors
        stride, pads, dil, groups = ctx.p
        n = ctx.needs_input_grad
        d_gy = conv(h, w, None, stride, pads, dil, groups) if n[0] else None
        d_w = conv_dw(h, gy, w.shape[2:], stride, pads, dil, groups) if n[1] else None
        return d_gy, d_w


class ConvDw(Op):
    _name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, gy, k, stride, pads, dil, groups):
        ctx.save_for_backward(x, gy)
        ctx.p = (stride, pads, dil, groups)
        return conv_dw_fwd(x, gy, k, stride, pads, dil, groups)

    @staticmethod
    def backward(ctx, h):
        x, gy = ctx.saved_tensors
        stride, pads, dil, groups = ctx.p
        n = ctx.needs_input_grad
        d_x = conv_dx(gy, h, x.shape[2:], stride, pads, dil, groups) if n[0] else None
        d_gy = conv(x, h, None, stride, pads, dil, groups) if n[1] else None
        return d_x, d_gy


def _same_dtype(x, w, b=None):
    """PyTorch's errors for a convolution whose input, weight and bias dtypes differ."""
    xd = x._data.dtype
    if w._data.dtype != xd:
        from ..linalg.products import _up
        raise RuntimeError(f"expected scalar type {_up(x._data)} but found {_up(w._data)}")
    if b is not None and b._data.dtype != xd:
        from ..linalg.products import _low
        raise RuntimeError(f"Input type ({_low(x._data)}) and bias type ({_low(b._data)}) should be the same")


def conv(x, w, b, stride, pads, dil, groups):
    """Differentiable N-d convolution on normalised arguments (see ``F.conv2d``)."""
    _same_dtype(x, w, b)
    ts = (x, w) if b is None else (x, w, b)
    if _state[0] and any(t._rg for t in ts):
        return apply_op(Convolution, ts, stride, pads, dil, groups)
    y = conv_fwd(x._data, w._data, stride, pads, dil, groups)
    if b is not None:
        y += b._data.reshape((1, -1) + (1,) * (y.ndim - 2))
    return _wrap(y)


def conv_dx(gy, w, in_sp, stride, pads, dil, groups):
    """Differentiable input-gradient of conv (= transposed convolution)."""
    if _state[0] and (gy._rg or w._rg):
        return apply_op(ConvDx, (gy, w), tuple(in_sp), stride, pads, dil, groups)
    return _wrap(conv_dx_fwd(gy._data, w._data, tuple(in_sp), stride, pads, dil, groups))


def conv_dw(x, gy, k, stride, pads, dil, groups):
    """Differentiable weight-gradient of conv."""
    if _state[0] and (x._rg or gy._rg):
        return apply_op(ConvDw, (x, gy), tuple(k), stride, pads, dil, groups)
    return _wrap(conv_dw_fwd(x._data, gy._data, tuple(k), stride, pads, dil, groups))
