"""``torch.utils.hooks``' serialization helpers: :func:`unserializable_hook` marks a tensor
hook as one that need not survive pickling, :func:`warn_if_has_hooks` warns about the others.

>>> from ember.utils.hooks import unserializable_hook
>>> @unserializable_hook
... def h(grad): return grad
>>> h.__torch_unserializable__
True
"""
import warnings

__all__ = ["unserializable_hook", "warn_if_has_hooks"]


def unserializable_hook(f):
    """Mark ``f`` as a hook that may be lost when its tensor is serialized (no warning then).

    >>> from ember.utils.hooks import unserializable_hook
    >>> f = unserializable_hook(lambda g: g); f.__torch_unserializable__
    True
    """
    f.__torch_unserializable__ = True
    return f


def _tensor_hooks(tensor):
    hooks = dict(tensor._hooks or {}) if tensor.grad_fn is None else \
        dict((tensor.grad_fn._out_hooks or {}).get(tensor._out_nr, {}))
    return list(hooks.values())


def warn_if_has_hooks(tensor):
    """Warn (UserWarning) for each backward hook of ``tensor`` that serialization will drop,
    unless it is marked with :func:`unserializable_hook`.

    >>> import warnings
    >>> from ember.utils.hooks import warn_if_has_hooks
    >>> x = ember.ones(1, requires_grad=True)
    >>> _ = x.register_hook(lambda g: g)
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always"); warn_if_has_hooks(x)
    >>> len(w)
    1
    """
    for hook in _tensor_hooks(tensor):
        if not hasattr(hook, "__torch_unserializable__"):
            warnings.warn(f"backward hook {hook!r} on tensor will not be serialized.  If this is "
                          "expected, you can decorate the function with "
                          "@torch.utils.hooks.unserializable_hook to suppress this warning")
