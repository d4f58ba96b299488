"""The arithmetic of PyTorch's dynamically quantized linear layer on x86 (fbgemm),
reproduced bit for bit on NumPy.

Weights: int8, symmetric, per tensor (``scale = max|w| / 127.5``) or per output channel
(one such scale per row), zero point 0. Activations: each call picks
``(scale, zero_point)`` from the input's own min and max over ``[0, 127]``
(``reduce_range``: fbgemm keeps one bit free) and quantizes with
``round(x / scale + zero_point)`` (one fused multiply-add, as the AVX2 kernel). The
uint8 x int8 products are summed exactly in int32 and the zero point is taken out with
the weight's row sums: ``acc = q @ w.T - zero_point * w.sum(1)``. Output:
``acc * (x_scale * w_scale) + bias``, again one fused multiply-add in float32.

NumPy has no int8 matrix product; the exact integer sums run through the float32 BLAS,
which is exact while every partial sum stays below 2**24. That is decided once per
weight when it is packed (``127 * max_n sum_k |w[n, k]| < 2**24``, which typical
weights meet up to K of several thousand); otherwise a float64 product, exact to 2**53,
is used. Everything that depends on the weight only (its float32 transpose, row sums,
the bound, the float32 bias and scales) is computed at packing time by
:class:`PackedLinear`. This reproduces PyTorch's numbers and shrinks the weights 4x on
disk; it does not make inference faster than float32.

>>> import numpy as np
>>> from ember.ao.nn.quantized.dynamic.linear_kernel import quantize_weight, linear_dynamic
>>> wq, ws = quantize_weight(np.array([[1.0, -0.5]], dtype=np.float32))
>>> wq.tolist(), round(ws, 6)
([[127, -64]], 0.007843)
>>> [round(float(v), 3) for v in linear_dynamic(np.array([[2.0, 2.0]], dtype=np.float32), wq, ws, None)[0]]
[0.988]
"""
import struct

from ....._backend import np
from ....._quantized import choose_qparams

__all__ = ["PackedLinear", "quantize_weight", "quantize_weight_per_channel", "linear_dynamic",
           "linear_fp16", "round_fp16"]

_EXACT = 2 ** 24
_EPS32 = float(np.finfo(np.float32).eps)
_SMALL = float(np.float32(6.1e-5))   # choose_qparams's smallest scale
_F32 = struct.Struct("f")
_F64 = np.float64


def _f32(v):
    """``v`` (a Python float) rounded to the nearest float32, as a Python float."""
    return _F32.unpack(_F32.pack(v))[0]


def quantize_weight(w):
    """int8 values and scale of ``w`` (float32) as PyTorch's default dynamic weight
    observer (MinMax, per tensor, symmetric) and ``quantize_per_tensor`` give them.

    >>> import numpy as np
    >>> from ember.ao.nn.quantized.dynamic.linear_kernel import quantize_weight
    >>> quantize_weight(np.array([[0.5, -1.0]], dtype=np.float32))[0].tolist()
    [[64, -127]]
    """
    if w.size:
        top = np.float32(max(-min(float(w.min()), 0.0), max(float(w.max()), 0.0)))
    else:
        top = np.float32(0.0)
    scale = max(np.float32(top / np.float32(127.5)), np.float32(_EPS32))
    inv = np.float32(1.0) / np.float32(scale)
    with np.errstate(invalid="ignore"):
        q = np.clip(np.rint(w * inv), -128, 127).astype(np.int8)
    return q, float(scale)


def quantize_weight_per_channel(w):
    """int8 values and float32 per-row scales of 2-D float32 ``w`` as PyTorch's
    ``per_channel_dynamic_qconfig`` (PerChannelMinMax along axis 0, symmetric) and
    ``quantize_per_channel`` give them.

    >>> import numpy as np
    >>> from ember.ao.nn.quantized.dynamic.linear_kernel import quantize_weight_per_channel
    >>> q, s = quantize_weight_per_channel(np.array([[1.0, -0.5], [0.1, 0.2]], dtype=np.float32))
    >>> q.tolist(), s.dtype
    ([[127, -64], [64, 127]], dtype('float32'))
    """
    n = w.shape[0]
    if w.size:
        top = np.maximum(-np.minimum(w.min(axis=1), 0), np.maximum(w.max(axis=1), 0))
    else:
        top = np.zeros(n, dtype=np.float32)
    scales = np.maximum(top.astype(np.float32) / np.float32(127.5), np.float32(_EPS32))
    inv = (np.float32(1.0) / scales)[:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        q = np.clip(np.rint(w * inv), -128, 127).astype(np.int8)
    return q, scales.astype(np.float32)


class PackedLinear:
    """An int8 weight ``wq`` (out, in) ready for :meth:`__call__`: its float32 transpose,
    row sums, exactness bound, float32 ``w_scale`` (a float, or one per output row) and
    float32 ``bias`` (or None), computed once.

    >>> import numpy as np
    >>> from ember.ao.nn.quantized.dynamic.linear_kernel import PackedLinear
    >>> p = PackedLinear(np.array([[127, -64]], dtype=np.int8), 0.0078431, None)
    >>> [round(float(v), 3) for v in p(np.array([[2.0, 2.0]], dtype=np.float32))[0]]
    [0.988]
    """

    __slots__ = ("wq", "wt", "wt_aug", "wt64", "wsum", "exact32", "w_scale", "w_scales", "bias",
                 "n", "k", "qmax")

    def __init__(self, wq, w_scale, bias, reduce_range=True):
        self.wq = wq
        self.n, self.k = wq.shape
        self.wt = wq.T.astype(np.float32)
        self.wt64 = None
        wsum = wq.sum(axis=1, dtype=np.int64)
        self.wsum = wsum.astype(np.float32)
        self.qmax = 127 if reduce_range else 255
        abs_rows = np.abs(wq.astype(np.int32)).sum(axis=1, dtype=np.int64)
        self.exact32 = self.qmax * int(abs_rows.max(initial=0)) < _EXACT
        # [q, -zp] @ [[w.T], [wsum]] = (q - zp) @ w.T in one product, exact while every
        # partial sum stays below 2**24 (the extra row at most doubles the bound)
        self.wt_aug = None
        if self.qmax * int((abs_rows + np.abs(wsum)).max(initial=0)) < _EXACT:
            self.wt_aug = np.concatenate([wq, wsum[:, None]], axis=1).astype(np.float32).T
        if np.ndim(w_scale):
            self.w_scale, self.w_scales = None, np.asarray(w_scale, dtype=np.float32)
        else:
            self.w_scale, self.w_scales = _f32(float(w_scale)), None
        self.bias = None if bias is None else np.ascontiguousarray(bias, dtype=np.float32)

    def __call__(self, x2):
        """``y = dequant(quant(x2) @ wq.T) + bias`` for contiguous float32 ``x2`` (m, k)."""
        if not x2.size:
            return self._slow(x2)
        lo, hi = float(x2.min()), float(x2.max())
        qmax = self.qmax
        # choose_qparams(lo, hi, 0, qmax) for the usual case (finite, scale >= 6.1e-5)
        lo0, hi0 = (lo if lo < 0.0 else 0.0), (hi if hi > 0.0 else 0.0)
        scale = (hi0 - lo0) / qmax
        if not (_SMALL <= scale < 1e30):
            return self._slow(x2)
        a, b = lo0 / scale, hi0 / scale
        zp0 = -a if -abs(a) < qmax - abs(b) else qmax - b
        zp = 0 if zp0 < 0 else qmax if zp0 > qmax else round(zp0)
        s32 = _f32(scale)
        inv = _f32(1.0 / s32)
        # rounding is monotonic: if the extremes land inside [0, qmax], every value does
        # (decided in float64 unless an extreme sits within a quarter of the boundary)
        e_lo, e_hi = lo * inv + zp, hi * inv + zp
        clip = not (e_lo > -0.25 and e_hi < qmax + 0.25) and (
            round(_f32(e_lo)) < 0 or round(_f32(e_hi)) > qmax)
        mult = _f32(s32 * self.w_scale) if self.w_scales is None else \
            self.w_scales * np.float32(s32)
        out = np.empty((x2.shape[0], self.n), dtype=np.float32)
        self._rows(x2, out, inv, zp, clip, mult)
        return out

    def _rows(self, x2, out, inv, zp, clip, mult):
        """Quantize rows ``x2``, multiply, and write the rescaled result into ``out``."""
        # q = rint(fl32(x * inv + zp)): the product is exact in float64, the sum rounds
        # once there and once to float32 (NumPy's plain casts and in-place float64 loops
        # are faster than mixed-dtype ufunc calls)
        t = x2.astype(_F64)
        t *= inv
        t += zp
        k = self.k
        if self.wt_aug is not None:     # q in the first k columns, -zp in the last
            qa = np.empty((x2.shape[0], k + 1), dtype=np.float32)
            q = qa[:, :k]
            q[...] = t
            qa[:, k] = -zp
            np.rint(qa, out=qa)
            if clip:
                np.clip(q, 0, self.qmax, out=q)
            acc = qa @ self.wt_aug
        else:
            q = t.astype(np.float32)
            np.rint(q, out=q)
            if clip:
                np.clip(q, 0, self.qmax, out=q)
            if self.exact32:
                acc = q @ self.wt
                if zp:
                    acc -= self.wsum * zp   # exact: |zp * wsum| and |acc| stay below 2**24
            else:
                acc = self._acc64(q, zp)
        # acc * mult is exact in float64; adding the bias rounds once, the cast once more
        r = acc.astype(_F64)
        r *= mult
        if self.bias is not None:
            r += self.bias
        out[...] = r

    def _acc64(self, q, zp):
        if self.wt64 is None:
            self.wt64 = self.wt.astype(np.float64)
        acc = q.astype(np.float64) @ self.wt64
        if zp:
            acc -= self.wsum.astype(np.float64) * zp
        return acc.astype(np.float32)    # as fbgemm converts its int32 sums to float

    def _slow(self, x2):
        """Empty, non-finite or nearly constant inputs: the general choose_qparams."""
        lo, hi = (float(x2.min()), float(x2.max())) if x2.size else (0.0, 0.0)
        scale, zp = choose_qparams(lo, hi, 0, 255, self.qmax == 127)
        s32 = np.float32(scale)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            inv = np.float32(1.0) / s32
            t = np.empty(x2.shape, dtype=np.float32)
            np.add(np.multiply(x2, float(inv), dtype=_F64), zp, out=t, casting="unsafe")
            np.rint(t, out=t)
            np.clip(t, 0, self.qmax, out=t)
        t -= np.float32(zp)
        if self.exact32:
            acc = t @ self.wt
        else:
            if self.wt64 is None:
                self.wt64 = self.wt.astype(np.float64)
            acc = (t.astype(np.float64) @ self.wt64).astype(np.float32)
        if self.w_scales is None:
            mult = float(np.float32(s32 * np.float32(self.w_scale)))
        else:
            mult = self.w_scales * s32
        out = np.empty(acc.shape, dtype=np.float32)
        prod = np.multiply(acc, mult, dtype=_F64)
        if self.bias is not None:
            prod += self.bias
        out[...] = prod
        return out


def linear_dynamic(x, wq, w_scale, bias, reduce_range=True, wq_t=None):
    """``y = dequant(quant(x) @ wq.T) + bias`` as fbgemm computes it; ``x`` is float32
    with any leading dims, ``wq`` the (out, in) int8 weight, ``w_scale`` a float or one
    per output row. Modules keep a :class:`PackedLinear` instead of calling this.

    >>> import numpy as np
    >>> from ember.ao.nn.quantized.dynamic.linear_kernel import linear_dynamic
    >>> linear_dynamic(np.ones((1, 2), np.float32), np.array([[127, 127]], np.int8), 0.01, None).shape
    (1, 1)
    """
    lead = x.shape[:-1]
    x2 = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, x.shape[-1])
    return PackedLinear(wq, w_scale, bias, reduce_range)(x2).reshape(lead + (wq.shape[0],))


def linear_fp16(x, w16_t, bias):
    """The float16-weight dynamic linear: float32 activations times fp16-rounded weights.

    >>> import numpy as np
    >>> from ember.ao.nn.quantized.dynamic.linear_kernel import linear_fp16
    >>> linear_fp16(np.ones((1, 2), np.float32), np.ones((2, 3), np.float32), None).tolist()
    [[2.0, 2.0, 2.0]]
    """
    lead = x.shape[:-1]
    out = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, x.shape[-1]) @ w16_t
    if bias is not None:
        out += bias
    return out.reshape(lead + (w16_t.shape[1],))


def round_fp16(w):
    """``w`` rounded to float16 (saturating at +-65504, as fbgemm's packing), back in float32.

    >>> import numpy as np
    >>> from ember.ao.nn.quantized.dynamic.linear_kernel import round_fp16
    >>> round_fp16(np.array([1e6, 0.1], np.float32)).tolist()
    [65504.0, 0.0999755859375]
    """
    return np.clip(w, -65504.0, 65504.0).astype(np.float16).astype(np.float32)
