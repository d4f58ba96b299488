"""``torch.cpu``: the CPU device namespace (ember/_cpu_device.py; ``torch.cpu.amp`` for mixed precision).

>>> ember.cpu.amp.autocast.__name__, ember.cpu.is_available()
('autocast', True)
"""
from .amp.device_amp import cpu as amp  # noqa: F401  (torch.cpu.amp)
from ._cpu_device import (is_available, device_count, current_device, synchronize, is_initialized,  # noqa: F401
                          set_device, Stream, Event, current_stream, stream, StreamContext)
__path__ = []  # a package in name, so that `import torch.cpu.amp` resolves under ember.compat
