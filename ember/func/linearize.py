"""``torch.func.linearize`` (a function's value and its JVP at fixed primals) and
``torch.func.functionalize`` (on ember's eager ops, the function itself: mutations of the
inputs happen as they would after PyTorch's functionalization copies them back).

>>> out, jvp_fn = ember.func.linearize(lambda x: x ** 2, ember.tensor([3.]))
>>> out, jvp_fn(ember.tensor([1.]))
(tensor([9.]), tensor([6.]))
"""
import functools

from .transforms import jvp
from ._pytree import flatten

__all__ = ["linearize", "functionalize"]


def linearize(func, *primals):
    """``(output, jvp_fn)``: ``func(*primals)`` and the function mapping tangents (shaped and
    typed as ``primals``) to the Jacobian-vector product at ``primals``.

    >>> x = ember.tensor([0., 1.])
    >>> out, jvp_fn = ember.func.linearize(lambda x: (x.sin(), x * 2), x)
    >>> jvp_fn(ember.ones(2))
    (tensor([1.0000, 0.5403]), tensor([2., 2.]))
    """
    from ..utils._pytree import tree_structure
    p_leaves, _ = flatten(primals)
    p_spec = tree_structure(primals)
    out, _ = jvp(func, primals, tuple(p.detach().new_zeros(p.shape) for p in primals))

    def jvp_fn(*tangents):
        t_leaves, _ = flatten(tangents)
        t_spec = tree_structure(tangents)
        if t_spec != p_spec:
            raise RuntimeError(f"Expected the tangents {t_spec} to have the same argspec "
                               f"as the primals {p_spec}")
        for i, (p, t) in enumerate(zip(p_leaves, t_leaves)):
            if tuple(t.shape) != tuple(p.shape):
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree doesn't "
                                   f"match the shape {p.shape} of the corresponding primal.")
            if t.dtype != p.dtype:
                raise RuntimeError(f"tangent:{i} with dtype {t.dtype} in flattened pytree doesn't "
                                   f"match the dtype {p.dtype} of the corresponding primal.")
        return jvp(func, primals, tangents)[1]
    return out, jvp_fn


_REMOVE = ("mutations", "mutations_and_views")


def functionalize(func, *, remove="mutations"):
    """``func`` as a function without observable in-place side effects beyond its inputs'
    final values. ember runs eagerly with no tracing, so this returns a wrapper that calls
    ``func`` directly: the results and the inputs' final values are what PyTorch's
    functionalized program produces.

    >>> f = ember.func.functionalize(lambda x: x.add_(1) * 2)
    >>> x = ember.zeros(2); f(x), x
    (tensor([2., 2.]), tensor([1., 1.]))
    """
    if remove not in _REMOVE:
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. "
            "Valid options are:\n     remove='mutations': all inplace and out= operators will be "
            "removed from the program, and replaced with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators "
            "{view} will be replaced with their non-aliasing counterparts, {view}_copy.\n")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapped
