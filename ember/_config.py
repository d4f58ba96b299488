"""Process-wide switches of the top-level namespace: threads, determinism, matmul precision,
warnings, the default device, and what this build has.

``set_num_threads`` sets ember's intra-op thread pool and the BLAS threads NumPy uses (the
latter through ``threadpoolctl`` when it is installed, an optional dependency; without it the
BLAS keeps its own setting). Determinism flags are recorded: every ember op is already
deterministic on the cpu, so they change nothing.

>>> ember.set_num_threads(2); ember.get_num_threads()
2
>>> ember.use_deterministic_algorithms(True); ember.are_deterministic_algorithms_enabled()
True
>>> ember.use_deterministic_algorithms(False)
"""
import os

__all__ = ["set_num_threads", "get_num_threads", "set_num_interop_threads", "get_num_interop_threads",
           "init_num_threads", "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_float32_matmul_precision", "get_float32_matmul_precision",
           "set_flush_denormal", "set_warn_always", "is_warn_always_enabled", "get_default_device",
           "set_default_device", "compiled_with_cxx11_abi", "has_lapack", "has_mkl", "has_openmp", "has_spectral",
           "is_vulkan_available", "TYPE_CHECKING", "AcceleratorError"]

has_lapack = True      # NumPy's linalg
has_spectral = True    # ember.fft (NumPy's pocketfft)
has_mkl = False        # ember calls no MKL directly
has_openmp = False     # nor OpenMP
TYPE_CHECKING = False


class AcceleratorError(RuntimeError):
    """An error reported by an accelerator (ember has none)."""


AcceleratorError.__module__ = "torch"

_S = {"threads": None, "interop": None, "det": False, "warn_only": False, "precision": "highest",
      "warn_always": False}


def _check_int(v, fn):
    if isinstance(v, bool) or not isinstance(v, int):
        raise RuntimeError(f"{fn} expects an int, but got {type(v).__name__}")
    if v <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")


def set_num_threads(int):
    """Set the number of threads for intra-op work: ember's own pool (which splits large
    convolutions, pooling and elementwise passes into blocks) and NumPy's BLAS (through
    threadpoolctl when it is installed; otherwise the BLAS keeps its own setting).

    >>> ember.set_num_threads(1); ember.get_num_threads()
    1
    """
    _check_int(int, "set_num_threads")
    _S["threads"] = int
    from ._thread_pool import set_threads
    set_threads(int)


def get_num_threads():
    """The number of intra-op threads: the value set, else torch's default (``OMP_NUM_THREADS``
    or ``MKL_NUM_THREADS`` when set, at most the cores this process may use).

    >>> ember.get_num_threads() >= 1
    True
    """
    from ._thread_pool import num_threads
    return num_threads()


def set_num_interop_threads(int):
    """Set the inter-op thread count, once (later calls raise, as PyTorch after the first).
    ember runs ops one at a time, so the value is only recorded.

    >>> ember.set_num_interop_threads(0)
    Traceback (most recent call last):
    RuntimeError: set_num_interop_threads expects a positive integer
    """
    _check_int(int, "set_num_interop_threads")
    if _S["interop"] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _S["interop"] = int


def get_num_interop_threads():
    """The inter-op thread count (the value set, else the cpu count).

    >>> ember.get_num_interop_threads() >= 1
    True
    """
    return _S["interop"] or os.cpu_count() or 1


def init_num_threads():
    """Nothing to initialise (threads are NumPy's).

    >>> ember.init_num_threads()
    """


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record whether only deterministic algorithms may run. ember's cpu ops all are.

    >>> ember.use_deterministic_algorithms(True, warn_only=True); ember.get_deterministic_debug_mode()
    1
    >>> ember.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, "
                        f"not {type(mode).__name__}")
    _S["det"], _S["warn_only"] = mode, bool(warn_only) and mode


def are_deterministic_algorithms_enabled():
    """Whether :func:`use_deterministic_algorithms` is on.

    >>> ember.are_deterministic_algorithms_enabled()
    False
    """
    return _S["det"]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether deterministic mode only warns.

    >>> ember.is_deterministic_algorithms_warn_only_enabled()
    False
    """
    return _S["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """``'default'``/0 (off), ``'warn'``/1, ``'error'``/2, as :func:`use_deterministic_algorithms`.

    >>> ember.set_deterministic_debug_mode("error"); ember.are_deterministic_algorithms_enabled()
    True
    >>> ember.set_deterministic_debug_mode(0)
    """
    if isinstance(debug_mode, str):
        modes = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = modes[debug_mode]
    elif isinstance(debug_mode, int) and not isinstance(debug_mode, bool):
        if debug_mode not in (0, 1, 2):
            raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    else:
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """0 (off), 1 (warn) or 2 (error).

    >>> ember.get_deterministic_debug_mode()
    0
    """
    return 0 if not _S["det"] else 1 if _S["warn_only"] else 2


def set_float32_matmul_precision(precision):
    """Record ``'highest'``, ``'high'`` or ``'medium'``; NumPy's float32 matmul is always full
    precision (there is no TF32 or bfloat16 path), so results do not change.

    >>> ember.set_float32_matmul_precision("high"); ember.get_float32_matmul_precision()
    'high'
    >>> ember.set_float32_matmul_precision("highest")
    """
    if precision not in ("highest", "high", "medium"):
        import warnings
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _S["precision"] = precision


def get_float32_matmul_precision():
    """The recorded float32 matmul precision (``'highest'`` unless set).

    >>> ember.get_float32_matmul_precision()
    'highest'
    """
    return _S["precision"]


def set_flush_denormal(mode):
    """Whether the request is honoured: NumPy cannot flush denormals to zero, so ``True`` returns
    False (unsupported, as PyTorch on a cpu without the instruction) and ``False`` returns True.

    >>> ember.set_flush_denormal(True), ember.set_flush_denormal(False)
    (False, True)
    """
    return not mode


def set_warn_always(b):
    """Make warnings that PyTorch gives once per process appear every time (recorded).

    >>> ember.set_warn_always(False); ember.is_warn_always_enabled()
    False
    """
    _S["warn_always"] = bool(b)


def is_warn_always_enabled():
    """Whether :func:`set_warn_always` is on.

    >>> ember.is_warn_always_enabled()
    False
    """
    return _S["warn_always"]


def get_default_device():
    """The device factories use: ``cpu``.

    >>> ember.get_default_device()
    device(type='cpu')
    """
    from ._tensor import CPU, META
    from ._device_context import in_meta_block
    return META if in_meta_block() else CPU


def set_default_device(device):
    """Set the default device: ``'cpu'`` or None only. ember has no other backend, so any other
    device raises here rather than at the next tensor made (where PyTorch without CUDA raises).

    >>> ember.set_default_device("cpu")
    """
    if device is None:
        return
    from ._tensor import device as _device
    d = _device(device)
    if d.type != "cpu":
        raise RuntimeError(f"ember has no {d.type} backend: the default device can only be the cpu "
                           "(Torch not compiled with CUDA enabled)")


def compiled_with_cxx11_abi():
    """True (PyTorch's answer for its wheels; ember has no C++ ABI).

    >>> ember.compiled_with_cxx11_abi()
    True
    """
    return True


def is_vulkan_available():
    """False: no Vulkan backend.

    >>> ember.is_vulkan_available()
    False
    """
    return False
