"""``torch.ao.nn``: quantized modules.

>>> ember.ao.nn.quantized.dynamic.Linear.__name__
'Linear'
"""
from . import quantized  # noqa: F401
