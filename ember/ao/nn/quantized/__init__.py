"""``torch.ao.nn.quantized``: statically quantized modules (``Quantize``, ``DeQuantize``,
``Linear``, ``Conv1d/2d/3d``, ``ReLU6``, ``Dropout``, ``MaxPool2d``,
``FloatFunctional``/``QFunctional``;
arithmetic in :mod:`.static_kernels`, equal to PyTorch's x86 outputs on the tested layers)
and the dynamic ones (:mod:`.dynamic`). Other PyTorch quantized modules (BatchNorm2d,
LayerNorm, Hardswish, ELU, LeakyReLU, Embedding, ConvTranspose, ...) are not built.

>>> ember.ao.nn.quantized.dynamic.LSTM.__name__
'LSTM'
"""
from . import dynamic  # noqa: F401
from .modules import (Quantize, DeQuantize, Linear, Conv1d, Conv2d, Conv3d, ReLU6,  # noqa: F401
                      Dropout)
from .functional_modules import FloatFunctional, QFunctional  # noqa: F401
from .float_on_quantized import MaxPool2d  # noqa: F401  (torch's is nn.MaxPool2d itself)
from . import float_on_quantized  # noqa: F401

__all__ = ["Quantize", "DeQuantize", "Linear", "Conv1d", "Conv2d", "Conv3d", "ReLU6", "Dropout",
           "FloatFunctional", "QFunctional", "MaxPool2d"]
