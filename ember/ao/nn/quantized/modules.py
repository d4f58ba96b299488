"""Statically quantized modules (``torch.ao.nn.quantized``): quint8 tensors in and out, int8
weights, the output scale and zero point fixed at conversion. Their arithmetic is
:mod:`.static_kernels` (PyTorch's x86 numbers; see there for how close). state_dict keys as
PyTorch's: ``scale``, ``zero_point``, and ``weight``/``bias`` (conv) or
``_packed_params.dtype``/``_packed_params._packed_params`` (linear).

>>> q = ember.ao.nn.quantized.Quantize(0.1, 0, ember.quint8)
>>> ember.ao.nn.quantized.DeQuantize()(q(ember.tensor([0.26])))
tensor([0.3000])
"""
from ...._backend import np
from .... import _quantized as Q
from ...._tensor import _wrap
from ....nn.modules.module import Module
from ....nn.modules.utils import _pair, _single, _triple
from .dynamic.linear import LinearPackedParams
from ._output_qparams import OutputQParams
from . import static_kernels as K

__all__ = ["Quantize", "DeQuantize", "Linear", "Conv1d", "Conv2d", "Conv3d", "ReLU6", "Dropout",
           "quantize_weight"]


def quantize_weight(float_wt, observer):
    """``float_wt`` quantized with ``observer``'s qparams (per tensor or per channel),
    as PyTorch's ``_quantize_weight``.

    >>> obs = ember.ao.quantization.default_weight_observer()
    >>> _ = obs(ember.tensor([[1.0, -0.5]]))
    >>> from ember.ao.nn.quantized.modules import quantize_weight
    >>> quantize_weight(ember.tensor([[1.0, -0.5]]), obs).int_repr()
    tensor([[127, -64]], dtype=torch.int8)
    """
    scale, zp = observer.calculate_qparams()
    scheme = observer.qscheme
    if scheme in (Q.per_tensor_affine, Q.per_tensor_symmetric):
        return Q.quantize_per_tensor(float_wt.float(), float(scale), int(zp), observer.dtype)
    if scheme in (Q.per_channel_affine, Q.per_channel_symmetric):
        return Q.quantize_per_channel(float_wt.float(), scale.double(), zp.long(),
                                      observer.ch_axis, observer.dtype)
    raise NotImplementedError(f"ember: quantized weights with qscheme {scheme}")


def _qparams(mod):
    s, z = mod.activation_post_process.calculate_qparams()
    return float(s), int(z)


class Quantize(Module):
    """Quantizes float tensors with a fixed ``scale``/``zero_point`` (buffers).

    >>> ember.ao.nn.quantized.Quantize(0.5, 2, ember.quint8)
    Quantize(scale=tensor([0.5000]), zero_point=tensor([2]), dtype=torch.quint8)
    """

    def __init__(self, scale, zero_point, dtype, factory_kwargs=None):
        super().__init__()
        self.register_buffer("scale", _wrap(np.array([scale], dtype=np.float32)))
        self.register_buffer("zero_point", _wrap(np.array([zero_point], dtype=np.int64)))
        self.dtype = Q.canonical(dtype)

    def forward(self, X):
        return Q.quantize_per_tensor(X, float(self.scale), int(self.zero_point), self.dtype)

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        """From a prepared ``QuantStub``: its observer's scale and zero point."""
        s, z = _qparams(mod)
        return Quantize(s, z, mod.activation_post_process.dtype)

    def extra_repr(self):
        return f"scale={self.scale!r}, zero_point={self.zero_point!r}, dtype={self.dtype!r}"


class DeQuantize(Module):
    """Dequantizes quantized tensors to float32.

    >>> ember.ao.nn.quantized.DeQuantize()
    DeQuantize()
    """

    def forward(self, Xq):
        return Xq.dequantize()

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        """From a ``DeQuantStub``."""
        return DeQuantize()


class _QuantizedOut(OutputQParams):
    """Output ``scale``/``zero_point`` saved as PyTorch does (0-d tensors)."""

    def __repr__(self):
        return f"{self._get_name()}({self.extra_repr()})"


class Linear(_QuantizedOut):
    """Quantized linear layer: quint8 in, qint8 weight, quint8 out.

    >>> ember.ao.nn.quantized.Linear(4, 2)
    QuantizedLinear(in_features=4, out_features=2, scale=1.0, zero_point=0, qscheme=torch.per_tensor_affine)
    """

    _relu = False
    _NAME = "QuantizedLinear"
    _version = 3

    def __init__(self, in_features, out_features, bias_=True, dtype=None):
        super().__init__()
        dtype = Q.canonical(dtype, Q.qint8)
        if dtype is not Q.qint8:
            raise RuntimeError("Unsupported dtype specified for quantized Linear!")
        self.in_features, self.out_features = in_features, out_features
        bias = _wrap(np.zeros(out_features, dtype=np.float32)) if bias_ else None
        w = Q._make_per_tensor(np.zeros((out_features, in_features), dtype=np.int8), Q.qint8,
                               1.0, 0)
        self._packed_params = LinearPackedParams(dtype)
        self._packed_params.set_weight_bias(w, bias)
        self.scale = 1.0
        self.zero_point = 0

    def _get_name(self):
        return self._NAME

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, scale="
                f"{self.scale}, zero_point={self.zero_point}, qscheme={self.weight().qscheme()}")

    def forward(self, x):
        w, b = self._packed_params._weight_bias()
        return K.linear(x, w, b, self.scale, self.zero_point, self._relu)

    def weight(self):
        """The qint8 weight."""
        return self._packed_params._weight_bias()[0]

    def bias(self):
        """The float bias (or None)."""
        return self._packed_params._weight_bias()[1]

    def set_weight_bias(self, w, b):
        """Replace weight and bias."""
        self._packed_params.set_weight_bias(w, b)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """From a prepared (observed) float or QAT linear, or a fused LinearReLU."""
        from ...nn.intrinsic import fused
        if hasattr(mod, "bn"):       # QAT LinearBn1d: fold the batch norm in first
            from ....nn.utils.fusion import fuse_linear_bn_weights
            bn = mod.bn
            mod.weight, mod.bias = fuse_linear_bn_weights(
                mod.weight, mod.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
        if hasattr(mod, "weight_fake_quant"):
            weight_post_process = mod.weight_fake_quant
        else:
            if not hasattr(mod, "qconfig"):
                raise AssertionError("Input float module must have qconfig defined")
            weight_post_process = mod.qconfig.weight()
        activation_post_process = mod.activation_post_process
        if isinstance(mod, fused.LinearReLU):
            mod = mod[0]
        if not use_precomputed_fake_quant:
            weight_post_process(mod.weight)
        if weight_post_process.dtype is not Q.qint8:
            raise AssertionError("Weight observer must have dtype torch.qint8")
        qweight = quantize_weight(mod.weight.detach().float(), weight_post_process)
        q = cls(mod.in_features, mod.out_features, dtype=weight_post_process.dtype)
        q.set_weight_bias(qweight, None if mod.bias is None else mod.bias.detach())
        s, z = activation_post_process.calculate_qparams()
        q.scale, q.zero_point = float(s), int(z)
        return q


class _ConvNd(_QuantizedOut):
    _relu = False
    _nd = 2
    _prefix = "Quantized"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        if padding_mode != "zeros":
            raise NotImplementedError(f"ember: quantized conv with padding_mode={padding_mode!r}"
                                      " (built: 'zeros')")
        if in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        tup = {1: _single, 2: _pair, 3: _triple}[self._nd]
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = tup(kernel_size), tup(stride)
        self.padding, self.dilation = tup(padding), tup(dilation)
        self.transposed, self.output_padding = False, tup(0)
        self.groups, self.padding_mode = groups, padding_mode
        shape = (out_channels, in_channels // groups) + self.kernel_size
        w = Q._make_per_tensor(np.zeros(shape, dtype=np.int8), Q.qint8, 1.0, 0)
        self.set_weight_bias(w, _wrap(np.zeros(out_channels, np.float32)) if bias else None)
        self.scale = 1.0
        self.zero_point = 0

    def _get_name(self):
        return self._prefix + type(self).__name__

    def set_weight_bias(self, w, b):
        """Replace weight and bias."""
        self._w, self._b = w, b

    def weight(self):
        """The qint8 weight."""
        return self._w

    def bias(self):
        """The float bias (or None)."""
        return self._b

    def extra_repr(self):
        nd = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}, scale={self.scale}, zero_point={self.zero_point}")
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self._b is None:
            s += ", bias=False"
        return s

    def forward(self, input):
        return K.conv(input, self._w, self._b, self.stride, self.padding, self.dilation,
                      self.groups, self.scale, self.zero_point, self._relu)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        destination[prefix + "weight"] = self._w
        destination[prefix + "bias"] = self._b
        super()._save_to_state_dict(destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        self.set_weight_bias(state_dict[prefix + "weight"], state_dict[prefix + "bias"])
        for k in ("weight", "bias"):
            state_dict.pop(prefix + k, None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """From a prepared float conv, a fused ConvReLU, or a QAT conv (ConvBn folded)."""
        from ....nn.utils.fusion import fuse_conv_bn_weights
        from ...nn.intrinsic import _FusedModule
        if hasattr(mod, "weight_fake_quant"):           # QAT module
            if hasattr(mod, "bn"):
                bn = mod.bn
                mod.weight, mod.bias = fuse_conv_bn_weights(
                    mod.weight, mod.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight,
                    bn.bias)
            weight_post_process = mod.weight_fake_quant
            activation_post_process = mod.activation_post_process
        else:
            if not hasattr(mod, "qconfig"):
                raise AssertionError("Input float module must have qconfig defined.")
            activation_post_process = mod.activation_post_process
            if isinstance(mod, _FusedModule):
                mod = mod[0]
            weight_post_process = mod.qconfig.weight()
        if not use_precomputed_fake_quant:
            weight_post_process(mod.weight)
        if weight_post_process.dtype is not Q.qint8:
            raise AssertionError("Weight observer must have a dtype of qint8")
        qweight = quantize_weight(mod.weight.detach().float(), weight_post_process)
        q = cls(mod.in_channels, mod.out_channels, mod.kernel_size, mod.stride, mod.padding,
                mod.dilation, mod.groups, mod.bias is not None, mod.padding_mode)
        q.set_weight_bias(qweight, None if mod.bias is None else mod.bias.detach())
        s, z = activation_post_process.calculate_qparams()
        q.scale, q.zero_point = float(s), int(z)
        return q


class Conv1d(_ConvNd):
    """Quantized 1-D convolution.

    >>> ember.ao.nn.quantized.Conv1d(2, 2, 3)
    QuantizedConv1d(2, 2, kernel_size=(3,), stride=(1,), scale=1.0, zero_point=0)
    """

    _nd = 1


class Conv2d(_ConvNd):
    """Quantized 2-D convolution.

    >>> ember.ao.nn.quantized.Conv2d(2, 4, 3, padding=1)
    QuantizedConv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), scale=1.0, zero_point=0, padding=(1, 1))
    """

    _nd = 2


class Conv3d(_ConvNd):
    """Quantized 3-D convolution.

    >>> ember.ao.nn.quantized.Conv3d(1, 1, 1).kernel_size
    (1, 1, 1)
    """

    _nd = 3


class ReLU6(Module):
    """ReLU6 on quantized tensors (same scale and zero point out).

    >>> ember.ao.nn.quantized.ReLU6()
    ReLU6()
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return K.relu6(input)

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        """From a float ReLU6."""
        return ReLU6(mod.inplace)


class Dropout(Module):
    """Dropout after conversion: the identity (quantized models run in eval mode).

    >>> ember.ao.nn.quantized.Dropout(0.5)
    Dropout(p=0.5, inplace=False)
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return input

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """From a float Dropout."""
        return cls(mod.p, mod.inplace)
