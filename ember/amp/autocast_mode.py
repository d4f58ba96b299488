"""``torch.autocast``: regions where matmul/linear/conv run in a lower-precision dtype.

On the CPU the default dtype is bfloat16; the ops on PyTorch's CPU lists are cast
(see :mod:`ember._autocast_state`). State is per thread and regions nest. Without a
CUDA backend, ``autocast("cuda")`` warns and does nothing, as PyTorch does.

>>> x = ember.ones(2, 2)
>>> with ember.autocast("cpu"):
...     (x @ x).dtype, (x + x).dtype
(torch.bfloat16, torch.float32)
"""
import functools
import warnings

from .. import _autocast_state as S
from .. import _dtype as D

__all__ = ["autocast", "is_autocast_available", "custom_fwd", "custom_bwd", "is_autocast_enabled",
           "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype", "is_autocast_cpu_enabled",
           "set_autocast_cpu_enabled", "get_autocast_cpu_dtype", "set_autocast_cpu_dtype",
           "get_autocast_gpu_dtype", "set_autocast_gpu_dtype", "is_autocast_cache_enabled",
           "set_autocast_cache_enabled", "clear_autocast_cache", "autocast_increment_nesting",
           "autocast_decrement_nesting"]

_KNOWN = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


def _check_device(device_type):
    if device_type.split(":")[0] not in _KNOWN:
        raise RuntimeError(f"Expected one of {', '.join(_KNOWN)} device type at start of device string: "
                           f"{device_type}")


def is_autocast_available(device_type):
    """Whether autocast supports ``device_type`` (cpu and cuda here).

    >>> ember.amp.is_autocast_available("cpu")
    True
    """
    _check_device(device_type)
    return device_type in ("cpu", "cuda", "xpu", "hpu", "mps", "xla", "ipu", "mtia", "maia", "privateuseone")


def is_autocast_enabled(device_type="cuda"):
    """Whether autocast is on for ``device_type`` (cuda when omitted) in this thread.

    >>> ember.is_autocast_enabled("cpu")
    False
    """
    return S.is_enabled(device_type)


def set_autocast_enabled(device_type, enabled=None):
    """Turn autocast on/off for ``device_type``; ``set_autocast_enabled(flag)`` means cuda.

    >>> ember.set_autocast_enabled("cpu", True); ember.is_autocast_enabled("cpu")
    True
    >>> ember.set_autocast_enabled("cpu", False)
    """
    if enabled is None:
        device_type, enabled = "cuda", device_type
    S.set_enabled(device_type, enabled)


def get_autocast_dtype(device_type):
    """The dtype autocast casts to on ``device_type`` (bfloat16 on cpu by default).

    >>> ember.get_autocast_dtype("cpu")
    torch.bfloat16
    """
    return S.get_dtype(device_type)


def set_autocast_dtype(device_type, dtype):
    """Set the dtype autocast casts to on ``device_type`` in this thread.

    >>> ember.set_autocast_dtype("cpu", ember.float16); ember.get_autocast_dtype("cpu")
    torch.float16
    >>> ember.set_autocast_dtype("cpu", ember.bfloat16)
    """
    S.set_dtype(device_type, dtype)


def _deprecated(old, new):
    warnings.warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    """Deprecated spelling of ``is_autocast_enabled("cpu")``.

    >>> ember.is_autocast_cpu_enabled()
    False
    """
    _deprecated("is_autocast_cpu_enabled", "is_autocast_enabled('cpu')")
    return S.is_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    """Deprecated spelling of ``set_autocast_enabled("cpu", enabled)``.

    >>> ember.set_autocast_cpu_enabled(False)
    """
    _deprecated("set_autocast_cpu_enabled", "set_autocast_enabled('cpu', enabled)")
    S.set_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    """Deprecated spelling of ``get_autocast_dtype("cpu")``.

    >>> ember.get_autocast_cpu_dtype()
    torch.bfloat16
    """
    _deprecated("get_autocast_cpu_dtype", "get_autocast_dtype('cpu')")
    return S.get_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    """Deprecated spelling of ``set_autocast_dtype("cpu", dtype)``.

    >>> ember.set_autocast_cpu_dtype(ember.bfloat16)
    """
    _deprecated("set_autocast_cpu_dtype", "set_autocast_dtype('cpu', dtype)")
    S.set_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    """Deprecated spelling of ``get_autocast_dtype("cuda")``.

    >>> ember.get_autocast_gpu_dtype()
    torch.float16
    """
    _deprecated("get_autocast_gpu_dtype", "get_autocast_dtype('cuda')")
    return S.get_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    """Deprecated spelling of ``set_autocast_dtype("cuda", dtype)``.

    >>> ember.set_autocast_gpu_dtype(ember.float16)
    """
    _deprecated("set_autocast_gpu_dtype", "set_autocast_dtype('cuda', dtype)")
    S.set_dtype("cuda", dtype)


def is_autocast_cache_enabled():
    """Whether casts of leaf parameters are cached inside autocast regions of this thread.

    >>> ember.is_autocast_cache_enabled()
    True
    """
    return S.state().cache_enabled


def set_autocast_cache_enabled(enabled):
    """Turn the cast cache on or off for this thread.

    >>> ember.set_autocast_cache_enabled(True)
    """
    S.state().cache_enabled = bool(enabled)


def clear_autocast_cache():
    """Drop the cached casts (done when the outermost autocast region exits).

    >>> ember.clear_autocast_cache()
    """
    S.clear_cache()


def autocast_increment_nesting():
    """Enter one autocast nesting level; returns the new depth.

    >>> ember.autocast_increment_nesting(), ember.autocast_decrement_nesting()
    (1, 0)
    """
    s = S.state()
    s.nesting += 1
    return s.nesting


def autocast_decrement_nesting():
    """Leave one autocast nesting level; returns the new depth.

    >>> ember.autocast_increment_nesting(); ember.autocast_decrement_nesting()
    1
    0
    """
    s = S.state()
    s.nesting -= 1
    return s.nesting


class autocast:
    """Context manager and decorator: ops in the region run in ``dtype`` where PyTorch's lists say so.

    >>> @ember.autocast("cpu")
    ... def f(a, b):
    ...     return a @ b
    >>> f(ember.ones(2, 2), ember.ones(2, 2)).dtype
    torch.bfloat16
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        _check_device(device_type)
        self.device = device_type
        self.fast_dtype = S.get_dtype(device_type) if dtype is None else dtype
        self.custom_backend_name = None
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else bool(cache_enabled)
        enabled = bool(enabled)
        if enabled and device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.")
            enabled = False
        elif enabled and device_type == "cpu" and self.fast_dtype not in (D.__getattr__("bfloat16"), D.float16):
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                          "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.")
            enabled = False
        elif enabled and device_type not in ("cpu", "cuda"):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self._enabled = enabled

    def __enter__(self):
        s = S.state()
        self._prev = (S.is_enabled(self.device), S.get_dtype(self.device), s.cache_enabled)
        S.set_enabled(self.device, self._enabled)
        S.set_dtype(self.device, self.fast_dtype)
        s.nesting += 1
        s.cache_enabled = self._cache_enabled
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        s = S.state()
        s.nesting -= 1
        if s.nesting == 0:
            s.cache.clear()
        enabled, dtype, cache = self._prev
        S.set_enabled(self.device, enabled)
        S.set_dtype(self.device, dtype)
        s.cache_enabled = cache
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        decorate_autocast.__script_unsupported = "@autocast() decorator is not supported in script mode"
        return decorate_autocast


def _cast(value, dtype):
    if getattr(value, "is_floating_point", None) is not None and hasattr(value, "_data"):
        return value.to(dtype) if value.is_floating_point() and value.dtype is not D.float64 else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict):
        return {k: _cast(v, dtype) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom ``Function.forward``: runs it with autocast off and inputs cast to
    ``cast_inputs`` when called inside an autocast region (records the state for ``custom_bwd``).

    >>> class Sq(ember.autograd.Function):
    ...     @staticmethod
    ...     @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
    ...     def forward(ctx, x):
    ...         return x * x
    ...     @staticmethod
    ...     @ember.amp.custom_bwd(device_type="cpu")
    ...     def backward(ctx, g):
    ...         return 2 * g
    >>> with ember.autocast("cpu"):
    ...     Sq.apply(ember.ones(1, dtype=ember.bfloat16)).dtype
    torch.float32
    """
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = S.get_dtype(device_type)
        if cast_inputs is None:
            ctx._fwd_used_autocast = S.is_enabled(device_type)
            return fwd(*args, **kwargs)
        autocast_context = S.is_enabled(device_type)
        ctx._fwd_used_autocast = False
        if autocast_context:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, cast_inputs), **_cast(kwargs, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom ``Function.backward``: runs it in the autocast state its forward saw.

    >>> ember.amp.custom_bwd(device_type="cpu")(lambda ctx, g: g).__name__
    '<lambda>'
    """
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)
    return decorate_bwd
