"""The integer arithmetic of statically quantized layers, as PyTorch's x86 (fbgemm) kernels
do it: quint8 activations, qint8 weights (per tensor or per output channel, symmetric),
int32 accumulation, float32 bias, then requantization to the output scale and zero point.

The integer sums ``sum((xq - x_zp) * wq)`` run as float64 products (exact: every partial
sum stays far below 2**53). Requantization, as fbgemm's ``ReQuantizeOutput`` with a float
bias: ``a = x_scale * w_scale`` (float32), ``q = rint((acc + bias / a) * (a / out_scale)) +
out_zp`` in float32, clamped to [0, 255] (to [out_zp, 255] with a fused ReLU). On random
layers tests/quantization/test_static_quant.py finds the outputs equal to PyTorch's bit for bit.

>>> import numpy as np
>>> from ember.ao.nn.quantized.static_kernels import requantize
>>> requantize(np.array([[100.0]]), 0.1, np.float32([0.01]), None, 0.05, 3, False).tolist()
[[5]]
"""
from ...._backend import np
from .... import _quantized as Q
from ...._tensor import Tensor, _wrap

__all__ = ["requantize", "linear", "conv", "add", "mul", "cat", "relu", "relu6",
           "weight_scales"]

_f32, _f64 = np.float32, np.float64


def _need_quint8(x, what):
    if not isinstance(x, Q.QTensor) or x.dtype is not Q.quint8 or \
            x.qscheme() is not Q.per_tensor_affine:
        got = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise RuntimeError(f"ember: quantized {what} expects a per-tensor quint8 input "
                           f"(quantize it first, e.g. with QuantStub), got {got}")


def weight_scales(w):
    """float32 scale per output channel of a symmetric qint8 weight (per tensor or along
    axis 0).

    >>> from ember.ao.nn.quantized.static_kernels import weight_scales
    >>> w = ember.quantize_per_tensor(ember.ones(2, 3), 0.5, 0, ember.qint8)
    >>> weight_scales(w).tolist()
    [0.5, 0.5]
    """
    n = w.shape[0]
    if w.qscheme() is Q.per_tensor_affine:
        if w._qzp != 0:
            raise NotImplementedError("ember: quantized layers with a nonzero weight zero point")
        return np.full(n, w._qscale, dtype=_f32)
    if w._qaxis != 0 or np.any(w._qzps != 0):
        raise NotImplementedError("ember: per-channel quantized weights along an axis other "
                                  "than 0 or with nonzero zero points")
    return w._qscales.astype(_f32)


def requantize(acc, x_scale, w_scales, bias, out_scale, out_zp, relu, axis=-1):
    """uint8 outputs of exact int32 sums ``acc`` (float64), fbgemm's float-bias rule;
    ``w_scales``/``bias`` run along ``axis`` of ``acc``."""
    shape = [1] * acc.ndim
    shape[axis] = -1
    a = (_f32(x_scale) * np.asarray(w_scales, _f32)).astype(_f32)
    mult = (a / _f32(out_scale)).astype(_f32).reshape(shape)
    raw = acc.astype(_f32)
    if bias is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = raw + (np.asarray(bias, _f32) / a).astype(_f32).reshape(shape)
    q = np.rint(raw * mult) + _f32(out_zp)
    return np.clip(q, out_zp if relu else 0, 255).astype(np.uint8)


def _out(q, scale, zp):
    return Q._make_per_tensor(q, Q.quint8, scale, zp)


def linear(x, w, bias, out_scale, out_zp, relu=False):
    """Quantized ``x @ w.T + bias`` (quint8 ``x`` of any leading shape, qint8 ``w``).

    >>> from ember.ao.nn.quantized.static_kernels import linear
    >>> x = ember.quantize_per_tensor(ember.ones(1, 2), 0.1, 0, ember.quint8)
    >>> w = ember.quantize_per_tensor(ember.ones(1, 2), 0.5, 0, ember.qint8)
    >>> linear(x, w, None, 0.1, 0).dequantize()
    tensor([[2.]])
    """
    _need_quint8(x, "linear")
    xi = x._data.astype(_f64) - x._qzp
    acc = xi.reshape(-1, xi.shape[-1]) @ w._data.astype(_f64).T
    b = None if bias is None else bias._data
    q = requantize(acc, x._qscale, weight_scales(w), b, out_scale, out_zp, relu)
    return _out(q.reshape(x.shape[:-1] + (w.shape[0],)), out_scale, out_zp)


def conv(x, w, bias, stride, padding, dilation, groups, out_scale, out_zp, relu=False):
    """Quantized convolution (1-, 2- or 3-D; zero padding is ``x_zp``).

    >>> from ember.ao.nn.quantized.static_kernels import conv
    >>> x = ember.quantize_per_tensor(ember.ones(1, 1, 2, 2), 0.1, 0, ember.quint8)
    >>> w = ember.quantize_per_tensor(ember.ones(1, 1, 2, 2), 0.5, 0, ember.qint8)
    >>> conv(x, w, None, (1, 1), (0, 0), (1, 1), 1, 0.1, 0).dequantize()
    tensor([[[[4.]]]])
    """
    from ....nn import functional as F
    _need_quint8(x, "conv")
    nd = w.dim() - 2
    fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    xi = _wrap(x._data.astype(_f64) - x._qzp)
    acc = fn(xi, _wrap(w._data.astype(_f64)), None, stride, padding, dilation, groups)._data
    b = None if bias is None else bias._data
    q = requantize(acc, x._qscale, weight_scales(w), b, out_scale, out_zp, relu, axis=1)
    return _out(q, out_scale, out_zp)


def _dequant32(x):
    return (x._data.astype(_f32) - _f32(x._qzp)) * _f32(x._qscale)


def _quantize(v, scale, zp):
    with np.errstate(divide="ignore"):
        inv = _f32(1) / _f32(scale)
    return _out(Q._round_affine(v.astype(_f32), inv, zp, 0, 255).astype(np.uint8), scale, zp)


def add(x, y, scale, zero_point, relu=False):
    """Quantized ``x + y`` (dequantized in float32, summed, requantized).

    >>> from ember.ao.nn.quantized.static_kernels import add
    >>> x = ember.quantize_per_tensor(ember.tensor([1.0]), 0.1, 0, ember.quint8)
    >>> add(x, x, 0.1, 0).dequantize()
    tensor([2.])
    """
    _need_quint8(x, "add")
    _need_quint8(y, "add")
    s = _dequant32(x) + _dequant32(y)
    if relu:
        s = np.maximum(s, _f32(0))
    return _quantize(s, scale, zero_point)


def mul(x, y, scale, zero_point, relu=False):
    """Quantized ``x * y``: the integer product scaled by ``x_scale * y_scale / scale``.

    >>> from ember.ao.nn.quantized.static_kernels import mul
    >>> x = ember.quantize_per_tensor(ember.tensor([2.0]), 0.1, 0, ember.quint8)
    >>> mul(x, x, 0.1, 0).dequantize()
    tensor([4.])
    """
    _need_quint8(x, "mul")
    _need_quint8(y, "mul")
    prod = (x._data.astype(np.int64) - x._qzp) * (y._data.astype(np.int64) - y._qzp)
    mult = _f32(_f32(x._qscale) * _f32(y._qscale) / _f32(scale))
    q = np.rint(prod.astype(_f32) * mult) + zero_point
    lo = zero_point if relu else 0
    return _out(np.clip(q, lo, 255).astype(np.uint8), scale, zero_point)


def cat(xs, dim, scale, zero_point):
    """Quantized concatenation: each input dequantized, joined, requantized.

    >>> from ember.ao.nn.quantized.static_kernels import cat
    >>> x = ember.quantize_per_tensor(ember.tensor([1.0]), 0.1, 0, ember.quint8)
    >>> cat([x, x], 0, 0.1, 0).dequantize()
    tensor([1., 1.])
    """
    for x in xs:
        _need_quint8(x, "cat")
    return _quantize(np.concatenate([_dequant32(x) for x in xs], axis=dim), scale, zero_point)


def relu(x):
    """Quantized ReLU: ``max(q, zero_point)``, same scale and zero point.

    >>> from ember.ao.nn.quantized.static_kernels import relu
    >>> relu(ember.quantize_per_tensor(ember.tensor([-1.0, 1.0]), 0.1, 10, ember.quint8))
    tensor([0., 1.], size=(2,), dtype=torch.quint8,
           quantization_scheme=torch.per_tensor_affine, scale=0.1, zero_point=10)
    """
    return x._like(np.maximum(x._data, np.asarray(x._qzp).astype(x._data.dtype)))


def relu6(x):
    """Quantized ReLU6: ``q`` clamped to [zero_point, quantized 6].

    >>> from ember.ao.nn.quantized.static_kernels import relu6
    >>> relu6(ember.quantize_per_tensor(ember.tensor([-1.0, 9.0]), 0.1, 0, ember.quint8))
    tensor([0., 6.], size=(2,), dtype=torch.quint8,
           quantization_scheme=torch.per_tensor_affine, scale=0.1, zero_point=0)
    """
    lo, hi = Q._RANGE[x.dtype.name]
    six = Q._round_affine(np.float32(6.0), _f32(1) / _f32(x._qscale), x._qzp, lo, hi)
    return x._like(np.clip(x._data, x._qzp, six).astype(x._data.dtype))
