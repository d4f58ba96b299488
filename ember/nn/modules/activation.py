"""Activation layers.

>>> ember.nn.ReLU()(ember.tensor([-1., 1.]))
tensor([0., 1.])
"""
from .module import Module
from .. import functional as F

__all__ = ["ReLU", "Softmax", "LogSoftmax", "Softmin", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU",
           "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish",
           "Softplus", "Softsign", "Threshold", "LogSigmoid", "GLU", "Tanhshrink", "Softshrink", "Hardshrink"]


class ReLU(Module):
    """``max(x, 0)`` elementwise.

    >>> ember.nn.ReLU(inplace=True)
    ReLU(inplace=True)
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class _SoftmaxBase(Module):
    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """Softmax along ``dim``.

    >>> ember.nn.Softmax(dim=1)(ember.zeros(1, 2))
    tensor([[0.5000, 0.5000]])
    """

    _fn = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxBase):
    """Log-softmax along ``dim``.

    >>> ember.nn.LogSoftmax(dim=1)
    LogSoftmax(dim=1)
    """

    _fn = staticmethod(F.log_softmax)


class Softmin(_SoftmaxBase):
    """Softmin along ``dim``.

    >>> ember.nn.Softmin(dim=0)(ember.zeros(2))
    tensor([0.5000, 0.5000])
    """

    _fn = staticmethod(F.softmin)


def _inplace_repr(m):
    return "inplace=True" if m.inplace else ""


class LeakyReLU(Module):
    """``x`` if positive else ``negative_slope * x``.

    >>> ember.nn.LeakyReLU(0.2)
    LeakyReLU(negative_slope=0.2)
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """Leaky ReLU with a learned slope (``num_parameters`` 1 or the channel count).

    >>> list(ember.nn.PReLU(3).state_dict())
    ['weight']
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        from ..parameter import Parameter
        from ..._creation import full
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(full((num_parameters,), float(init), dtype=dtype))

    def reset_parameters(self):
        self.weight._data[...] = self.init

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomised leaky ReLU (random slopes in training).

    >>> ember.nn.RReLU()
    RReLU(lower=0.125, upper=0.3333333333333333)
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


class _AlphaAct(Module):
    _fn = None

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return type(self)._fn(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class ELU(_AlphaAct):
    """Exponential linear unit.

    >>> ember.nn.ELU()
    ELU(alpha=1.0)
    """

    _fn = staticmethod(F.elu)


class CELU(_AlphaAct):
    """Continuously differentiable ELU.

    >>> ember.nn.CELU(2.0)(ember.tensor([1.]))
    tensor([1.])
    """

    _fn = staticmethod(F.celu)


class _InplaceAct(Module):
    _fn = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, self.inplace)

    extra_repr = _inplace_repr


class SELU(_InplaceAct):
    """Scaled ELU.

    >>> ember.nn.SELU()(ember.tensor([1.]))
    tensor([1.0507])
    """

    _fn = staticmethod(F.selu)


class SiLU(_InplaceAct):
    """``x * sigmoid(x)``.

    >>> ember.nn.SiLU()(ember.tensor([0.]))
    tensor([0.])
    """

    _fn = staticmethod(F.silu)


class Mish(_InplaceAct):
    """``x * tanh(softplus(x))``.

    >>> ember.nn.Mish()(ember.tensor([0.]))
    tensor([0.])
    """

    _fn = staticmethod(F.mish)


class Hardsigmoid(_InplaceAct):
    """Piecewise-linear sigmoid.

    >>> ember.nn.Hardsigmoid()(ember.tensor([0.]))
    tensor([0.5000])
    """

    _fn = staticmethod(F.hardsigmoid)


class Hardswish(_InplaceAct):
    """``x * relu6(x + 3) / 6``.

    >>> ember.nn.Hardswish()(ember.tensor([0.]))
    tensor([0.])
    """

    _fn = staticmethod(F.hardswish)


class GELU(Module):
    """Gaussian error linear unit (exact or ``approximate='tanh'``).

    >>> ember.nn.GELU()
    GELU(approximate='none')
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class _Plain(Module):
    _fn = None

    def forward(self, input):
        return type(self)._fn(input)


class Sigmoid(_Plain):
    """Logistic sigmoid.

    >>> ember.nn.Sigmoid()(ember.tensor([0.]))
    tensor([0.5000])
    """

    _fn = staticmethod(F.sigmoid)


class Tanh(_Plain):
    """Hyperbolic tangent.

    >>> ember.nn.Tanh()(ember.tensor([0.]))
    tensor([0.])
    """

    _fn = staticmethod(F.tanh)


class Softsign(_Plain):
    """``x / (1 + |x|)``.

    >>> ember.nn.Softsign()(ember.tensor([1.]))
    tensor([0.5000])
    """

    _fn = staticmethod(F.softsign)


class LogSigmoid(_Plain):
    """``log(sigmoid(x))``.

    >>> ember.nn.LogSigmoid()(ember.tensor([0.]))
    tensor([-0.6931])
    """

    _fn = staticmethod(F.logsigmoid)


class Tanhshrink(_Plain):
    """``x - tanh(x)``.

    >>> ember.nn.Tanhshrink()(ember.tensor([0.]))
    tensor([0.])
    """

    _fn = staticmethod(F.tanhshrink)


class Hardtanh(Module):
    """Clamp to [min_val, max_val].

    >>> ember.nn.Hardtanh()
    Hardtanh(min_val=-1.0, max_val=1.0)
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        import warnings
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``.

    >>> ember.nn.ReLU6()(ember.tensor([-1., 7.]))
    tensor([0., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)   # (a Hardtanh, as in PyTorch)

    def forward(self, input):
        return F.relu6(input, self.inplace)

    extra_repr = _inplace_repr


class Softplus(Module):
    """Smooth ReLU ``log(1 + exp(beta x)) / beta``.

    >>> ember.nn.Softplus()
    Softplus(beta=1.0, threshold=20.0)
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Threshold(Module):
    """``x`` if ``x > threshold`` else ``value``.

    >>> ember.nn.Threshold(0.1, 20.)
    Threshold(threshold=0.1, value=20.0)
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """Gated linear unit over ``dim``.

    >>> ember.nn.GLU()
    GLU(dim=-1)
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class _Shrink(Module):
    _fn = None

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return type(self)._fn(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Softshrink(_Shrink):
    """Soft shrinkage.

    >>> ember.nn.Softshrink()
    Softshrink(0.5)
    """

    _fn = staticmethod(F.softshrink)


class Hardshrink(_Shrink):
    """Hard shrinkage.

    >>> ember.nn.Hardshrink()
    Hardshrink(0.5)
    """

    _fn = staticmethod(F.hardshrink)


from .attention import MultiheadAttention  # noqa: E402,F401 - PyTorch keeps it in this module


class Softmax2d(Module):
    """Softmax over the channels at every spatial position of (N, C, H, W) or (C, H, W).

    >>> ember.nn.Softmax2d()(ember.zeros(1, 2, 1, 1)).flatten()
    tensor([0.5000, 0.5000])
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


__all__ += ["Softmax2d"]
from .attention import MultiheadAttention  # noqa: E402,F401  (PyTorch's path: activation.MultiheadAttention)
