"""``torch.utils.swap_tensors``: exchange everything two Tensor objects hold.

>>> a, b = ember.ones(2), ember.zeros(3)
>>> ember.utils.swap_tensors(a, b)
>>> a, b
(tensor([0., 0., 0.]), tensor([1., 1.]))
"""
import weakref

from .._tensor import Tensor, _SLOTS

__all__ = ["swap_tensors"]


def swap_tensors(t1, t2):
    """Swap the contents of ``t1`` and ``t2`` (data, dtype, autograd state, ``.grad``, class
    and ``__dict__``) so that each Python object now is what the other was.

    Raises RuntimeError if either tensor has a weak reference to it (the referrer would see
    the object change under it), as PyTorch.

    >>> p = ember.nn.Parameter(ember.ones(2)); t = ember.zeros(2)
    >>> ember.utils.swap_tensors(p, t)
    >>> type(p).__name__, type(t).__name__, t.requires_grad
    ('Tensor', 'Parameter', True)
    """
    for name, t in (("t1", t1), ("t2", t2)):
        if not isinstance(t, Tensor):
            raise AttributeError(f"swap_tensors: {name} must be a Tensor, got "
                                 f"'{type(t).__name__}' object")
        if weakref.getweakrefcount(t):
            raise RuntimeError(f"Cannot swap {name} because it has weakref associated with it")
    if t1 is t2:
        return
    c1, c2 = type(t1), type(t2)
    if c1 is not c2:
        t1.__class__, t2.__class__ = c2, c1   # TypeError for incompatible layouts, as CPython
    d1, d2 = t1.__dict__, t2.__dict__
    t1.__dict__, t2.__dict__ = d2, d1
    for k in _SLOTS:
        v1, v2 = getattr(t1, k, None), getattr(t2, k, None)
        object.__setattr__(t1, k, v2)
        object.__setattr__(t2, k, v1)
