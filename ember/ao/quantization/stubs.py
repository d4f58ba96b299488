"""``QuantStub``/``DeQuantStub``/``QuantWrapper``: where a float model's tensors are to be
quantized and dequantized; ``convert`` replaces them with ``Quantize``/``DeQuantize``.

>>> w = ember.ao.quantization.QuantWrapper(ember.nn.Linear(2, 2))
>>> w(ember.ones(1, 2)).shape
torch.Size([1, 2])
"""
from ...nn.modules.module import Module

__all__ = ["QuantStub", "DeQuantStub", "QuantWrapper"]


class QuantStub(Module):
    """Identity before calibration; becomes ``Quantize`` (observed scale and zero point)
    after ``convert``.

    >>> ember.ao.quantization.QuantStub()(ember.ones(2))
    tensor([1., 1.])
    """

    def __init__(self, qconfig=None):
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x):
        return x


class DeQuantStub(Module):
    """Identity before calibration; becomes ``DeQuantize`` after ``convert``.

    >>> ember.ao.quantization.DeQuantStub()(ember.ones(2))
    tensor([1., 1.])
    """

    def __init__(self, qconfig=None):
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x):
        return x


class QuantWrapper(Module):
    """``module`` between a ``QuantStub`` and a ``DeQuantStub`` (its qconfig, if any,
    given to both).

    >>> ember.ao.quantization.QuantWrapper(ember.nn.ReLU())
    QuantWrapper(
      (quant): QuantStub()
      (dequant): DeQuantStub()
      (module): ReLU()
    )
    """

    def __init__(self, module):
        super().__init__()
        qconfig = getattr(module, "qconfig", None)
        self.add_module("quant", QuantStub(qconfig))
        self.add_module("dequant", DeQuantStub(qconfig))
        self.add_module("module", module)
        self.train(module.training)

    def forward(self, X):
        return self.dequant(self.module(self.quant(X)))
