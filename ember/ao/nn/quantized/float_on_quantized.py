"""``nn.ReLU`` and ``nn.MaxPool2d`` that also take quantized tensors. PyTorch's float modules
run on quantized tensors through its dispatcher; ember's ops compute on plain arrays, so
``convert`` swaps these two for the subclasses below (same names and reprs, float inputs
unchanged). Their quantized outputs keep the input's scale and zero point, as PyTorch's.

>>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 0.5]), 0.1, 20, ember.quint8)
>>> ember.ao.nn.quantized.float_on_quantized.ReLU()(q).dequantize()
tensor([0.0000, 0.5000])
"""
from ...._backend import np
from .... import _quantized as Q
from .... import nn
from ...._tensor import _wrap
from ....nn import functional as F
from . import static_kernels as K

__all__ = ["ReLU", "MaxPool2d"]


class ReLU(nn.ReLU):
    """``nn.ReLU`` that also takes quantized tensors (``max(q, zero_point)``).

    >>> ember.ao.nn.quantized.float_on_quantized.ReLU()(ember.tensor([-1.0]))
    tensor([0.])
    """

    def forward(self, input):
        if isinstance(input, Q.QTensor):
            return K.relu(input)
        return super().forward(input)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The same ReLU, able to take quantized input."""
        return cls(mod.inplace)


class MaxPool2d(nn.MaxPool2d):
    """``nn.MaxPool2d`` that also takes quantized tensors (max of the integer values).

    >>> q = ember.quantize_per_tensor(ember.arange(4.).reshape(1, 1, 2, 2), 1.0, 0, ember.quint8)
    >>> ember.ao.nn.quantized.float_on_quantized.MaxPool2d(2)(q).int_repr()
    tensor([[[[3]]]], dtype=torch.uint8)
    """

    def forward(self, input):
        if isinstance(input, Q.QTensor):
            if self.return_indices:
                raise NotImplementedError("ember: quantized max_pool2d with return_indices")
            out = F.max_pool2d(_wrap(input._data.astype(np.float32)), self.kernel_size,
                               self.stride, self.padding, self.dilation, self.ceil_mode)
            return input._like(out._data.astype(input._data.dtype))
        return super().forward(input)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The same pooling, able to take quantized input."""
        return cls(mod.kernel_size, mod.stride, mod.padding, mod.dilation, mod.return_indices,
                   mod.ceil_mode)
