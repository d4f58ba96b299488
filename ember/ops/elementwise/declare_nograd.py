"""Declaring an elementwise op that has no gradient: the comparisons, logical and bitwise ops.

Their results are bool or integer tensors, so no graph node is ever kept for them; like every
op they still enter through ``apply_op`` (its no-grad branch is their path), where the per-thread
op observer (graph capture) sees them. A family's table row gives the op's name, its forward on
arrays and the argument handling that ends in ``apply_op`` (shared by the rows of a family);
:func:`nograd` makes from it the Op class and the public function with an ``out=`` keyword.

>>> from ember.ops.elementwise.declare_nograd import nograd
>>> from ember.ops.elementwise.operands import _unary
>>> IsOdd, is_odd = nograd("is_odd", lambda ctx, a: a % 2 == 1,
...                        lambda cls, x: _unary(cls, x, "is_odd"), arity=1, doc="Odd.", module=__name__)
>>> is_odd(ember.tensor([1, 2, 3]))
tensor([ True, False,  True])
"""
from .._util import Op
from .arithmetic import _out

__all__ = []


class NoGradOp(Op):
    """Base of the ops whose results carry no gradient (bool or integer outputs)."""

    __slots__ = ()
    _saves_inputs = False

    @staticmethod
    def backward(ctx, *grads):  # pragma: no cover - a bool/integer output is never recorded
        raise RuntimeError(f"{type(ctx).__name__} has no gradient")


def nograd(name, forward, call, *, doc, module, arity=2, op_name=None):
    """Declare no-gradient op ``name``: ``forward(ctx, *arrays, *args)`` computes it on arrays,
    ``call(cls, *inputs)`` checks and normalises the ``arity`` inputs and ends in
    ``apply_op(cls, ...)``. Returns ``(Op class, public function)``; the function takes ``out=``.
    ``module`` is the family module's ``__name__`` (where the docstring example runs)."""
    cname = op_name or "".join(p[:1].upper() + p[1:] for p in name.split("_"))
    cls = type(cname, (NoGradOp,), {
        "__slots__": (), "__module__": module, "__doc__": f"The op of :func:`{name}` (no gradient).",
        "forward": staticmethod(forward)})
    if arity == 2:
        def f(input, other, *, out=None):
            r = call(cls, input, other)
            return r if out is None else _out(r, out, input, other)
    elif arity == 1:
        def f(input, *, out=None):
            r = call(cls, input)
            return r if out is None else _out(r, out, input)
    else:
        raise ValueError(f"arity must be 1 or 2, not {arity!r}")
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    f.__module__ = module
    return cls, f
