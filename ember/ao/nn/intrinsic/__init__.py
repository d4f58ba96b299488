"""``torch.ao.nn.intrinsic``: fused float modules (:mod:`.fused`), their QAT versions
(:mod:`.qat`) and quantized versions (:mod:`.quantized`).

>>> ember.ao.nn.intrinsic.ConvReLU2d(ember.nn.Conv2d(1, 1, 1), ember.nn.ReLU())[1]
ReLU()
"""
from .fused import *  # noqa: F401,F403
from .fused import _FusedModule  # noqa: F401
from . import qat, quantized  # noqa: F401
from .fused import __all__ as _all

__all__ = [n for n in _all if not n.startswith("_")]
