"""``torch.ao.nn.quantized``: ember builds the dynamic modules (:mod:`.dynamic`) only.

>>> ember.ao.nn.quantized.dynamic.LSTM.__name__
'LSTM'
"""
from . import dynamic  # noqa: F401
