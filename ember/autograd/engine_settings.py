"""Switches of the autograd engine that PyTorch exposes (ember's engine is single-threaded and
accumulates gradients in the parameter's own layout, so these only record the setting).

>>> ember.autograd.is_multithreading_enabled(), ember.autograd.is_view_replay_enabled()
(True, False)
"""
import enum

__all__ = ["is_multithreading_enabled", "set_multithreading_enabled", "is_view_replay_enabled",
           "enforce_grad_layout_policy", "DeviceType", "ProfilerActivity", "ProfilerState", "kineto_available"]

_flags = {"multithreading": True, "view_replay": False, "grad_layout": True}


def is_multithreading_enabled():
    """Whether backward may run on several threads (a setting only: ember's engine uses one)."""
    return _flags["multithreading"]


def is_view_replay_enabled():
    """Whether views are replayed instead of as_strided (False, as PyTorch's default)."""
    return _flags["view_replay"]


class _FlagSetter:
    """Sets a flag when made (so it works as a function) and restores it on leaving a ``with``."""

    _key = None

    def __init__(self, mode):
        self.prev = _flags[self._key]
        _flags[self._key] = bool(mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _flags[self._key] = self.prev

    def clone(self):
        return self.__class__(_flags[self._key])


class set_multithreading_enabled(_FlagSetter):  # noqa: N801 - PyTorch's name
    """Context manager (or function) setting :func:`is_multithreading_enabled`.

    >>> with ember.autograd.set_multithreading_enabled(False):
    ...     ember.autograd.is_multithreading_enabled()
    False
    """
    _key = "multithreading"


class enforce_grad_layout_policy(_FlagSetter):  # noqa: N801
    """Context manager (or function): whether accumulated gradients must match the parameter's layout.

    >>> with ember.autograd.enforce_grad_layout_policy(False):
    ...     pass
    """
    _key = "grad_layout"


class DeviceType(enum.IntEnum):
    """Device kinds, numbered as PyTorch's ``c10::DeviceType``."""
    CPU = 0
    CUDA = 1
    MKLDNN = 2
    OPENGL = 3
    OPENCL = 4
    IDEEP = 5
    HIP = 6
    FPGA = 7
    MAIA = 8
    XLA = 9
    Vulkan = 10
    Metal = 11
    XPU = 12
    MPS = 13
    Meta = 14
    HPU = 15
    VE = 16
    Lazy = 17
    IPU = 18
    MTIA = 19
    PrivateUse1 = 20


class ProfilerActivity(enum.IntEnum):
    """What a profiler records."""
    CPU = 0
    XPU = 1
    MTIA = 4
    CUDA = 2
    HPU = 3
    PrivateUse1 = 5


class ProfilerState(enum.IntEnum):
    """The legacy autograd profiler's states."""
    Disabled = 0
    CPU = 1
    CUDA = 2
    NVTX = 3
    ITT = 4
    PRIVATEUSE1 = 5
    KINETO = 6
    KINETO_GPU_FALLBACK = 7
    KINETO_PRIVATEUSE1_FALLBACK = 8
    KINETO_PRIVATEUSE1 = 9


def kineto_available():
    """Whether the Kineto profiler library is built in (never, in ember).

    >>> ember.autograd.kineto_available()
    False
    """
    return False
