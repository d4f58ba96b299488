"""``torch.quantization``: the older name of :mod:`ember.ao.quantization`.

>>> ember.quantization.quantize_dynamic is ember.ao.quantization.quantize_dynamic
True
"""
from ..ao.quantization import *  # noqa: F401,F403
from ..ao.quantization import __all__  # noqa: F401
