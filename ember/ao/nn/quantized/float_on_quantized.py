"""``nn.ReLU``, ``nn.MaxPool2d`` and ``nn.AdaptiveAvgPool2d`` as ``convert`` places them in a
quantized model (same names and reprs). The float modules themselves take quantized tensors
too (ember's dispatch runs the quantized kernels of ``ember._quantized_dispatch``), so these
subclasses only keep the names ``convert`` has always used; their quantized outputs keep the
input's scale and zero point, as PyTorch's.

>>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 0.5]), 0.1, 20, ember.quint8)
>>> ember.ao.nn.quantized.float_on_quantized.ReLU()(q).dequantize()
tensor([0.0000, 0.5000])
"""
from .... import nn

__all__ = ["ReLU", "MaxPool2d", "AdaptiveAvgPool2d"]


class ReLU(nn.ReLU):
    """``nn.ReLU`` in a converted model (``max(q, zero_point)`` on quantized input).

    >>> ember.ao.nn.quantized.float_on_quantized.ReLU()(ember.tensor([-1.0]))
    tensor([0.])
    """

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The same ReLU."""
        return cls(mod.inplace)


class MaxPool2d(nn.MaxPool2d):
    """``nn.MaxPool2d`` in a converted model (max of the integer values on quantized input).

    >>> q = ember.quantize_per_tensor(ember.arange(4.).reshape(1, 1, 2, 2), 1.0, 0, ember.quint8)
    >>> ember.ao.nn.quantized.float_on_quantized.MaxPool2d(2)(q).int_repr()
    tensor([[[[3]]]], dtype=torch.uint8)
    """

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The same pooling."""
        return cls(mod.kernel_size, mod.stride, mod.padding, mod.dilation, mod.return_indices,
                   mod.ceil_mode)


class AdaptiveAvgPool2d(nn.AdaptiveAvgPool2d):
    """``nn.AdaptiveAvgPool2d`` in a converted model: on quantized input, per window the
    integer sum times the float32 ``1 / window size``, rounded half to even (PyTorch's
    quantized kernel); same scale and zero point.

    >>> q = ember.quantize_per_tensor(ember.tensor([[[[0.2, 0.3]]]]), 0.1, 0, ember.quint8)
    >>> ember.ao.nn.quantized.float_on_quantized.AdaptiveAvgPool2d(1)(q).int_repr()
    tensor([[[[2]]]], dtype=torch.uint8)
    """

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The same pooling."""
        return cls(mod.output_size)
