"""Fake quantization (``torch.fake_quantize_per_tensor_affine`` and
``torch.fake_quantize_per_channel_affine``): round a float tensor to the grid a quantized
tensor would hold and map it back to float, in one node, as quantization-aware training does.

Forward (PyTorch's x86 kernels, bit for bit on the cases tests/quantization/test_fake_quantize.py
draws): ``q = rint(x * (1 / scale)) + zero_point`` (``1 / scale`` in float32; the product in
float64 for float64 input, else in float32), ``out = (clamp(q, quant_min, quant_max) -
zero_point) * scale``. Backward is the straight-through estimator: the gradient passes where
``q`` lies in ``[quant_min, quant_max]`` and is zero elsewhere (scale and zero point get none).

>>> ember.fake_quantize_per_tensor_affine(ember.tensor([0.26, -1.0, 9.0]), 0.1, 0, -128, 127)
tensor([ 0.3000, -1.0000,  9.0000])
"""
from .._util import np, D, Tensor, _wrap, Op, apply_op
from .._util import _TORCH_NAMES
from ..._tensor import _dim_msg

__all__ = ["fake_quantize_per_tensor_affine", "fake_quantize_per_channel_affine"]

_f32, _f64 = np.float32, np.float64


def _check_range(qmin, qmax):
    if qmin > qmax:
        raise RuntimeError("`quant_min` should be less than or         equal to `quant_max`.")


def _float_kind(x, kernel):
    if x.dtype.kind not in "fV" and x.dtype.name != "bfloat16":
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{_TORCH_NAMES[D.NP2DT[x.dtype].name]}'")


def _round(x, inv, zp):
    """``rint(x * inv) + zp`` as float64 (the product in float64 for float64 ``x``, else in
    float32, half and bfloat16 upcast first)."""
    xf = x if x.dtype == _f64 else x.astype(_f32, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.rint(xf * inv).astype(_f64) + zp


class _FakeQuantizeBase(Op):
    @staticmethod
    def backward(ctx, g):
        return g * _wrap(ctx.mask)


class FakeQuantizePerTensorAffineCachemask(_FakeQuantizeBase):
    _name = "FakeQuantizePerTensorAffineCachemaskBackward0"

    @staticmethod
    def forward(ctx, x, scale, zp, qmin, qmax):
        inv = _f32(1) / _f32(scale) if scale else _f32(np.inf)
        q = _round(x, inv, zp)
        ctx.mask = (q >= qmin) & (q <= qmax)
        out = (np.clip(q, qmin, qmax) - zp).astype(_f32) * _f32(scale)
        return out.astype(x.dtype, copy=False)


class FakeQuantizePerTensorAffineCachemaskTensorQparams(FakeQuantizePerTensorAffineCachemask):
    _name = "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0"


def _qparam_scalar(t):
    n = t._data.size
    if n != 1:
        raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
    return t._data.reshape(()).item()


def fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
    """``(clamp(rint(x / scale) + zero_point, quant_min, quant_max) - zero_point) * scale``
    with the straight-through gradient; ``scale``/``zero_point`` are Python numbers or
    one-element tensors.

    >>> x = ember.tensor([0.04, 0.5, 3.0], requires_grad=True)
    >>> y = ember.fake_quantize_per_tensor_affine(x, 0.1, 0, 0, 10)
    >>> y
    tensor([0.0000, 0.5000, 1.0000], grad_fn=<FakeQuantizePerTensorAffineCachemaskBackward0>)
    >>> y.sum().backward(); x.grad
    tensor([1., 1., 0.])
    """
    if isinstance(scale, Tensor) or isinstance(zero_point, Tensor):
        if not (isinstance(scale, Tensor) and isinstance(zero_point, Tensor)):
            raise TypeError("fake_quantize_per_tensor_affine() received an invalid combination of "
                            "arguments: scale and zero_point must both be Tensors or both numbers")
        if scale.requires_grad or zero_point.requires_grad:
            arg = "scale" if scale.requires_grad else "zero_point"
            raise RuntimeError("The function '_fake_quantize_per_tensor_affine_cachemask_tensor_"
                               f"qparams' is not differentiable with respect to argument '{arg}'. "
                               "This input cannot have requires_grad True.")
        _check_range(quant_min, quant_max)
        s, z = float(_f32(_qparam_scalar(scale))), int(_qparam_scalar(zero_point))
        _float_kind(input._data, "fake_quantize_tensor_cachemask_kernel_type_handling")
        return apply_op(FakeQuantizePerTensorAffineCachemaskTensorQparams, (input,), s, z,
                        int(quant_min), int(quant_max))
    if isinstance(zero_point, float):
        raise TypeError("fake_quantize_per_tensor_affine(): argument 'zero_point' must be int, "
                        f"not {type(zero_point).__name__}")
    _check_range(quant_min, quant_max)
    if not quant_min <= zero_point <= quant_max:
        raise RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")
    _float_kind(input._data, "fake_quantize_tensor_cachemask_kernel_type_handling")
    return apply_op(FakeQuantizePerTensorAffineCachemask, (input,), float(scale), int(zero_point),
                    int(quant_min), int(quant_max))


class FakeQuantizePerChannelAffineCachemask(_FakeQuantizeBase):
    _name = "FakeQuantizePerChannelAffineCachemaskBackward0"

    @staticmethod
    def forward(ctx, x, scale, zp, axis, qmin, qmax):
        shape = [1] * x.ndim
        shape[axis] = -1
        s = scale.astype(_f32).reshape(shape)
        with np.errstate(divide="ignore"):
            inv = _f32(1) / s
        if zp.dtype.kind == "f":  # float zero points (float-qparams): rounded after the shift
            z = zp.astype(_f32).reshape(shape)
            xf = x.astype(_f32, copy=False)
            with np.errstate(over="ignore", invalid="ignore"):
                q = np.rint(xf * inv + z)
            ctx.mask = (q >= qmin) & (q <= qmax)
            out = ((np.clip(q, qmin, qmax).astype(_f64) - z) * s.astype(_f64)).astype(_f32)
        else:
            z = zp.astype(_f64).reshape(shape)
            q = _round(x, inv, z)
            ctx.mask = (q >= qmin) & (q <= qmax)
            if x.dtype == _f64:
                out = (np.clip(q, qmin, qmax) - z) * s.astype(_f64)
            else:
                out = (np.clip(q, qmin, qmax) - z).astype(_f32) * s
        return out.astype(x.dtype, copy=False)


def fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
    """Fake quantization with one ``scale``/``zero_point`` per slice along ``axis`` (1-D
    tensors: float32 or bfloat16 scales; int32, float or half zero points), straight-through
    gradient.

    >>> x = ember.tensor([[0.26, 0.26], [4.0, -1.0]])
    >>> ember.fake_quantize_per_channel_affine(x, ember.tensor([0.1, 1.0]),
    ...     ember.tensor([0, 1], dtype=ember.int32), 0, 0, 255)
    tensor([[ 0.3000,  0.3000],
            [ 4.0000, -1.0000]])
    """
    if scale.requires_grad or zero_point.requires_grad:
        arg = "scale" if scale.requires_grad else "zero_point"
        raise RuntimeError("The function 'fake_quantize_per_channel_affine_cachemask' is not "
                           f"differentiable with respect to argument '{arg}'. This input cannot "
                           "have requires_grad True.")
    x, s, z = input._data, scale._data, zero_point._data
    _check_range(quant_min, quant_max)
    if s.ndim != 1:
        raise RuntimeError("scale should be a 1-D tensor")
    if z.ndim != 1:
        raise RuntimeError("zero point should be a 1-D tensor")
    if s.size != z.size:
        raise RuntimeError("scale and zero-point need to have the same dimensions")
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {axis} but tensor has no dimensions")
    if not -x.ndim <= axis < x.ndim:
        raise IndexError(_dim_msg(axis, x.ndim))
    if s.size != x.shape[axis]:
        raise RuntimeError("dimensions of scale and zero-point are not consistent with input tensor")
    if (z < quant_min).any() or (z > quant_max).any():
        raise RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")
    if axis < 0:
        raise RuntimeError("`axis` must be between 0 and number of dimensions of input")
    if z.dtype not in (np.int32, np.float32, np.float16):
        raise RuntimeError("Zero-point must be Int32, Float or Half, found "
                           f"{_TORCH_NAMES[D.NP2DT[z.dtype].name]}")
    if s.dtype != np.float32 and s.dtype.name != "bfloat16":
        raise RuntimeError("Scale must be Float or BFloat16, found "
                           f"{_TORCH_NAMES[D.NP2DT[s.dtype].name]}")
    _float_kind(x, "fake_quantize_channel_cachemask_cpu_type_handling")
    return apply_op(FakeQuantizePerChannelAffineCachemask, (input,), s, z, int(axis),
                    int(quant_min), int(quant_max))


class FusedMovingAvgObsFqHelper(FakeQuantizePerTensorAffineCachemask):
    """The fake quantization node of ``FusedMovingAvgObsFakeQuantize`` (per tensor)."""


class FusedMovingAvgObsFqHelperPerChannel(FakeQuantizePerChannelAffineCachemask):
    """The fake quantization node of ``FusedMovingAvgObsFakeQuantize`` (per channel)."""

    _name = "FusedMovingAvgObsFqHelperBackward0"


class FusedMovingAvgObsFqHelperPassThrough(_FakeQuantizeBase):
    """The fused node with fake quantization switched off: values and gradients pass."""

    _name = "FusedMovingAvgObsFqHelperBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.mask = np.ones(x.shape, dtype=bool)
        return x.copy()
