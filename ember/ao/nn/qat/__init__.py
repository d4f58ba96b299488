"""``torch.ao.nn.qat``: modules for quantization-aware training (fake-quantized weights).

>>> ember.ao.nn.qat.Conv2d.__mro__[2].__name__
'Conv2d'
"""
from .modules import Linear, Conv1d, Conv2d, Conv3d  # noqa: F401

__all__ = ["Linear", "Conv1d", "Conv2d", "Conv3d"]
