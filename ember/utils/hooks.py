"""``torch.utils.hooks``: the handle that ``register_*_hook`` methods return.

>>> h = ember.ones(1, requires_grad=True).register_hook(lambda g: g)
>>> isinstance(h, ember.utils.hooks.RemovableHandle)
True
>>> h.remove()
"""
from ..autograd.function import RemovableHandle

__all__ = ["RemovableHandle"]
from .hook_serialization import unserializable_hook, warn_if_has_hooks  # noqa: E402
from ..nn._backward_hooks import BackwardHook  # noqa: E402
__all__ += ["unserializable_hook", "warn_if_has_hooks", "BackwardHook"]
