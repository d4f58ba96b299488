"""Fused QAT modules (``torch.ao.nn.intrinsic.qat``): conv + batch norm (+ ReLU) trained
with the weight folded as it will be after conversion, conv + ReLU and linear + ReLU with
fake-quantized weights.

``ConvBn*`` forward, as PyTorch's: ``s = bn.weight / sqrt(bn.running_var + bn.eps)``; the
conv runs with the fake-quantized weight ``weight * s`` and no bias, its output is divided
by ``s``, the bias added and the batch norm applied (batch statistics in training, unless
``freeze_bn``).

>>> qc = ember.ao.quantization.default_qat_qconfig
>>> m = ember.ao.nn.intrinsic.qat.ConvBnReLU2d(1, 2, 3, qconfig=qc)
>>> m(ember.ones(1, 1, 4, 4)).shape
torch.Size([1, 2, 2, 2])
"""
from ..... import nn
from .....nn import functional as F
from ...qat.modules import Linear as _QATLinear, _ConvQAT
from .. import fused

__all__ = ["ConvBn1d", "ConvBn2d", "ConvBn3d", "ConvBnReLU1d", "ConvBnReLU2d", "ConvBnReLU3d",
           "ConvReLU1d", "ConvReLU2d", "ConvReLU3d", "LinearReLU", "LinearBn1d", "freeze_bn_stats",
           "update_bn_stats"]

_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
_BN = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}


class _ConvBnNd:
    """The conv + batch norm QAT body shared by ConvBn*d and ConvBnReLU*d."""

    _relu = False

    def _init(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
              bias, padding_mode, eps, momentum, freeze_bn, qconfig):
        conv = _CONV[self._nd]
        conv.__init__(self, in_channels, out_channels, kernel_size, stride=stride,
                      padding=padding, dilation=dilation, groups=groups, bias=bias,
                      padding_mode=padding_mode)
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.freeze_bn = freeze_bn if self.training else True
        self.bn = _BN[self._nd](out_channels, eps, momentum, True, True)
        self.weight_fake_quant = qconfig.weight()
        self.bn.reset_running_stats()
        nn.init.uniform_(self.bn.weight)
        nn.init.zeros_(self.bn.bias)
        if self.training and not self.freeze_bn:
            self.update_bn_stats()
        else:
            self.freeze_bn_stats()

    def update_bn_stats(self):
        """Let the batch norm use and update batch statistics in training."""
        self.freeze_bn = False
        self.bn.training = True
        return self

    def freeze_bn_stats(self):
        """Freeze the batch norm's running statistics (it normalizes with them)."""
        self.freeze_bn = True
        self.bn.training = False
        return self

    def train(self, mode=True):
        self.training = mode
        if not self.freeze_bn:
            for m in self.children():
                m.train(mode)
        return self

    def forward(self, input):
        bn = self.bn
        scale_factor = bn.weight / (bn.running_var + bn.eps).sqrt()
        nd = self.weight.dim()
        wshape, bshape = [-1] + [1] * (nd - 1), [1, -1] + [1] * (nd - 2)
        scaled_weight = self.weight_fake_quant(self.weight * scale_factor.reshape(wshape))
        zero_bias = (self.bias if self.bias is not None else scale_factor).detach() * 0
        conv = self._conv_forward(input, scaled_weight, zero_bias.to(input.dtype))
        conv_orig = conv / scale_factor.reshape(bshape)
        if self.bias is not None:
            conv_orig = conv_orig + self.bias.reshape(bshape)
        out = bn(conv_orig)
        return F.relu(out) if self._relu else out

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT module of a fused float ConvBn / ConvBnReLU (parameters shared)."""
        if type(mod) is not cls._FLOAT_MODULE:
            raise AssertionError(f"qat.{cls.__name__}.from_float only works for "
                                 f"{cls._FLOAT_MODULE.__name__}")
        qconfig = getattr(mod, "qconfig", None)
        if not qconfig:
            raise AssertionError("Input float module must have a valid qconfig")
        conv, bn = mod[0], mod[1]
        new = cls(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                  conv.padding, conv.dilation, conv.groups, conv.bias is not None,
                  conv.padding_mode, bn.eps, bn.momentum, False, qconfig)
        new.weight = conv.weight
        new.bias = conv.bias
        for name in ("weight", "bias"):
            setattr(new.bn, name, getattr(bn, name))
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            setattr(new.bn, name, getattr(bn, name))
        return new


def _conv_bn(name, nd, relu):
    base = _CONV[nd]

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=None, padding_mode="zeros", eps=1e-05, momentum=0.1,
                 freeze_bn=False, qconfig=None):
        self._init(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                   bias, padding_mode, eps, momentum, freeze_bn, qconfig)
    doc = (f"QAT conv + batch norm{' + ReLU' if relu else ''} ({nd}-D), fused.\n\n    >>> "
           f"ember.ao.nn.intrinsic.qat.{name}.__name__\n    '{name}'\n    ")
    return type(name, (_ConvBnNd, base), {
        "__init__": __init__, "_relu": relu, "_nd": nd, "__doc__": doc, "__module__": __name__,
        "_FLOAT_MODULE": getattr(fused, name), "_FLOAT_CONV_MODULE": base})


ConvBn1d = _conv_bn("ConvBn1d", 1, False)
ConvBn2d = _conv_bn("ConvBn2d", 2, False)
ConvBn3d = _conv_bn("ConvBn3d", 3, False)
ConvBnReLU1d = _conv_bn("ConvBnReLU1d", 1, True)
ConvBnReLU2d = _conv_bn("ConvBnReLU2d", 2, True)
ConvBnReLU3d = _conv_bn("ConvBnReLU3d", 3, True)


def _conv_relu(name, nd):
    from ...qat import modules as qat
    base = getattr(qat, f"Conv{nd}d")

    def forward(self, input):
        return F.relu(_ConvQAT.forward(self, input))
    doc = (f"QAT conv ({nd}-D) + ReLU with a fake-quantized weight.\n\n    >>> "
           f"ember.ao.nn.intrinsic.qat.{name}.__name__\n    '{name}'\n    ")
    return type(name, (base,), {"forward": forward, "__doc__": doc, "__module__": __name__,
                                "_FLOAT_MODULE": getattr(fused, name),
                                "from_float": classmethod(_conv_relu_from_float)})


def _conv_relu_from_float(cls, mod, use_precomputed_fake_quant=False):
    return _ConvQAT.from_float.__func__(cls, mod)


ConvReLU1d = _conv_relu("ConvReLU1d", 1)
ConvReLU2d = _conv_relu("ConvReLU2d", 2)
ConvReLU3d = _conv_relu("ConvReLU3d", 3)


class LinearReLU(_QATLinear):
    """QAT linear + ReLU with a fake-quantized weight.

    >>> lr = ember.ao.nn.intrinsic.LinearReLU(ember.nn.Linear(2, 2), ember.nn.ReLU())
    >>> lr.qconfig = ember.ao.quantization.default_qat_qconfig
    >>> type(ember.ao.nn.intrinsic.qat.LinearReLU.from_float(lr)).__name__
    'LinearReLU'
    """

    _FLOAT_MODULE = fused.LinearReLU

    def forward(self, input):
        return F.relu(F.linear(input, self.weight_fake_quant(self.weight), self.bias))

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT module of a fused float LinearReLU (parameters shared)."""
        return super().from_float(mod, use_precomputed_fake_quant)


class LinearBn1d(_ConvBnNd, nn.Linear):
    """QAT linear + BatchNorm1d: the weight scaled by ``bn.weight / sqrt(running_var +
    eps)`` is fake-quantized, the output divided back, the bias added, then the batch norm.

    >>> qc = ember.ao.quantization.default_qat_qconfig
    >>> ember.ao.nn.intrinsic.qat.LinearBn1d(3, 2, qconfig=qc)(ember.ones(4, 3)).shape
    torch.Size([4, 2])
    """

    _FLOAT_MODULE = fused.LinearBn1d

    def __init__(self, in_features, out_features, bias=True, eps=1e-05, momentum=0.1,
                 freeze_bn=False, qconfig=None):
        nn.Linear.__init__(self, in_features, out_features, bias)
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.freeze_bn = freeze_bn if self.training else True
        self.bn = nn.BatchNorm1d(out_features, eps, momentum, True, True)
        self.weight_fake_quant = qconfig.weight()
        self.bn.reset_running_stats()
        nn.init.uniform_(self.bn.weight)
        nn.init.zeros_(self.bn.bias)
        if self.training and not self.freeze_bn:
            self.update_bn_stats()
        else:
            self.freeze_bn_stats()

    def forward(self, input):
        bn = self.bn
        scale_factor = bn.weight / (bn.running_var + bn.eps).sqrt()
        scaled_weight = self.weight_fake_quant(self.weight * scale_factor.reshape(-1, 1))
        out = F.linear(input, scaled_weight) / scale_factor.reshape(1, -1)
        if self.bias is not None:
            out = out + self.bias.reshape(1, -1)
        return bn(out)

    def extra_repr(self):
        return nn.Linear.extra_repr(self)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT module of a fused float LinearBn1d (parameters shared)."""
        if type(mod) is not fused.LinearBn1d:
            raise AssertionError("qat.LinearBn1d.from_float only works for LinearBn1d")
        if not getattr(mod, "qconfig", None):
            raise AssertionError("Input float module must have a valid qconfig")
        linear, bn = mod[0], mod[1]
        new = cls(linear.in_features, linear.out_features, linear.bias is not None, bn.eps,
                  bn.momentum, False, mod.qconfig)
        new.weight, new.bias = linear.weight, linear.bias
        for name in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
            setattr(new.bn, name, getattr(bn, name))
        return new


def freeze_bn_stats(mod):
    """``mod.freeze_bn_stats()`` for the QAT conv-bn modules (use with ``model.apply``).

    >>> _ = ember.nn.Sequential().apply(ember.ao.nn.intrinsic.qat.freeze_bn_stats)
    """
    if isinstance(mod, _ConvBnNd):
        mod.freeze_bn_stats()


def update_bn_stats(mod):
    """``mod.update_bn_stats()`` for the QAT conv-bn modules (use with ``model.apply``).

    >>> _ = ember.nn.Sequential().apply(ember.ao.nn.intrinsic.qat.update_bn_stats)
    """
    if isinstance(mod, _ConvBnNd):
        mod.update_bn_stats()
