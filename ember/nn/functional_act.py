"""Activation functions of ``ember.nn.functional``, composed from differentiable ops,
with PyTorch's values and gradients at the kinks.

>>> import ember.nn.functional as F
>>> F.gelu(ember.tensor([0., 1.]))
tensor([0.0000, 0.8413])
"""
import math
import warnings

from .. import ops as _ops
from .._backend import np
from .._tensor import Tensor, _wrap
from .._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._random import rng as _rng
from ..ops.elementwise.basic_math import sigmoid as _sigmoid, tanh as _tanh, relu as _relu
from ..ops.nn.activation import prelu as _prelu
from ..ops.nn import hard_activations as _hard
from ..ops.nn import piecewise_act as _piecewise
from ..ops.nn import shrink_act as _shrink
from ..ops.nn.silu import silu as _silu_op
from ..ops.nn import exp_act as _exp_act
from ..ops.elementwise.operands import _not_impl
from ..ops.elementwise.erf_gamma import gelu_exact as _gelu_exact
from ..ops.nn.gelu import gelu as _gelu_op
from ..autograd.grad_mode import _state as _grad_state

_where = _ops.public["where"]


def _inplace(input, out, inplace):
    # (copy_ raises PyTorch's error for a leaf that requires grad, when grad mode is on)
    return input.copy_(out) if inplace else out


def _int_refuse(input, kernel):
    """PyTorch's NotImplementedError for an activation that has no integer (or bool) kernel."""
    if isinstance(input, Tensor) and input._data.dtype.kind in "biu":
        _not_impl(kernel, input._data.dtype)


def _implicit_softmax_dim(name, ndim, stacklevel):
    """PyTorch's legacy dim for ``dim=None`` (0 for 0-, 1- and 3-d input, else 1), with its warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _src(input, inplace):
    # The in-place forms compute from a copy when ``input`` is in a graph, so the values that the
    # backward of the composite saves are not the ones the final ``copy_`` overwrites.
    return input.clone() if inplace and input.requires_grad else input


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)``.

    >>> F.relu6(ember.tensor([-1., 3., 7.]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to [min_val, max_val]; the gradient is zero at and beyond the bounds.

    >>> F.hardtanh(ember.tensor([-2., 0.5, 2.]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input._rg is _QM:  # a quantized tensor: PyTorch's quantized clamp
        return _inplace(input, input.clamp(min_val, max_val), inplace)
    if input.__class__ is Tensor and _piecewise.takes(input):
        return _inplace(input, _piecewise.hardtanh(_src(input, inplace), min_val, max_val), inplace)
    inside = (input > min_val) & (input < max_val)
    out = _where(inside, input, input.detach().clamp(min_val, max_val).to(input.dtype))
    return _inplace(input, out, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    >>> F.leaky_relu(ember.tensor([-1., 2.]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::leaky_relu")
    if input._data.dtype.kind in "biu":
        _not_impl("leaky_relu_cpu", input._data.dtype)
    if input.__class__ is Tensor and _piecewise.takes(input):
        return _inplace(input, _piecewise.leaky_relu(_src(input, inplace), negative_slope), inplace)
    return _inplace(input, _where(input > 0, input, input * negative_slope), inplace)


def prelu(input, weight):
    """Leaky ReLU with a learned slope (one, or one per channel along dim 1).

    >>> F.prelu(ember.tensor([[-1., 2.]]), ember.tensor([0.25]))
    tensor([[-0.2500,  2.0000]])
    """
    return _prelu(input, weight)  # ember.prelu's rules: a 1-D input is one channel, as PyTorch


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomised leaky ReLU: a random slope in [lower, upper] when training, their mean otherwise.

    >>> F.rrelu(ember.tensor([-3., 1.]))
    tensor([-0.6875,  1.0000])
    """
    if training:
        d = input._data
        slope = _wrap(_rng(None).uniform(lower, upper, d.shape).astype(d.dtype))
    else:
        slope = (lower + upper) / 2
    return _inplace(input, _where(input > 0, input, input * slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere.

    >>> F.elu(ember.tensor([-1., 1.]))
    tensor([-0.6321,  1.0000])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::elu.out")
    x = _src(input, inplace)
    if x.__class__ is Tensor and _piecewise.takes(x):
        return _inplace(input, _exp_act.elu(x, alpha), inplace)
    _int_refuse(x, "elu_cpu")
    neg = (x.clamp(max=0.0).exp() - 1) * alpha
    return _inplace(input, _where(x > 0, x, neg), inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    >>> F.selu(ember.tensor([1.]))
    tensor([1.0507])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::elu.out")
    x = _src(input, inplace)
    if x.__class__ is Tensor and _piecewise.takes(x):
        return _inplace(input, _exp_act.elu(x, _SELU_ALPHA, _SELU_SCALE), inplace)
    _int_refuse(x, "elu_cpu")
    return _inplace(input, elu(x, _SELU_ALPHA) * _SELU_SCALE, inplace)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> F.celu(ember.tensor([-1., 1.]), alpha=2.)
    tensor([-0.7869,  1.0000])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::elu.out")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    x = _src(input, inplace)
    if x.__class__ is Tensor and _piecewise.takes(x):
        return _inplace(input, _exp_act.elu(x, alpha, 1.0, 1.0 / alpha, celu=True), inplace)
    _int_refuse(x, "elu_cpu")
    neg = ((x.clamp(max=0.0) / alpha).exp() - 1) * alpha
    return _inplace(input, _where(x > 0, x, neg), inplace)


def _gelu_tanh_np(x):
    """``x * (tanh((x + x**3 * 0.044715) * sqrt(2 / pi)) + 1) * 0.5`` on an array, in the
    composite's order (so its bits), without a node per step."""
    t, shape = x.dtype.type, x.shape
    x = x.reshape(-1)                 # (1-d: NumPy gives scalars for 0-d arrays)
    y = np.multiply(x, x)
    y *= x
    y *= t(0.044715)
    y += x
    y *= t(math.sqrt(2 / math.pi))
    np.tanh(y, out=y)
    y += t(1)
    y *= x
    y *= t(0.5)
    return y.reshape(shape)


def gelu(input, approximate="none"):
    """Gaussian error linear unit, exact (erf) or with the tanh approximation.

    >>> F.gelu(ember.tensor([1.]), approximate="tanh")
    tensor([0.8412])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::gelu")
    if approximate == "none":
        if input.__class__ is Tensor and not (input._rg and _grad_state[0]) and input._data.size >= 1 << 17 \
                and input._data.dtype in (np.float32, np.float64):   # nothing records: one fused pass
            return _wrap(_gelu_exact(input._data))
        if input.__class__ is Tensor and input._data.dtype in (np.float32, np.float64):
            return _gelu_op(input)                                   # one node, torch's backward
        _int_refuse(input, "GeluKernelImpl")
        return input * (_ops.public["erf"](input * (1 / math.sqrt(2))) + 1) * 0.5
    if approximate == "tanh":
        if input.__class__ is Tensor and not (input._rg and _grad_state[0]) \
                and input._data.dtype in (np.float32, np.float64):   # nothing records: the same ops on arrays
            return _wrap(_gelu_tanh_np(input._data))
        _int_refuse(input, "GeluKernelImpl")
        inner = (input + input * input * input * 0.044715) * math.sqrt(2 / math.pi)
        return input * (_tanh(inner) + 1) * 0.5
    raise RuntimeError(f"approximate argument must be either none or tanh.")


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (swish).

    >>> F.silu(ember.tensor([1.]))
    tensor([0.7311])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::silu.out")
    if input.__class__ is Tensor and _piecewise.takes(input):
        return _inplace(input, _silu_op(_src(input, inplace)), inplace)
    _int_refuse(input, "silu_cpu")
    x = _src(input, inplace)
    return _inplace(input, x * _sigmoid(x), inplace)


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``.

    >>> F.mish(ember.tensor([1.]))
    tensor([0.8651])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::mish.out")
    _int_refuse(input, "mish_cpu")
    x = _src(input, inplace)
    return _inplace(input, x * _tanh(softplus(x)), inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``.

    >>> F.softplus(ember.tensor([0., 30.]))
    tensor([ 0.6931, 30.0000])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::softplus.out")
    if input.__class__ is Tensor and _piecewise.takes(input):
        return _exp_act.softplus(input, beta, threshold)
    _int_refuse(input, "softplus_cpu")
    bx = input * beta
    soft = (bx.clamp(max=threshold).exp().log1p()) / beta
    return _where(bx > threshold, input, soft)


def softsign(input):
    """``x / (1 + |x|)``.

    >>> F.softsign(ember.tensor([1., -3.]))
    tensor([ 0.5000, -0.7500])
    """
    return input / (input.abs() + 1)


def hardsigmoid(input, inplace=False):
    """0 below -3, 1 above 3, ``x / 6 + 1 / 2`` between.

    >>> F.hardsigmoid(ember.tensor([-4., 0., 4.]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    if input._rg is _QM:  # a quantized tensor: a new one with fixed parameters (even in place)
        from .._quantized_dispatch import fixed_qparams
        return fixed_qparams("hardsigmoid", input)
    if _hard.fast(input):
        return _hard.hardsigmoid_nograd(input, inplace)
    if input.__class__ is Tensor and _piecewise.takes(input):
        return _inplace(input, _piecewise.hardsigmoid(_src(input, inplace)), inplace)
    _int_refuse(input, "hardsigmoid_cpu")
    inside = (input > -3) & (input < 3)
    out = _where(inside, input / 6 + 0.5, (input.detach() >= 3).to(input.dtype))
    return _inplace(input, out, inplace)


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``.

    >>> F.hardswish(ember.tensor([-4., 1., 4.]))
    tensor([-0.0000,  0.6667,  4.0000])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::hardswish")
    if _hard.fast(input):
        return _hard.hardswish_nograd(input, inplace)
    if input.__class__ is Tensor and _piecewise.takes(input):
        return _inplace(input, _piecewise.hardswish(_src(input, inplace)), inplace)
    _int_refuse(input, "hardswish_cpu")
    x = _src(input, inplace)
    mid = x * (x + 3) / 6
    out = _where(x <= -3, x * 0, _where(x < 3, mid, x))
    return _inplace(input, out, inplace)


def logsigmoid(input):
    """``log(sigmoid(x))``, computed stably.

    >>> F.logsigmoid(ember.tensor([0.]))
    tensor([-0.6931])
    """
    _int_refuse(input, "log_sigmoid_cpu")
    neg = input - input.clamp(max=0.0).exp().log1p()         # x < 0
    pos = -(-input.clamp(min=0.0)).exp().log1p()              # x >= 0
    return _where(input < 0, neg, pos)


def tanhshrink(input):
    """``x - tanh(x)``.

    >>> F.tanhshrink(ember.tensor([0.]))
    tensor([0.])
    """
    return input - _tanh(input)


def softshrink(input, lambd=0.5):
    """Shrink towards zero by ``lambd``; zero inside [-lambd, lambd].

    >>> F.softshrink(ember.tensor([-1., 0.2, 1.]))
    tensor([-0.5000,  0.0000,  0.5000])
    """
    if isinstance(input, Tensor) and _shrink.takes(input):
        return _shrink.softshrink(input, lambd)
    _int_refuse(input, "softshrink_check")
    return _where(input > lambd, input - lambd, _where(input < -lambd, input + lambd, input * 0))


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0.

    >>> F.hardshrink(ember.tensor([-1., 0.2, 1.]))
    tensor([-1.,  0.,  1.])
    """
    if isinstance(input, Tensor) and _shrink.takes(input):
        return _shrink.hardshrink(input, lambd)
    _int_refuse(input, "hardshrink_cpu")
    return _where((input > lambd) | (input < -lambd), input, input * 0)


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, else ``value``.

    >>> F.threshold(ember.tensor([0.5, 2.]), 1., -1.)
    tensor([-1.,  2.])
    """
    if input._rg is _QM:  # (no quantized kernel in ember)
        raise _q_refuse("aten::threshold.out")
    return _inplace(input, _where(input > threshold, input, value), inplace)


def glu(input, dim=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``dim``.

    >>> F.glu(ember.tensor([1., 0.]))
    tensor([0.5000])
    """
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.dim()} is size "
                           f"{input.shape[dim]}")
    a, b = input.chunk(2, dim)
    return a * _sigmoid(b)


def sigmoid(input):
    """Logistic sigmoid.

    >>> F.sigmoid(ember.tensor([0.]))
    tensor([0.5000])
    """
    return _sigmoid(input)


def tanh(input):
    """Hyperbolic tangent.

    >>> F.tanh(ember.tensor([0.]))
    tensor([0.])
    """
    return _tanh(input)
