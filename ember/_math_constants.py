"""The numbers PyTorch exposes at the top level: ``e``, ``pi``, ``inf``, ``nan`` and
``newaxis`` (None, for indexing), as Python values.

>>> ember.pi, ember.inf, ember.zeros(2)[ember.newaxis].shape
(3.141592653589793, inf, torch.Size([1, 2]))
"""
import math

__all__ = ["e", "pi", "inf", "nan", "newaxis"]

e = math.e
pi = math.pi
inf = math.inf
nan = math.nan
newaxis = None
