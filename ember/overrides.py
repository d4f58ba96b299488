"""``torch.overrides``: the ``__torch_function__`` protocol's helpers.

A type that defines ``__torch_function__`` (other than ember's Tensor) can take over ember
functions that call :func:`handle_torch_function` when :func:`has_torch_function` says so.

>>> ember.overrides.has_torch_function((ember.ones(1),)), ember.overrides.is_tensor_like(ember.ones(1))
(False, True)
"""
__all__ = ["has_torch_function", "handle_torch_function", "is_tensor_like", "DisableTorchFunction",
           "DisableTorchFunctionSubclass"]


def _overrides(obj):
    from ._tensor import Tensor
    tf = getattr(type(obj), "__torch_function__", None)
    return tf is not None and tf is not getattr(Tensor, "__torch_function__", None)


def is_tensor_like(inp):
    """True for a Tensor or an object whose type defines ``__torch_function__``.

    >>> ember.overrides.is_tensor_like(3)
    False
    """
    from ._tensor import Tensor
    return type(inp) is Tensor or hasattr(type(inp), "__torch_function__")


def has_torch_function(relevant_args):
    """Whether any of ``relevant_args`` overrides ``__torch_function__``.

    >>> class T:
    ...     @classmethod
    ...     def __torch_function__(cls, func, types, args=(), kwargs=None): return "T"
    >>> ember.overrides.has_torch_function((T(),))
    True
    """
    return not _disabled and any(_overrides(a) for a in relevant_args)


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call the ``__torch_function__`` of the overriding types among ``relevant_args`` (subclasses
    first, then left to right) until one does not return NotImplemented.

    >>> class T:
    ...     @classmethod
    ...     def __torch_function__(cls, func, types, args=(), kwargs=None): return func.__name__
    >>> def api(x): return ember.overrides.handle_torch_function(api, (x,), x)
    >>> api(T())
    'api'
    """
    overloaded = []
    for a in relevant_args:
        if not _overrides(a) or type(a) in [type(o) for o in overloaded]:
            continue
        pos = len(overloaded)
        for i, o in enumerate(overloaded):
            if issubclass(type(a), type(o)):
                pos = i
                break
        overloaded.insert(pos, a)
    types = tuple(type(a) for a in overloaded)
    for a in overloaded:
        result = type(a).__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    func_name = f"{public_api.__module__}.{public_api.__name__}"
    raise TypeError(f"no implementation found for '{func_name}' on types that implement __torch_function__: "
                    f"{[type(a) for a in overloaded]}")


class DisableTorchFunctionSubclass:
    """Context manager under which ``__torch_function__`` overrides are not consulted:
    :func:`has_torch_function` answers False inside it, so functions run their own code
    (``torch.DisableTorchFunctionSubclass``).

    >>> with ember.DisableTorchFunctionSubclass():
    ...     ember.overrides.has_torch_function((ember.ones(1),))
    False
    """

    def __enter__(self):
        _disabled.append(True)
        return self

    def __exit__(self, *exc):
        _disabled.pop()
        return False


class DisableTorchFunction(DisableTorchFunctionSubclass):
    """Like :class:`DisableTorchFunctionSubclass`, for every ``__torch_function__`` override
    (``torch._C.DisableTorchFunction``).

    >>> with ember.DisableTorchFunction():
    ...     pass
    """


_disabled = []


from .overrides_registry import (get_ignored_functions, get_overridable_functions,  # noqa: E402
                                 get_testing_overrides, resolve_name,
                                 is_tensor_method_or_property, wrap_torch_function)
__all__ += ["get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
            "resolve_name", "is_tensor_method_or_property", "wrap_torch_function"]
