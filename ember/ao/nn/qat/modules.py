"""QAT modules (``torch.ao.nn.qat``): ``Linear`` and ``Conv1d/2d/3d`` whose forward
fake-quantizes the weight with ``weight_fake_quant`` (built from ``qconfig.weight``); the
float module's parameters are shared, not copied, by ``from_float``.

>>> qc = ember.ao.quantization.default_qat_qconfig
>>> m = ember.ao.nn.qat.Linear(3, 2, qconfig=qc)
>>> m(ember.ones(1, 3)).shape, type(m.weight_fake_quant).__name__
(torch.Size([1, 2]), 'FakeQuantize')
"""
from .... import nn
from ....nn import functional as F

__all__ = ["Linear", "Conv1d", "Conv2d", "Conv3d"]


def _check_float(cls, mod, expected):
    if type(mod) not in expected:
        raise AssertionError(f" qat.{cls.__name__}.from_float only works for "
                             f"{expected[0].__name__}")
    if getattr(mod, "qconfig", None) is None:
        raise AssertionError("Input float module must have qconfig defined")


class Linear(nn.Linear):
    """``nn.Linear`` with a fake-quantized weight.

    >>> lin = ember.nn.Linear(2, 2); lin.qconfig = ember.ao.quantization.default_qat_qconfig
    >>> ember.ao.nn.qat.Linear.from_float(lin).weight is lin.weight
    True
    """

    _FLOAT_MODULE = nn.Linear

    def __init__(self, in_features, out_features, bias=True, qconfig=None, device=None,
                 dtype=None):
        super().__init__(in_features, out_features, bias, device, dtype)
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight()

    def forward(self, input):
        return F.linear(input, self.weight_fake_quant(self.weight), self.bias)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT twin of float ``mod`` (a Linear or a fused LinearReLU's linear)."""
        from ..intrinsic.fused import LinearReLU
        _check_float(cls, mod, (cls._FLOAT_MODULE, LinearReLU) if cls is Linear else
                     (cls._FLOAT_MODULE,))
        qconfig = mod.qconfig
        if isinstance(mod, LinearReLU):
            mod = mod[0]
        new = cls(mod.in_features, mod.out_features, bias=mod.bias is not None, qconfig=qconfig)
        new.weight = mod.weight
        new.bias = mod.bias
        return new

    def to_float(self):
        """A float ``nn.Linear`` with this module's parameters."""
        lin = nn.Linear(self.in_features, self.out_features, self.bias is not None)
        lin.weight = nn.Parameter(self.weight.detach())
        if self.bias is not None:
            lin.bias = nn.Parameter(self.bias.detach())
        lin.train(self.training)
        return lin


class _ConvQAT:
    """The QAT conv body shared by Conv1d/2d/3d."""

    def _init_qat(self, qconfig):
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight()

    def forward(self, input):
        return self._conv_forward(input, self.weight_fake_quant(self.weight), self.bias)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT twin of float ``mod`` (a conv, or a fused ConvReLU's conv)."""
        from ..intrinsic import fused
        relu = {1: fused.ConvReLU1d, 2: fused.ConvReLU2d, 3: fused.ConvReLU3d}[cls._nd]
        if type(mod) is relu:
            qconfig = getattr(mod, "qconfig", None)
            if qconfig is None:
                raise AssertionError("Input float module must have qconfig defined")
            mod = mod[0]
        else:
            _check_float(cls, mod, (cls._FLOAT_MODULE,))
            qconfig = mod.qconfig
        new = cls(mod.in_channels, mod.out_channels, mod.kernel_size, stride=mod.stride,
                  padding=mod.padding, dilation=mod.dilation, groups=mod.groups,
                  bias=mod.bias is not None, padding_mode=mod.padding_mode, qconfig=qconfig)
        new.weight = mod.weight
        new.bias = mod.bias
        return new

    def to_float(self):
        """A float conv with this module's parameters."""
        conv = self._FLOAT_MODULE(self.in_channels, self.out_channels, self.kernel_size,
                                  self.stride, self.padding, self.dilation, self.groups,
                                  self.bias is not None, self.padding_mode)
        conv.weight = nn.Parameter(self.weight.detach())
        if self.bias is not None:
            conv.bias = nn.Parameter(self.bias.detach())
        conv.train(self.training)
        return conv


def _conv_qat(name, base):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", qconfig=None, device=None,
                 dtype=None):
        base.__init__(self, in_channels, out_channels, kernel_size, stride=stride,
                      padding=padding, dilation=dilation, groups=groups, bias=bias,
                      padding_mode=padding_mode, device=device, dtype=dtype)
        self._init_qat(qconfig)
    doc = (f"``nn.{name}`` with a fake-quantized weight (QAT).\n\n    >>> ember.ao.nn.qat."
           f"{name}.__name__\n    '{name}'\n    ")
    return type(name, (_ConvQAT, base), {"__init__": __init__, "_FLOAT_MODULE": base,
                                         "__doc__": doc, "__module__": __name__})


Conv1d = _conv_qat("Conv1d", nn.Conv1d)
Conv2d = _conv_qat("Conv2d", nn.Conv2d)
Conv3d = _conv_qat("Conv3d", nn.Conv3d)
