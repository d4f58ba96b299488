"""``torch.cpu``: the CPU device namespace (``torch.cpu.amp`` for mixed precision).

>>> ember.cpu.amp.autocast.__name__
'autocast'
"""
from .amp.device_amp import cpu as amp  # noqa: F401  (torch.cpu.amp)
