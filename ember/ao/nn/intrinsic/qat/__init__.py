"""``torch.ao.nn.intrinsic.qat``: fused modules for quantization-aware training.

>>> ember.ao.nn.intrinsic.qat.ConvBnReLU2d.__name__
'ConvBnReLU2d'
"""
from .modules import *  # noqa: F401,F403
from .modules import __all__  # noqa: F401
