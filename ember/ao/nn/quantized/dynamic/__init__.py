"""``torch.ao.nn.quantized.dynamic``: layers with int8 or float16 weights whose float
inputs are quantized on every call.

>>> ember.ao.nn.quantized.dynamic.Linear(3, 2, dtype=ember.float16)
DynamicQuantizedLinear(in_features=3, out_features=2, dtype=torch.float16)
"""
from .linear import Linear, LinearPackedParams  # noqa: F401
from .rnn import LSTM, GRU, LSTMCell, GRUCell, RNNCell, PackedParameter  # noqa: F401

__all__ = ["Linear", "LSTM", "GRU", "LSTMCell", "GRUCell", "RNNCell"]
