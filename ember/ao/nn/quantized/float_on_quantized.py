"""``nn.ReLU``, ``nn.MaxPool2d`` and ``nn.AdaptiveAvgPool2d`` that also take quantized tensors. PyTorch's float modules
run on quantized tensors through its dispatcher; ember's ops compute on plain arrays, so
``convert`` swaps these for the subclasses below (same names and reprs, float inputs
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

__all__ = ["ReLU", "MaxPool2d", "AdaptiveAvgPool2d"]


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


class AdaptiveAvgPool2d(nn.AdaptiveAvgPool2d):
    """``nn.AdaptiveAvgPool2d`` that also takes quantized tensors: per window, the integer
    sum times the float32 ``1 / window size``, rounded half to even (PyTorch's quantized
    kernel); same scale and zero point.

    >>> q = ember.quantize_per_tensor(ember.tensor([[[[0.2, 0.3]]]]), 0.1, 0, ember.quint8)
    >>> ember.ao.nn.quantized.float_on_quantized.AdaptiveAvgPool2d(1)(q).int_repr()
    tensor([[[[2]]]], dtype=torch.uint8)
    """

    def forward(self, input):
        if isinstance(input, Q.QTensor):
            return input._like(_adaptive_avg(input._data, self.output_size))
        return super().forward(input)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The same pooling, able to take quantized input."""
        return cls(mod.output_size)


def _windows(n_in, n_out):
    return [(i * n_in // n_out, -(-(i + 1) * n_in // n_out)) for i in range(n_out)]


def _adaptive_avg(q, output_size):
    h, w = q.shape[-2:]
    oh, ow = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    oh, ow = oh or h, ow or w
    out = np.empty(q.shape[:-2] + (oh, ow), dtype=q.dtype)
    lo, hi = (-128, 127) if q.dtype == np.int8 else (0, 255)
    for i, (h0, h1) in enumerate(_windows(h, oh)):
        for j, (w0, w1) in enumerate(_windows(w, ow)):
            size = (h1 - h0) * (w1 - w0)
            acc = q[..., h0:h1, w0:w1].astype(np.int64).sum(axis=(-2, -1))
            v = np.rint(acc.astype(np.float32) * np.float32(1.0 / size))
            out[..., i, j] = np.clip(v, lo, hi)
    return out
