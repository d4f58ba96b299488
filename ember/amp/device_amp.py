"""``torch.cuda.amp`` and ``torch.cpu.amp``: the deprecated per-device spellings of :mod:`ember.amp`.

Each warns (FutureWarning) and forwards to ``ember.amp`` with its device filled in; without
a CUDA backend the cuda ones then warn again and disable themselves, as PyTorch does.

>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     with ember.cpu.amp.autocast():
...         (ember.ones(2, 2) @ ember.ones(2, 2)).dtype
torch.bfloat16
"""
import functools
import types
import warnings

from .. import _dtype as D
from . import autocast_mode as _am
from .grad_scaler import GradScaler as _GradScaler

__all__ = ["cuda", "cpu"]


def _deprecated(dev, what):
    warnings.warn(f"`torch.{dev}.amp.{what}(args...)` is deprecated. Please use "
                  f"`torch.amp.{what}('{dev}', args...)` instead.", FutureWarning, stacklevel=3)


class _CudaAutocast(_am.autocast):
    """``torch.cuda.amp.autocast``: with no CUDA backend it warns and leaves ops alone.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     with ember.cuda.amp.autocast():
    ...         ember.is_autocast_enabled("cuda")
    False
    """

    def __init__(self, enabled=True, dtype=D.float16, cache_enabled=True):
        _deprecated("cuda", "autocast")
        super().__init__("cuda", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class _CpuAutocast(_am.autocast):
    """``torch.cpu.amp.autocast``: ``torch.amp.autocast("cpu", ...)`` (bfloat16 by default).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     with ember.cpu.amp.autocast():
    ...         ember.is_autocast_enabled("cpu")
    True
    """

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _deprecated("cpu", "autocast")
        super().__init__("cpu", enabled=enabled, dtype=D.__getattr__("bfloat16") if dtype is None else dtype,
                         cache_enabled=cache_enabled)


class _CudaGradScaler(_GradScaler):
    """``torch.cuda.amp.GradScaler``: without CUDA it warns and disables itself (a pass-through).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ember.cuda.amp.GradScaler().is_enabled()
    False
    """

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _deprecated("cuda", "GradScaler")
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval, enabled=enabled)


class _CpuGradScaler(_GradScaler):
    """``torch.cpu.amp.GradScaler``: ``torch.amp.GradScaler("cpu", ...)``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ember.cpu.amp.GradScaler().is_enabled()
    True
    """

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _deprecated("cpu", "GradScaler")
        super().__init__("cpu", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval, enabled=enabled)


def _cuda_custom_fwd(fwd=None, *, cast_inputs=None):
    """``torch.cuda.amp.custom_fwd``: ``torch.amp.custom_fwd(device_type="cuda")``."""
    _deprecated("cuda", "custom_fwd")
    return functools.partial(_am.custom_fwd, device_type="cuda")(fwd, cast_inputs=cast_inputs)


def _cuda_custom_bwd(bwd):
    """``torch.cuda.amp.custom_bwd``: ``torch.amp.custom_bwd(device_type="cuda")``."""
    _deprecated("cuda", "custom_bwd")
    return functools.partial(_am.custom_bwd, device_type="cuda")(bwd)


def _namespace(name, **members):
    m = types.ModuleType(name, f"``{name.replace('ember', 'torch')}``: deprecated device spelling of ember.amp.")
    for k, v in members.items():
        if isinstance(v, type):
            v.__name__ = v.__qualname__ = k
            v.__module__ = name
        setattr(m, k, v)
    m.__all__ = list(members)
    return m


cuda = _namespace("ember.cuda.amp", autocast=_CudaAutocast, GradScaler=_CudaGradScaler,
                  custom_fwd=_cuda_custom_fwd, custom_bwd=_cuda_custom_bwd)
cpu = _namespace("ember.cpu.amp", autocast=_CpuAutocast, GradScaler=_CpuGradScaler)
