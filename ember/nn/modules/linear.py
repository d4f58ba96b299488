"""Identity, Linear and Bilinear layers.

>>> m = ember.nn.Linear(20, 30)
>>> m(ember.randn(128, 20)).shape
torch.Size([128, 30])
"""
import math

from .module import Module
from ..parameter import Parameter, UninitializedParameter
from .. import functional as F, init
from ..._creation import empty
from ...autograd.grad_mode import no_grad
from .lazy import LazyModuleMixin

__all__ = ["Identity", "Linear"]  # NonDynamicallyQuantizableLinear stays here, as in PyTorch


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored).

    >>> ember.nn.Identity(54, unused="x")(ember.ones(2))
    tensor([1., 1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """``y = x A^T + b``; weight ``(out_features, in_features)``, both initialised from
    U(-1/sqrt(in_features), 1/sqrt(in_features)) as in PyTorch.

    >>> ember.nn.Linear(3, 2, bias=False)
    Linear(in_features=3, out_features=2, bias=False)
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """A ``Linear`` (the out-projection of ``MultiheadAttention``; the name keeps PyTorch's).

    >>> ember.nn.modules.linear.NonDynamicallyQuantizableLinear(2, 3).weight.shape
    torch.Size([3, 2])
    """


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is taken from the first input; it then becomes a ``Linear``.

    >>> m = ember.nn.LazyLinear(2); m
    LazyLinear(in_features=0, out_features=2, bias=True)
    >>> m(ember.ones(1, 5)).shape, type(m).__name__
    (torch.Size([1, 2]), 'Linear')
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # materialised by load_state_dict
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


__all__ += ["LazyLinear"]


class Bilinear(Module):
    """``y = x1^T A x2 + b``.

    >>> ember.nn.Bilinear(2, 3, 4)
    Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
