"""``torch.utils.hooks``: the handle that ``register_*_hook`` methods return.

>>> h = ember.ones(1, requires_grad=True).register_hook(lambda g: g)
>>> isinstance(h, ember.utils.hooks.RemovableHandle)
True
>>> h.remove()
"""
from ..autograd.function import RemovableHandle

__all__ = ["RemovableHandle"]
