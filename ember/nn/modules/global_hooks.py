"""Hooks registered for every Module at once (``torch.nn.modules.module.register_module_*``):
forward (pre-)hooks, full backward (pre-)hooks and the buffer / module / parameter registration
hooks. ``Module`` reads these tables; each register function returns a removable handle.

>>> from ember.nn.modules.module import register_module_forward_hook
>>> seen = []
>>> h = register_module_forward_hook(lambda m, args, out: seen.append(type(m).__name__))
>>> _ = ember.nn.ReLU()(ember.ones(1)); h.remove(); seen
['ReLU']
"""
from collections import OrderedDict

from ..._hook_handles import _add_hook

__all__ = ["register_module_forward_pre_hook", "register_module_forward_hook", "register_module_backward_hook",
           "register_module_full_backward_pre_hook", "register_module_full_backward_hook",
           "register_module_buffer_registration_hook", "register_module_module_registration_hook",
           "register_module_parameter_registration_hook"]

_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()
_global_forward_hooks_with_kwargs = {}
_global_forward_hooks_always_called = {}
_global_backward_pre_hooks = OrderedDict()
_global_backward_hooks = OrderedDict()
_global_registration_hooks = {"buffer": OrderedDict(), "module": OrderedDict(), "parameter": OrderedDict()}


def register_module_forward_pre_hook(hook):
    """``hook(module, args)`` before every module's forward; it may return new args."""
    return _add_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """``hook(module, args, output)`` (or ``(module, args, kwargs, output)``) after every module's
    forward; it may return a new output. ``always_call`` runs it even when forward raises."""
    h = _add_hook(_global_forward_hooks, hook)
    if with_kwargs:
        _global_forward_hooks_with_kwargs[h._key] = True
    if always_call:
        _global_forward_hooks_always_called[h._key] = True
    return h


def register_module_backward_hook(hook):
    raise NotImplementedError("ember: the deprecated register_module_backward_hook is not supported; "
                              "use register_module_full_backward_hook")


def register_module_full_backward_pre_hook(hook):
    """``hook(module, grad_output)`` before every module's input gradients are computed."""
    return _add_hook(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook):
    """``hook(module, grad_input, grad_output)`` for every module; it may return new grad_input."""
    return _add_hook(_global_backward_hooks, hook)


def register_module_buffer_registration_hook(hook):
    """``hook(module, name, buffer)`` when any module registers a buffer; it may return a replacement."""
    return _add_hook(_global_registration_hooks["buffer"], hook)


def register_module_module_registration_hook(hook):
    """``hook(module, name, submodule)`` when any module registers a submodule; it may return a replacement."""
    return _add_hook(_global_registration_hooks["module"], hook)


def register_module_parameter_registration_hook(hook):
    """``hook(module, name, param)`` when any module registers a parameter; it may return a replacement."""
    return _add_hook(_global_registration_hooks["parameter"], hook)


def registered(kind, module, name, value):
    """``value`` after the global ``kind`` registration hooks (each may replace it)."""
    for hook in list(_global_registration_hooks[kind].values()):
        out = hook(module, name, value)
        if out is not None:
            value = out
    return value


def always_called(module, args, kwargs):
    """After forward raised: run the forward hooks registered with ``always_call=True`` (their own
    errors are dropped; the forward's error is the one raised)."""
    import itertools
    for k, hook in itertools.chain(_global_forward_hooks.items(), module._forward_hooks.items()):
        if _global_forward_hooks_always_called.get(k) or module._forward_hooks_always_called.get(k):
            kw = _global_forward_hooks_with_kwargs.get(k) or module._forward_hooks_with_kwargs.get(k)
            try:
                hook(module, args, kwargs, None) if kw else hook(module, args, None)
            except Exception:  # noqa: BLE001
                pass


def typename(value):
    """PyTorch's ``torch.typename`` spelling in Module's assignment errors."""
    from ..._tensor import Tensor
    if isinstance(value, Tensor):
        return value.type()
    t = type(value)
    return t.__qualname__ if t.__module__ in ("builtins", None, "") else f"{t.__module__}.{t.__qualname__}"
