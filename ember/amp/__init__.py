"""``torch.amp``: automatic mixed precision (``autocast`` regions and the ``GradScaler``).

>>> with ember.amp.autocast("cpu"):
...     ember.nn.functional.linear(ember.ones(1, 2), ember.ones(3, 2)).dtype
torch.bfloat16
"""
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler
from . import autocast_mode, grad_scaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
