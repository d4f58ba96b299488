"""``torch.autograd.forward_ad``: forward-mode AD with dual tensors.

A dual tensor pairs a primal value with a tangent. ember records the computation on duals
in its reverse-mode graph and computes a result's tangent when it is asked for
(:func:`unpack_dual`), as the Jacobian-vector product over the duals of the current level
(the vjp of a vjp, as :func:`ember.func.jvp`): exact, the same numbers as true forward mode.

Differences from PyTorch: a dual tensor reports ``requires_grad=True`` (the graph records it);
work done under ``no_grad`` is not seen by forward AD; a custom ``autograd.Function`` takes
part through its ``backward`` (its ``jvp`` staticmethod is not used).

>>> import ember.autograd.forward_ad as fwAD
>>> with fwAD.dual_level():
...     x = fwAD.make_dual(ember.tensor([1., 2.]), ember.tensor([1., 0.]))
...     fwAD.unpack_dual(x ** 3).tangent
tensor([3., 0.])
"""
from collections import namedtuple

from .grad_mode import enable_grad
from .._tensor import Tensor

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual",
           "unpack_dual", "dual_level"]

# the one active level (PyTorch does not nest them either): its index and its duals, as
# (dual tensor, tangent, whether the primal requires grad) by id of the dual
_STATE = {"level": -1, "duals": {}}


def enter_dual_level():
    """Start a forward-AD level and return its index (``0``); only one may be active.

    >>> import ember.autograd.forward_ad as fwAD
    >>> lvl = fwAD.enter_dual_level(); lvl
    0
    >>> fwAD.exit_dual_level(level=lvl)
    """
    if _STATE["level"] >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _STATE["level"] = 0
    _STATE["duals"] = {}
    return 0


def exit_dual_level(*, level=None):
    """End the current level: every dual tensor of it loses its tangent.

    >>> import ember.autograd.forward_ad as fwAD
    >>> fwAD.exit_dual_level()
    Traceback (most recent call last):
    RuntimeError: Dual level must be a positive number.
    """
    current = _STATE["level"]
    level = current if level is None else level
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if level != current:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was "
                           "created. This is not supported.")
    _STATE["level"] = -1
    _STATE["duals"] = {}


def _check_level(level, what):
    current = _STATE["level"]
    if level is not None and level != current:
        raise RuntimeError(f"Invalid level given to {what}")
    return current


def make_dual(tensor, tangent, *, level=None):
    """A dual tensor: the value of ``tensor`` carrying ``tangent`` (same shape, floating point)
    in the current level. It is a view of ``tensor`` (shares its memory); gradients of a
    backward pass flow to ``tensor`` when it requires grad.

    >>> import ember.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     d = fwAD.make_dual(ember.tensor([2.]), ember.tensor([1.]))
    ...     fwAD.unpack_dual(d.exp()).tangent
    tensor([7.3891])
    """
    if _STATE["level"] < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise AttributeError(f"'{type(t).__name__}' object has no attribute 'is_floating_point'")
        if not (t.is_floating_point() or t.is_complex()):
            raise ValueError(f"Expected {name} to be floating point or complex, but got: {t.dtype}")
    _check_level(level, "_make_dual")
    if tuple(tensor.shape) != tuple(tangent.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of "
                           "the original Tensor, this is not supported. Tensor is of size "
                           f"{list(tensor.shape)} while the given forward gradient is of size "
                           f"{list(tangent.shape)}.")
    with enable_grad():
        if tensor.requires_grad:
            dual = tensor.view_as(tensor)     # in the graph: backward reaches ``tensor``
        else:
            dual = tensor.detach().requires_grad_(True)
    _STATE["duals"][id(dual)] = (dual, tangent, tensor.requires_grad)
    return dual


UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = """``(primal, tangent)`` of a tensor, as :func:`unpack_dual` returns it.

>>> from ember.autograd.forward_ad import UnpackedDualTensor
>>> UnpackedDualTensor(ember.ones(1), None).tangent is None
True
"""


def _jvp(y, duals):
    """``sum_i J_{y, dual_i} @ tangent_i``, or None when ``y`` depends on no dual."""
    from . import grad as _grad
    with enable_grad():
        u = y.detach().new_zeros(y.shape).requires_grad_(True)
        gs = _grad([y], [d for d, _, _ in duals], [u], retain_graph=True, create_graph=True,
                   allow_unused=True)
        used = [(g, t) for g, (_, t, _) in zip(gs, duals) if g is not None]
        if not used:
            return None
        terms = [(g * t.to(g.dtype)).sum() for g, t in used if g.requires_grad]
        outer = any(t.requires_grad or rg for _, t, rg in duals)
        if not terms:
            return y.detach().new_zeros(y.shape)
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        (j,) = _grad(total, [u], create_graph=outer, allow_unused=True)
    if j is None:
        return y.detach().new_zeros(y.shape)
    return j if outer else j.detach()


def unpack_dual(tensor, *, level=None):
    """``UnpackedDualTensor(primal, tangent)`` of ``tensor`` in the current level; the tangent
    is None when ``tensor`` does not depend on a dual tensor of the level.

    >>> import ember.autograd.forward_ad as fwAD
    >>> x = ember.tensor([1., 2.], dtype=ember.float64)
    >>> with fwAD.dual_level():
    ...     d = fwAD.make_dual(x, ember.ones(2, dtype=ember.float64))
    ...     p, t = fwAD.unpack_dual((d * d).sum())
    >>> p, t
    (tensor(5., dtype=torch.float64), tensor(6., dtype=torch.float64))
    """
    if _STATE["level"] < 0 and level is None:
        return UnpackedDualTensor(tensor, None)
    if not isinstance(tensor, Tensor):
        raise TypeError("_unpack_dual(): argument 'dual' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    _check_level(level, "_unpack_dual")
    duals = list(_STATE["duals"].values())
    own = _STATE["duals"].get(id(tensor))
    if own is not None and own[0] is tensor:
        tangent = own[1]
    elif duals and tensor.requires_grad:
        tangent = _jvp(tensor, duals)
    else:
        tangent = None
    if tangent is None:
        primal = tensor
    elif any(rg for _, _, rg in duals):   # keep the graph back to primals that require grad
        primal = tensor.view_as(tensor)
    else:
        primal = tensor.detach()
    return UnpackedDualTensor(primal, tangent)


class dual_level:
    """Context manager (or decorator) for one forward-AD level: ``with dual_level():``.

    >>> import ember.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level() as lvl:
    ...     lvl
    0
    """

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with dual_level():
                return fn(*args, **kwargs)
        return wrapper
