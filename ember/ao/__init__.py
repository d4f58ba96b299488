"""``torch.ao``: quantization (:mod:`ember.ao.quantization`) and the quantized modules
(:mod:`ember.ao.nn.quantized.dynamic`).

>>> ember.ao.nn.quantized.dynamic.Linear(2, 2).weight().qscheme()
torch.per_tensor_affine
"""
from . import nn, quantization  # noqa: F401
