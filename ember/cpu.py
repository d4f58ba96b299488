"""``torch.cpu``: the CPU device namespace (``torch.cpu.amp`` for mixed precision).

>>> ember.cpu.amp.autocast.__name__
'autocast'
"""
from .amp.device_amp import cpu as amp  # noqa: F401  (torch.cpu.amp)
__path__ = []  # a package in name, so that `import torch.cpu.amp` resolves under ember.compat
