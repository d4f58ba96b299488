"""How ``Module._apply`` (``.to``, ``.float``, ``.double`` ...) puts converted tensors into a
module's parameters, under the modes of :mod:`ember.__future__`: in place (default), new
Parameter objects (overwrite), or :func:`ember.utils.swap_tensors` into the old ones (swap).

>>> from ember.nn.modules.param_conversion import conversion_replaces_objects
>>> conversion_replaces_objects()
False
"""
from ... import __future__ as _future
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter

__all__ = ["convert_parameters", "conversion_replaces_objects"]


def conversion_replaces_objects():
    """True when a conversion must touch every parameter even if its data is unchanged
    (the overwrite or swap mode of :mod:`ember.__future__`).

    >>> from ember.nn.modules.param_conversion import conversion_replaces_objects
    >>> conversion_replaces_objects()
    False
    """
    return _future.get_swap_module_params_on_conversion() or \
        _future.get_overwrite_module_params_on_conversion()


def _swap_into(old, new, what):
    from ...utils.tensor_swap import swap_tensors
    try:
        swap_tensors(old, new)
    except Exception as e:
        raise RuntimeError(f"_apply(): Couldn't swap {what}") from e


def convert_parameters(module, fn):
    """Apply ``fn`` to each parameter of ``module`` (not its children) and to its ``.grad``.

    >>> from ember.nn.modules.param_conversion import convert_parameters
    >>> m = ember.nn.Linear(1, 1); w = m.weight
    >>> _ = convert_parameters(m, lambda t: t.double()); m.weight is w, w.dtype
    (True, torch.float64)
    """
    swap = _future.get_swap_module_params_on_conversion()
    overwrite = _future.get_overwrite_module_params_on_conversion()
    for key, p in module._parameters.items():
        if p is None:
            continue
        with no_grad():
            new = fn(p)
        grad = p.grad
        if swap:
            p.grad = None  # the grad is converted and swapped on its own, below
            fresh = new if isinstance(new, Parameter) and new is not p else \
                Parameter(new, requires_grad=p.requires_grad)
            try:
                _swap_into(p, fresh, f"{module._get_name()}.{key}")
            finally:
                p.grad = grad
        elif overwrite:
            fresh = Parameter(new, requires_grad=p.requires_grad)
            module._parameters[key] = fresh
            p = fresh
        elif new._data is not p._data:
            p._data = new._data
            p._bump()
        if grad is None:
            continue
        with no_grad():
            g = fn(grad)
        if swap:
            _swap_into(grad, g if g is not grad else g.detach(), f"{module._get_name()}.{key}.grad")
        elif overwrite:
            p.grad = g.requires_grad_(grad.requires_grad)
        elif g._data is not grad._data:
            grad._data = g._data
    return module
