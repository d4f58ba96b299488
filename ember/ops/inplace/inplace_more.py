"""More in-place forms: comparisons (``eq_`` ... ``ge_`` and their aliases), ``absolute_``,
``negative_`` and the add-product family (``addmm_``, ``addmv_``, ``addr_``, ``addbmm_``,
``baddbmm_``).

An in-place comparison writes 1/0 in ``self``'s dtype. As in PyTorch, a tensor in the graph
stays in it (``EqBackward0``; the gradient through a comparison is zero).

>>> x = ember.tensor([1., 2., 3.])
>>> x.lt_(2.5)
tensor([1., 1., 0.])
"""
from .._util import np, Tensor, _wrap, Op, apply_op, grad_on, copy_into, _state
from .history import inplace_op
from ..elementwise import arithmetic as _E
from ..elementwise.comparison import _compare
from ..linalg import add_products as _L

__all__ = ["negative_", "addmv_"]


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

    def method(self, other):
        r = _compare(ufunc, self, other)._data
        shape = self._data.shape
        if r.shape != shape and np.broadcast_shapes(r.shape, shape) != shape:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                               f"{list(np.broadcast_shapes(r.shape, shape))}")
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


# ---------------------------------------------------------------- unary aliases
def absolute_(self):
    """In-place :func:`absolute` (the same as ``abs_``).

    >>> ember.tensor([-1., 2.]).absolute_()
    tensor([1., 2.])
    """
    return _E.TENSOR_METHODS["abs_"](self)


def negative_(input):
    """In-place :func:`negative` (the same as ``neg_``); returns ``input``.

    >>> ember.negative_(ember.tensor([1., -2.]))
    tensor([-1.,  2.])
    """
    return _E.TENSOR_METHODS["neg_"](input)


# ---------------------------------------------------------------- add + product, in place
def _same_shape(r, s):
    if r._data.shape != s._data.shape:
        raise RuntimeError(f"Bad in-place call: input tensor size {list(s._data.shape)} and output tensor "
                           f"size {list(r._data.shape)} should match")
    return r


def _prod_inplace(fn, doc):
    def method(self, a, b, *, beta=1, alpha=1):
        return inplace_op(self, lambda s: _same_shape(fn(s, a, b, beta=beta, alpha=alpha), s), a, b)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`: the result must have ``self``'s shape.\n\n{doc}"
    return method


addmm_ = _prod_inplace(_L.addmm, """    >>> ember.zeros(2, 2).addmm_(ember.ones(2, 3), ember.ones(3, 2), alpha=2)
    tensor([[6., 6.],
            [6., 6.]])
""")
addmv_ = _prod_inplace(_L.addmv, """    >>> ember.zeros(2).addmv_(ember.eye(2), ember.tensor([1., 2.]))
    tensor([1., 2.])
""")
addbmm_ = _prod_inplace(_L.addbmm, """    >>> ember.zeros(1, 1).addbmm_(ember.ones(2, 1, 3), ember.ones(2, 3, 1))
    tensor([[6.]])
""")
baddbmm_ = _prod_inplace(_L.baddbmm, """    >>> ember.zeros(1, 1, 1).baddbmm_(ember.ones(1, 1, 3), ember.ones(1, 3, 1))
    tensor([[[3.]]])
""")
_addr_ = _prod_inplace(_L.addr, "")


def addr_(self, vec1, vec2, *, beta=1, alpha=1):
    """In-place :func:`addr`: ``self`` (a matrix) becomes ``beta * self + alpha * outer(vec1, vec2)``.

    >>> ember.zeros(2, 2).addr_(ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    tensor([[1., 1.],
            [2., 2.]])
    """
    if self._data.ndim != 2:
        raise RuntimeError(f"2D tensor expected, got {self._data.ndim}D tensor for input")
    for n, v in (("vec1", vec1), ("vec2", vec2)):
        if v._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {v._data.ndim}-D")
    want = (vec1._data.shape[0], vec2._data.shape[0])
    if self._data.shape != want:
        raise RuntimeError(f"size mismatch, input: {list(self._data.shape)}, v1: [{want[0]}], v2: [{want[1]}]")
    if self._data.dtype.kind in "biu" and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return _addr_(self, vec1, vec2, beta=beta, alpha=alpha)


TENSOR_METHODS = {
    "eq_": eq_, "ne_": ne_, "lt_": lt_, "le_": le_, "gt_": gt_, "ge_": ge_,
    "greater_": gt_, "greater_equal_": ge_, "less_": lt_, "less_equal_": le_, "not_equal_": ne_,
    "absolute_": absolute_, "negative_": negative_,
    "addmm_": addmm_, "addmv_": addmv_, "addr_": addr_, "addbmm_": addbmm_, "baddbmm_": baddbmm_,
}
