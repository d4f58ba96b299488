"""Device modules and the exceptions PyTorch defines at top level.

>>> ember.get_device_module("cpu").__name__
'ember.cpu'
"""
import sys

__all__ = ["get_device_module", "FatalError", "OutOfMemoryError"]

_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
                 "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class FatalError(Exception):
    """PyTorch's error for an unrecoverable internal failure (``torch.FatalError``)."""


class OutOfMemoryError(RuntimeError):
    """Raised when a device runs out of memory (``torch.OutOfMemoryError``; ember raises the
    plain RuntimeError that PyTorch raises for host memory).

    >>> issubclass(ember.OutOfMemoryError, RuntimeError)
    True
    """


def get_device_module(device=None):
    """The module for a device type: ``ember.cpu`` for "cpu" (the default), ``ember.cuda`` for
    "cuda" (``torch.get_device_module``).

    >>> ember.get_device_module().__name__
    'ember.cpu'
    """
    name = "cpu" if device is None else (device.type if hasattr(device, "type") else str(device).split(":")[0])
    if name not in _DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                           f"string: {device}")
    mod = sys.modules.get(f"ember.{name}")
    if mod is None:
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as 'torch.{name}'.")
    return mod
