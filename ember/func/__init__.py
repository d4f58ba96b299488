"""``torch.func``: so far ``functional_call`` (run a module with swapped-in parameters).
The function transforms (``grad``, ``vmap``, ``jacrev``, ...) are not built yet.

>>> ember.func.functional_call(ember.nn.Linear(1, 1, bias=False), {"weight": ember.ones(1, 1)}, ember.ones(1, 1))
tensor([[1.]])
"""
from ..nn.utils.stateless import _functional_call as functional_call  # noqa: F401

__all__ = ["functional_call"]
