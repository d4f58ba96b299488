"""The arithmetic of PyTorch's dynamically quantized linear layer on x86 (fbgemm),
reproduced bit for bit on NumPy.

Weights: int8, symmetric per tensor (``scale = max|w| / 127.5``, zero point 0).
Activations: each call picks ``(scale, zero_point)`` from the input's own min and max
over ``[0, 127]`` (``reduce_range``: fbgemm keeps one bit free), quantizes with
``round(x / scale + zero_point)`` (one fused multiply-add, as the AVX2 kernel), and the
int8 x uint8 products are summed exactly in int32. Output:
``acc * (x_scale * w_scale) + bias``, again one fused multiply-add in float32.

NumPy has no int8 matrix product; the exact integer sums run through the float32 BLAS,
which is exact while every partial sum stays below 2**24 (checked per call: otherwise a
float64 product, exact to 2**53, is used). This reproduces PyTorch's numbers and
shrinks the weights 4x on disk; it does not make inference faster than float32.

>>> import numpy as np
>>> from ember.ao.nn.quantized.dynamic.linear_kernel import quantize_weight, linear_dynamic
>>> wq, ws = quantize_weight(np.array([[1.0, -0.5]], dtype=np.float32))
>>> wq.tolist(), round(ws, 6)
([[127, -64]], 0.007843)
>>> [round(float(v), 3) for v in linear_dynamic(np.array([[2.0, 2.0]], dtype=np.float32), wq, ws, None)[0]]
[0.988]
"""
from ....._backend import np
from ....._quantized import choose_qparams

_EXACT = float(2 ** 24)
_EPS32 = float(np.finfo(np.float32).eps)


def quantize_weight(w):
    """int8 values and scale of ``w`` (float32) as PyTorch's default dynamic weight
    observer (MinMax, per tensor, symmetric) and ``quantize_per_tensor`` give them."""
    if w.size:
        top = np.float32(max(-min(float(w.min()), 0.0), max(float(w.max()), 0.0)))
    else:
        top = np.float32(0.0)
    scale = max(np.float32(top / np.float32(127.5)), np.float32(_EPS32))
    inv = np.float32(1.0) / np.float32(scale)
    with np.errstate(invalid="ignore"):
        q = np.clip(np.rint(w * inv), -128, 127).astype(np.int8)
    return q, float(scale)


def quantize_input(x, reduce_range=True):
    """``(x_q - zero_point)`` as float32 (exact small integers) and the chosen scale."""
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    scale, zp = choose_qparams(lo, hi, 0, 255, reduce_range)
    qmax = 127 if reduce_range else 255
    inv = np.float32(1.0) / np.float32(scale)
    t64 = np.multiply(x, float(inv), dtype=np.float64)   # x * inv exactly, then one rounding
    t = np.empty(x.shape, dtype=np.float32)
    np.add(t64, zp, out=t, casting="unsafe")
    np.rint(t, out=t)
    t -= np.float32(zp)
    # rounding is monotonic: if the extremes land inside [0, qmax], every value does
    ends = np.rint((np.array([lo, hi], dtype=np.float32).astype(np.float64) * float(inv) + zp)
                   .astype(np.float32))
    if ends[0] < 0 or ends[1] > qmax:
        np.clip(t, -zp, qmax - zp, out=t)
    return t, float(np.float32(scale)), qmax - zp, zp


def int_matmul(a, wq_f32_t, a_absmax, w_absmax):
    """Exact ``a @ w.T`` for integer-valued float32 ``a`` and ``w`` (given as ``w.T``)."""
    k = a.shape[-1]
    if k * a_absmax * w_absmax < _EXACT:
        return a @ wq_f32_t
    return (a.astype(np.float64) @ wq_f32_t.astype(np.float64)).astype(np.float32)


def linear_dynamic(x, wq, w_scale, bias, reduce_range=True, wq_t=None):
    """``y = dequant(quant(x) @ wq.T) + bias`` as fbgemm computes it; ``x`` is float32
    with any leading dims, ``wq`` the (out, in) int8 weight, ``wq_t`` optionally its
    float32 transpose (cached by the module)."""
    lead = x.shape[:-1]
    x2 = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, x.shape[-1])
    a, x_scale, _, zp = quantize_input(x2, reduce_range)
    if wq_t is None:
        wq_t = wq.T.astype(np.float32)
    a_max = max(zp, (127 if reduce_range else 255) - zp)
    acc = int_matmul(a, wq_t, a_max, 128)
    mult = float(np.float32(np.float32(x_scale) * np.float32(w_scale)))
    if bias is None:
        out = np.multiply(acc, mult, dtype=np.float64).astype(np.float32)
    else:
        out = np.empty(acc.shape, dtype=np.float32)
        np.add(np.multiply(acc, mult, dtype=np.float64), bias, out=out, casting="unsafe")
    return out.reshape(lead + (wq.shape[0],))


def linear_fp16(x, w16_t, bias):
    """The float16-weight dynamic linear: float32 activations times fp16-rounded weights."""
    lead = x.shape[:-1]
    out = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, x.shape[-1]) @ w16_t
    if bias is not None:
        out += bias
    return out.reshape(lead + (w16_t.shape[1],))


def round_fp16(w):
    """``w`` rounded to float16 (saturating at +-65504, as fbgemm's packing), back in float32."""
    return np.clip(w, -65504.0, 65504.0).astype(np.float16).astype(np.float32)
