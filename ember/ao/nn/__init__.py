"""``torch.ao.nn``: quantized (:mod:`.quantized`), QAT (:mod:`.qat`) and fused
(:mod:`.intrinsic`) modules.

>>> ember.ao.nn.quantized.dynamic.Linear.__name__
'Linear'
"""
from . import quantized, qat, intrinsic  # noqa: F401
