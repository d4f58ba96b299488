"""In-place comparisons: ``eq_``, ``ne_``, ``lt_``, ``le_``, ``gt_``, ``ge_`` and their aliases
(``greater_``, ``greater_equal_``, ``less_``, ``less_equal_``, ``not_equal_``).

An in-place comparison writes 1/0 in ``self``'s dtype. As in PyTorch, a tensor in the graph
stays in it (``EqBackward0``; the gradient through a comparison is zero).

>>> x = ember.tensor([1., 2., 3.])
>>> x.lt_(2.5)
tensor([1., 1., 0.])
"""
from .._util import np, Tensor, _wrap, Op, apply_op, grad_on, copy_into, _state
from .history import inplace_op
from ..._errors import output_shape_error
from ..elementwise.comparison import TABLE as _CMP

__all__ = []


# ---------------------------------------------------------------- comparisons
class _CmpScalar(Op):
    """``self <op> scalar`` in ``self``'s dtype; the values come precomputed."""

    @staticmethod
    def forward(ctx, a, values):
        return values.astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        return _wrap(np.zeros_like(g._data))


class _CmpTensor(Op):
    """``self <op> other`` (a tensor) in ``self``'s dtype; zero gradient for both."""

    @staticmethod
    def forward(ctx, a, b, values):
        ctx.b_shape = b.shape
        return values.astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        gb = _wrap(np.zeros(ctx.b_shape, g._data.dtype)) if ctx.needs_input_grad[1] else None
        return _wrap(np.zeros_like(g._data)), gb


def _cmp_classes(name):
    cap = name.capitalize()
    c0 = type(cap + "Inplace0", (_CmpScalar,), {"_name": cap + "Backward0"})
    c1 = type(cap + "Inplace1", (_CmpTensor,), {"_name": cap + "Backward1"})
    return c0, c1


def _cmp_inplace(name, ufunc):
    c0, c1 = _cmp_classes(name)
    compare = _CMP[name][1]

    def method(self, other):
        r = compare(self, other)._data
        shape = self._data.shape
        if r.shape != shape and np.broadcast_shapes(r.shape, shape) != shape:
            raise output_shape_error(shape, np.broadcast_shapes(r.shape, shape))
        ot = isinstance(other, Tensor)
        if not grad_on(self, *((other,) if ot else ())) and not (self._base is not None and self._base._rg
                                                                and _state[0]):
            copy_into(self._data, r)  # nothing to record: one pass writing 1/0 into self
            self._bump()
            return self
        if ot:
            return inplace_op(self, lambda s: apply_op(c1, (s, other), r), other)
        return inplace_op(self, lambda s: apply_op(c0, (s,), r))
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = (f"In-place :func:`{name}`: ``self`` holds 1 where it holds, else 0, in its own dtype.\n\n"
                      f"    >>> ember.tensor([1, 2, 3]).{name}_(2)\n"
                      f"    tensor({ufunc(np.array([1, 2, 3]), 2).astype(int).tolist()})\n")
    return method


eq_ = _cmp_inplace("eq", np.equal)
ne_ = _cmp_inplace("ne", np.not_equal)
lt_ = _cmp_inplace("lt", np.less)
le_ = _cmp_inplace("le", np.less_equal)
gt_ = _cmp_inplace("gt", np.greater)
ge_ = _cmp_inplace("ge", np.greater_equal)


TENSOR_METHODS = {
    "eq_": eq_, "ne_": ne_, "lt_": lt_, "le_": le_, "gt_": gt_, "ge_": ge_,
    "greater_": gt_, "greater_equal_": ge_, "less_": lt_, "less_equal_": le_, "not_equal_": ne_,
}
