"""``input * beta + alpha * product``: addmm, addmv, baddbmm, addbmm, addr (and their in-place
forms), and chain_matmul.
One BLAS call forward (the add fused where NumPy allows); backward in Tensor ops.

>>> ember.addmm(ember.ones(2, 2), ember.ones(2, 3), ember.ones(3, 2), beta=0.5)
tensor([[3.5000, 3.5000],
        [3.5000, 3.5000]])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import _wrap, Op, apply_op, _state
from ..inplace.history import inplace_op
from .products import (_check_bmm, _check_matmul, _low, _matmul_grads, _matmul_np, _out, _up, _x,
                     matmul, outer)

__all__ = ["addmm", "addmv", "addbmm", "baddbmm", "addr", "chain_matmul", "addmv_"]


# ------------------------------------------------------------------ add + alpha * product
class AddProd(Op):
    """``beta * input + alpha * (a @ b)`` in one node (addmm, addmv, baddbmm)."""

    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        r = _matmul_np(a, b)
        if alpha != 1:
            r *= alpha
        if beta != 0:
            r += c if beta == 1 else c * beta
        return r

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        nc, na, nb = ctx.needs_input_grad
        gc = None
        if nc:
            gc = g if ctx.beta == 1 else g * ctx.beta
        if ctx.alpha != 1 and (na or nb):
            g = g * ctx.alpha
        ga, gb = _matmul_grads(a, b, g, na, nb)
        return gc, ga, gb


class Addmm(AddProd):
    pass


class Addmv(AddProd):
    pass


class Baddbmm(AddProd):
    pass


def _add_prod(cls, input, a, b, beta, alpha, shape, out):
    c = input._data
    if c.shape != shape and not _broadcasts(c.shape, shape):
        input.expand(shape)  # PyTorch's "The expanded size ..." error (the forward broadcasts c itself)
    if c.dtype != a._data.dtype:
        if cls is Addmv:
            raise RuntimeError("addmv input tensors must have the same dtype, but got "
                               f"{_up(c)}, {_up(a._data)}, and {_up(b._data)}")
        if cls is Baddbmm:
            raise RuntimeError(f"Input dtypes must be the same, got: input {_low(c)}, batch1: {_low(a._data)}, "
                               f"batch2: {_low(b._data)}")
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_up(c)} and {_up(b._data)}")
    if _state[0] and (input._rg or a._rg or b._rg):
        r = apply_op(cls, (input, a, b), beta, alpha)
    else:
        r = _wrap(cls.forward(_NoCtx, input._data, a._data, b._data, beta, alpha))
    return _out(r, out)


def _broadcasts(small, shape):
    """Whether an array of shape ``small`` broadcasts to ``shape`` (no leading dims added)."""
    if len(small) > len(shape):
        return False
    return all(s == 1 or s == t for s, t in zip(small[::-1], shape[::-1]))


class _NoCtxT:
    def save_for_backward(self, *a):
        pass


_NoCtx = _NoCtxT()


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to the product's shape.

    >>> ember.addmm(ember.ones(2), ember.eye(2), ember.eye(2), beta=0.5, alpha=2)
    tensor([[2.5000, 0.5000],
            [0.5000, 2.5000]])
    """
    if _ac_on[0]:
        input, mat1, mat2 = _ac.lower(input, mat1, mat2)
    if mat1.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2.ndim}-D tensor")
    _check_matmul(mat1._data, mat2._data)
    return _add_prod(Addmm, input, mat1, mat2, beta, alpha, (mat1.shape[0], mat2.shape[1]), out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``.

    >>> ember.addmv(ember.ones(2), ember.eye(2), ember.tensor([1., 2.]))
    tensor([2., 3.])
    """
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    n = mat.shape[0]
    if mat.shape[1] != vec.shape[0] or (input.ndim == 1 and input.shape[0] not in (1, n)):
        isz = input.shape[0] if input.ndim else 1
        raise RuntimeError(f"size mismatch, got input ({isz}), mat ({_x(mat.shape)}), vec ({vec.shape[0]})")
    _check_matmul(mat._data, vec._data)
    return _add_prod(Addmv, input, mat, vec, beta, alpha, (n,), out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``.

    >>> ember.baddbmm(ember.zeros(2, 1, 1), ember.ones(2, 1, 3), ember.ones(2, 3, 1)).flatten()
    tensor([3., 3.])
    """
    if _ac_on[0]:
        input, batch1, batch2 = _ac.lower(input, batch1, batch2)
    _check_bmm(batch1._data, batch2._data)
    shape = (batch1.shape[0], batch1.shape[1], batch2.shape[2])
    return _add_prod(Baddbmm, input, batch1, batch2, beta, alpha, shape, out)


class Addbmm(Op):
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``."""

    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        B, m, k = a.shape
        # one GEMM: (m, B*k) @ (B*k, p)
        r = _matmul_np(a.transpose(1, 0, 2).reshape(m, B * k), b.reshape(B * k, b.shape[2]))
        if alpha != 1:
            r *= alpha
        if beta != 0:
            r += c if beta == 1 else c * beta
        return r

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        nc, na, nb = ctx.needs_input_grad
        gc = (g if ctx.beta == 1 else g * ctx.beta) if nc else None
        if ctx.alpha != 1:
            g = g * ctx.alpha
        ga = matmul(g, b.mT) if na else None       # (B, m, k), g broadcast over the batch
        gb = matmul(a.mT, g) if nb else None       # (B, k, p)
        return gc, ga, gb


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``.

    >>> ember.addbmm(ember.zeros(1, 1), ember.ones(2, 1, 3), ember.ones(2, 3, 1))
    tensor([[6.]])
    """
    if _ac_on[0]:
        input, batch1, batch2 = _ac.lower(input, batch1, batch2)
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} "
                           f"and {batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")
    _check_bmm(batch1._data, batch2._data)
    return _add_prod(Addbmm, input, batch1, batch2, beta, alpha, (batch1.shape[1], batch2.shape[2]), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``.

    >>> ember.addr(ember.zeros(2, 2), ember.tensor([1., 2.]), ember.tensor([1., 1.]))
    tensor([[1., 1.],
            [2., 2.]])
    """
    r = outer(vec1, vec2)
    if alpha != 1:
        r = r * alpha
    inp = input.expand(r.shape)
    if beta != 0:
        r = (inp if beta == 1 else inp * beta) + r
    return _out(r, out)


def chain_matmul(*matrices, out=None):
    """Product of a chain of 2-D matrices.

    >>> ember.chain_matmul(ember.eye(2), ember.ones(2, 3), ember.ones(3, 1))
    tensor([[3.],
            [3.]])
    """
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = matrices[0]
    from .matrix_functions import multi_dot
    return _out(multi_dot(matrices), out)


# ------------------------------------------------------------------ in place
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


addmm_ = _prod_inplace(addmm, """    >>> ember.zeros(2, 2).addmm_(ember.ones(2, 3), ember.ones(3, 2), alpha=2)
    tensor([[6., 6.],
            [6., 6.]])
""")
addmv_ = _prod_inplace(addmv, """    >>> ember.zeros(2).addmv_(ember.eye(2), ember.tensor([1., 2.]))
    tensor([1., 2.])
""")
addbmm_ = _prod_inplace(addbmm, """    >>> ember.zeros(1, 1).addbmm_(ember.ones(2, 1, 3), ember.ones(2, 3, 1))
    tensor([[6.]])
""")
baddbmm_ = _prod_inplace(baddbmm, """    >>> ember.zeros(1, 1, 1).baddbmm_(ember.ones(1, 1, 3), ember.ones(1, 3, 1))
    tensor([[[3.]]])
""")
_addr_ = _prod_inplace(addr, "")


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
    "addmm": addmm, "addmv": addmv, "addbmm": addbmm, "baddbmm": baddbmm, "addr": addr,
    "addmm_": addmm_, "addmv_": addmv_, "addr_": addr_, "addbmm_": addbmm_, "baddbmm_": baddbmm_,
}
