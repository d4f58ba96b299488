"""The function registry half of ``torch.overrides``: which ember functions take part in the
``__torch_function__`` protocol (:func:`get_overridable_functions`), which do not
(:func:`get_ignored_functions`), dummy overrides for testing (:func:`get_testing_overrides`),
:func:`resolve_name`, :func:`is_tensor_method_or_property` and :func:`wrap_torch_function`.

Many ember Tensor methods are the very function objects of the top-level namespace
(``ember.Tensor.add is ember.add``): such a function resolves to its top-level name and
also counts as a Tensor method.

>>> from ember.overrides import resolve_name
>>> resolve_name(ember.add), resolve_name(ember.Tensor.shape.__get__)
('torch.add', 'torch.Tensor.shape.__get__')
"""
import collections
import functools
import inspect
import types

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
           "resolve_name", "is_tensor_method_or_property", "wrap_torch_function"]

# top-level functions that take no tensor to dispatch on (creation, global state, types)
_IGNORED_TOP = """arange are_deterministic_algorithms_enabled as_strided as_tensor asarray
autocast_decrement_nesting autocast_increment_nesting bartlett_window blackman_window
broadcast_shapes can_cast clear_autocast_cache compile cond device dtype empty empty_permuted
empty_strided enable_grad eye fill finfo fork from_file from_numpy frombuffer full
get_autocast_cpu_dtype get_autocast_dtype get_autocast_gpu_dtype get_default_device
get_default_dtype get_deterministic_debug_mode get_device_module get_float32_matmul_precision
get_num_interop_threads get_num_threads get_rng_state hamming_window hann_window iinfo
inference_mode init_num_threads initial_seed is_anomaly_check_nan_enabled is_anomaly_enabled
is_autocast_cache_enabled is_autocast_cpu_enabled is_autocast_enabled
is_deterministic_algorithms_warn_only_enabled is_grad_enabled is_inference_mode_enabled
is_storage is_tensor is_vulkan_available is_warn_always_enabled kaiser_window layout linspace
load logspace manual_seed memory_format no_grad normal ones promote_types qscheme rand rand_like
randint randint_like randn randn_like randperm range result_type save scalar_tensor seed
set_anomaly_enabled set_autocast_cache_enabled set_autocast_cpu_dtype set_autocast_cpu_enabled
set_autocast_dtype set_autocast_enabled set_autocast_gpu_dtype set_default_device
set_default_tensor_type set_deterministic_debug_mode set_float32_matmul_precision
set_flush_denormal set_grad_enabled set_num_interop_threads set_num_threads set_printoptions
set_rng_state set_warn_always sparse_coo_tensor sparse_csr_tensor tensor thread_safe_generator
tril_indices triu_indices typename use_deterministic_algorithms vander vmap wait zeros""".split()
_IGNORED_F = "hardsigmoid hardswish sigmoid tanh upsample upsample_bilinear upsample_nearest".split()
_IGNORED_T = """__delattr__ __delitem__ __dir__ __getattribute__ __hash__ __init__ __iter__ __new__
__setattr__ as_subclass new new_empty new_empty_strided new_full new_ones new_tensor new_zeros
stride to_sparse_coo to_sparse_csr""".split()


@functools.lru_cache(None)
def _namespaces():
    import ember
    from ember.nn import functional as F
    return (("torch", ember, _IGNORED_TOP), ("torch.nn.functional", F, _IGNORED_F),
            ("torch.linalg", ember.linalg, ()), ("torch.fft", ember.fft, ()),
            ("torch.special", ember.special, ()), ("torch.Tensor", ember.Tensor, _IGNORED_T))


def _members(ns):
    names = dir(ns) if isinstance(ns, type) else getattr(ns, "__all__", None) or dir(ns)
    for name in names:
        if name.startswith("_") and not (name.startswith("__") and isinstance(ns, type)):
            continue
        try:
            obj = inspect.getattr_static(ns, name) if isinstance(ns, type) else getattr(ns, name)
        except AttributeError:
            continue
        if isinstance(ns, type) and isinstance(obj, property):
            yield name, obj.__get__
        elif isinstance(ns, type) and isinstance(obj, (staticmethod, classmethod)):
            continue
        elif callable(obj) and not isinstance(obj, (type, types.ModuleType)):
            yield name, getattr(ns, name)


@functools.lru_cache(None)
def _tables():
    overridable = collections.defaultdict(list)
    ignored, names, tensor_members = set(), {}, set()
    for prefix, ns, skip in _namespaces():
        for name, fn in _members(ns):
            key = fn if not hasattr(fn, "__func__") else fn
            if prefix == "torch.Tensor":
                tensor_members.add(key)
            qual = f"{prefix}.{name}" + (".__get__" if type(key).__name__ == "method-wrapper" else "")
            names.setdefault(key, qual)
            if name in skip:
                ignored.add(key)
            elif key not in ignored:
                overridable[ns].append(fn)
    return overridable, ignored, names, tensor_members


def get_ignored_functions():
    """The ember functions that cannot be overridden with ``__torch_function__`` (they take no
    tensor-like argument: creation functions, global settings ...).

    >>> ember.zeros in ember.overrides.get_ignored_functions()
    True
    """
    return set(_tables()[1])


def get_overridable_functions():
    """``{namespace: [functions]}`` of the functions ``__torch_function__`` can override
    (namespaces: ember, ember.nn.functional, ember.linalg, ember.fft, ember.special, Tensor).

    >>> ember.add in ember.overrides.get_overridable_functions()[ember]
    True
    """
    table = collections.defaultdict(list)
    for k, v in _tables()[0].items():
        table[k] = list(v)
    return table


def _dummy(fn):
    def override(*args, **kwargs):
        return -1
    try:
        override.__signature__ = inspect.signature(fn)
    except (TypeError, ValueError):
        pass
    override.__name__ = getattr(fn, "__name__", "override")
    return override


def get_testing_overrides():
    """``{function: dummy}`` for every overridable function: the dummy has the function's
    signature and returns -1 (to write ``__torch_function__`` tests with).

    >>> ember.overrides.get_testing_overrides()[ember.add](1, 2)
    -1
    """
    return {fn: _dummy(fn) for fns in _tables()[0].values() for fn in fns}


def resolve_name(f):
    """The PyTorch-style qualified name of an overridable or ignored function, or None.

    >>> ember.overrides.resolve_name(ember.nn.functional.relu), ember.overrides.resolve_name(len)
    ('torch.nn.functional.relu', None)
    """
    if isinstance(f, (types.MethodWrapperType, types.MethodType)) and f.__name__ == "__get__":
        owner = getattr(f, "__self__", None)
        for name, obj in vars(_namespaces()[-1][1]).items():
            if obj is owner:
                return f"torch.Tensor.{name}.__get__"
    try:
        return _tables()[2].get(f)
    except TypeError:   # unhashable
        return None


def is_tensor_method_or_property(func):
    """True for a method of Tensor or the getter of one of its properties.

    >>> ember.overrides.is_tensor_method_or_property(ember.Tensor.add)
    True
    >>> ember.overrides.is_tensor_method_or_property(ember.nn.functional.relu)
    False
    """
    if isinstance(func, types.MethodWrapperType) and func.__name__ == "__get__":
        return isinstance(func.__self__, property)
    try:
        return func in _tables()[3]
    except TypeError:
        return False


def wrap_torch_function(dispatcher):
    """Decorator: make a function take part in ``__torch_function__``; ``dispatcher`` gets the
    same arguments and returns the ones to check for overrides.

    >>> class T:
    ...     @classmethod
    ...     def __torch_function__(cls, func, types, args=(), kwargs=None): return "T"
    >>> @ember.overrides.wrap_torch_function(lambda x: (x,))
    ... def f(x): return "plain"
    >>> f(1), f(T())
    ('plain', 'T')
    """
    from .overrides import has_torch_function, handle_torch_function

    def decorate(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = tuple(dispatcher(*args, **kwargs))
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return decorate
