"""Products: matmul and its family (mm, bmm, mv, dot, vdot, inner, outer, ger). Each forward
is one BLAS call on arrays of the inputs' own dtype (float32 stays float32); each backward
is a couple of matmuls written in Tensor ops. addmm and friends live in ops/linalg/add_products.py,
einsum/tensordot/kron in ops/linalg/contractions.py, cross/cdist in ops/linalg/cross_dist.py and the
top-level names of ember.linalg functions (torch.det, torch.svd, ...) in ops/linalg/linalg_funcs.py.

>>> a = ember.ones(2, 3, requires_grad=True)
>>> (a @ ember.ones(3, 4)).sum().backward(); a.grad
tensor([[4., 4., 4.],
        [4., 4., 4.]])
"""
from ..._backend import raises_oom_as_runtime_error as _oom
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, _NOGRAD
from ..._errors import broadcast_shape
from ..._parallel_gemm import gemm

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger"]


from ..._dtype_names import SCALAR_NAMES as _UPPER  # noqa: E402
from ..._dtype_names import TYPEID_NAMES as _LOWER  # noqa: E402


def _up(a):
    return _UPPER.get(D.NP2DT[a.dtype].name, str(a.dtype))


def _low(a):
    return _LOWER.get(D.NP2DT[a.dtype].name, str(a.dtype))


def _x(shape):
    return "x".join(str(s) for s in shape)


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _tensor(x):
    if isinstance(x, Tensor):
        return x
    raise TypeError(f"expected Tensor as element 0 in argument 0, but got {type(x).__name__}")


def _no_bool(a, what):
    if a.dtype.kind == "b":
        raise NotImplementedError(f"\"{what}\" not implemented for 'Bool'")


def _broadcast_batch(ba, bb):
    """PyTorch's broadcast of two batch shapes, with its error naming the dimension."""
    return broadcast_shape(ba, bb)


def _check_matmul(a, b):
    """Raise PyTorch's error for operands that matmul cannot multiply; return the node class."""
    sa, sb = a.shape, b.shape
    na, nb = len(sa), len(sb)
    if na == 2 and nb == 2:  # the hot path: a few comparisons only
        if sa[1] != sb[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_x(sa)} and {_x(sb)})")
        da = a.dtype
        if da is not b.dtype and da != b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_low(a)} != {_low(b)}")
        if da.kind == "b":
            _no_bool(a, "addmm_impl_cpu_")
        return Mm
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        _check_dot(a, b)
        return Dot
    if nb == 1:  # matrix (or folded batch of matrices) @ vector
        rows = _prod(sa[:-1])
        if sa[-1] != sb[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})")
        if a.dtype != b.dtype:
            raise RuntimeError("addmv input tensors must have the same dtype, but got "
                               f"{_up(b)}, {_up(a)}, and {_up(b)}")
        _no_bool(a, "addmv_impl_cpu")
        return Mv if na == 2 else Matmul
    if na == 1 and nb == 2:
        if sa[0] != sb[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied (1x{sa[0]} and {_x(sb)})")
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_low(a)} != {_low(b)}")
        _no_bool(a, "addmm_impl_cpu_")
        return VecMat
    if nb == 2:  # batch of matrices folded into one matrix
        rows = _prod(sa[:-1])
        if sa[-1] != sb[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{sa[-1]} and {_x(sb)})")
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_low(a)} != {_low(b)}")
        _no_bool(a, "addmm_impl_cpu_")
        return Matmul
    batch = _broadcast_batch(sa[:-2], sb[:-2])
    if sa[-1] != sb[-2]:
        n = _prod(batch)
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{n}, {sa[-1]}] but got: [{n}, {sb[-2]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_up(a)} but found {_up(b)}")
    _no_bool(a, "bmm")
    return Matmul


def _check_dot(a, b, name="dot"):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the "
                           f"same number of elements, but got {n} and {m} elements respectively")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found {_up(a)} and {_up(b)}")
    _no_bool(a, name)


def _matmul_np(a, b):
    """One BLAS call; a contiguous batch of matrices times a matrix is folded into one GEMM."""
    if a.ndim > 2 and b.ndim <= 2 and a.flags.c_contiguous:
        k = a.shape[-1]
        out = gemm(a.reshape(-1, k), b)
        out = out.reshape(a.shape[:-1] + out.shape[1:])
    else:
        out = gemm(a, b)
    if out.dtype != a.dtype:  # bfloat16: NumPy computes in float32; keep the input dtype as PyTorch
        out = out.astype(a.dtype)
    return out


def _matmul_grads(a, b, g, need_a, need_b):
    """Gradients of ``a @ b`` (Tensors, PyTorch's rank rules) for output gradient ``g``.

    Batch dims that were broadcast are summed by the engine; a 2-D operand facing a batch is
    handled by folding the batch into one GEMM instead.
    """
    na, nb = a.ndim, b.ndim
    ga = gb = None
    if a._data.dtype.kind == "c":  # complex: the gradients use the conjugates (as constants)
        a = _wrap(np.conj(a._data))
    if b._data.dtype.kind == "c":
        b = _wrap(np.conj(b._data))
    if na == 1 and nb == 1:
        if need_a:
            ga = g * b
        if need_b:
            gb = g * a
    elif nb == 1:                      # (..., m, k) @ (k,) -> (..., m)
        if need_a:
            ga = g.unsqueeze(-1) * b
        if need_b:
            gb = matmul(g.reshape(-1), a.reshape(-1, a.shape[-1]))
    elif na == 1:                      # (k,) @ (..., k, n) -> (..., n)
        if need_a:
            ga = matmul(b, g.unsqueeze(-1)).squeeze(-1)
        if need_b:
            gb = a.unsqueeze(-1) * g.unsqueeze(-2)
    else:
        if need_a:
            if na == 2 and nb > 2:     # sum over b's batch in one GEMM
                m = g.shape[-2]
                ga = matmul(g.movedim(-2, 0).reshape(m, -1), b.mT.reshape(-1, b.shape[-2]))
            else:
                ga = matmul(g, b.mT)
        if need_b:
            if nb == 2 and na > 2:
                gb = matmul(a.reshape(-1, a.shape[-1]).mT, g.reshape(-1, g.shape[-1]))
            else:
                gb = matmul(a.mT, g)
    return ga, gb


class Matmul(Op):
    """``a @ b`` for any ranks (the node class only changes the name PyTorch shows)."""

    _name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _matmul_np(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return _matmul_grads(a, b, g, na, nb)


class Mm(Matmul):
    _name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):  # (two matrices: _matmul_np's one GEMM, inlined)
        if ctx is not _NOGRAD:
            ctx._saved = (a, b)
        r = gemm(a, b)
        return r if r.dtype == a.dtype else r.astype(a.dtype)


class Mv(Matmul):
    _name = "MvBackward0"


class Dot(Matmul):
    _name = "DotBackward0"


class VecMat(Matmul):
    _name = "SqueezeBackward4"


class Bmm(Matmul):
    _name = "BmmBackward0"


def _out(r, out):
    if out is None:
        return r
    from ..elementwise.arithmetic import _out as o
    return o(r, out)


@_oom
def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands.

    >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
    torch.Size([2])
    >>> ember.matmul(ember.ones(5, 2, 3), ember.ones(3, 4)).shape
    torch.Size([5, 2, 4])
    """
    if (input.__class__ is not Tensor and input.layout is not _strided) or \
            (other.__class__ is not Tensor and other.layout is not _strided):  # sparse COO/CSR
        return _sparse_product(input, other)
    if _ac_on[0]:
        input, other = _ac.lower(input, other)
    a, b = input._data, other._data
    cls = _check_matmul(a, b)
    r = apply_op(cls, (input, other))
    return r if out is None else _out(r, out)


@_oom
def _dunder_matmul(self, other):
    if _ac_on[0]:
        self, other = _ac.lower(self, other)
    if not isinstance(other, Tensor):
        if other.__class__ is not np.ndarray:
            return NotImplemented
        dt = np.result_type(self._data, other)    # (PyTorch lets NumPy compute it: NumPy's dtype)
        other = _wrap(other.astype(dt, copy=False))
        if self._data.dtype != dt:
            self = self.to(D.to_dtype(dt))
    a, b = self._data, other._data
    cls = _check_matmul(a, b)
    return apply_op(cls, (self, other))


def _dunder_rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


@_oom
def mm(input, mat2, *, out=None):
    """Product of two matrices.

    >>> ember.mm(ember.eye(2), ember.tensor([[1., 2.], [3., 4.]]))
    tensor([[1., 2.],
            [3., 4.]])
    """
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2, out=out)


from ..._layout import strided as _strided  # noqa: E402


def _sparse_product(input, other):
    """A product with a sparse COO operand: computed on its stored entries (dense result)."""
    from ..._sparse_ops import _matmul
    if input.layout is not _strided and other.layout is not _strided:
        return _matmul(input, other.to_dense()).to_sparse()
    return _matmul(input, other)


def _check_bmm(a, b):
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_up(a)} but found {_up(b)}")
    _no_bool(a, "bmm")


@_oom
def bmm(input, mat2, *, out=None):
    """Batched product of two 3-D tensors of matrices (no broadcasting).

    >>> ember.bmm(ember.ones(4, 2, 3), ember.ones(4, 3, 5)).shape
    torch.Size([4, 2, 5])
    """
    if _ac_on[0]:
        input, mat2 = _ac.lower(input, mat2)
    _check_bmm(input._data, mat2._data)
    return _out(apply_op(Bmm, (input, mat2)), out)


def mv(input, vec, *, out=None):
    """Matrix-vector product.

    >>> ember.mv(ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if _ac_on[0]:  # not on PyTorch's autocast lists
        with _ac.suspended():
            return matmul(input, vec, out=out)
    return matmul(input, vec, out=out)


def dot(input, tensor, *, out=None):
    """Dot product of two 1-D tensors of the same dtype.

    >>> ember.dot(ember.tensor([2, 3]), ember.tensor([2, 1]))
    tensor(7)
    """
    _check_dot(input._data, tensor._data)
    if _ac_on[0]:  # not on PyTorch's autocast lists: the inner matmul must not cast
        with _ac.suspended():
            return matmul(input, tensor, out=out)
    return matmul(input, tensor, out=out)


def vdot(input, other, *, out=None):
    """Dot product of two 1-D tensors, conjugating the first (for complex inputs).

    >>> ember.vdot(ember.tensor([2., 3.]), ember.tensor([2., 1.]))
    tensor(7.)
    """
    a = input._data
    _check_dot(a, other._data, "vdot")
    if a.dtype.kind == "c":
        if input._rg and _state[0]:
            raise NotImplementedError("ember: the derivative of vdot for complex inputs is not implemented")
        input = _wrap(np.conj(a))
    if _ac_on[0]:  # not on PyTorch's autocast lists
        with _ac.suspended():
            return matmul(input, other, out=out)
    return matmul(input, other, out=out)


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of both inputs (a scalar multiplies).

    >>> ember.inner(ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if input.ndim == 0 or other.ndim == 0:
        return _out(input * other, out)
    if _ac_on[0] and input.ndim == 1 and other.ndim == 1:  # a dot in PyTorch: no autocast
        with _ac.suspended():
            return inner(input, other, out=out)
    if input._data.dtype != other._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    k, k2 = input.shape[-1], other.shape[-1]
    if k != k2:
        raise RuntimeError("inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    if other.ndim == 1:
        return _out(matmul(input, other), out)
    r = matmul(input.reshape(-1, k), other.reshape(-1, k).mT)
    return _out(r.reshape(tuple(input.shape[:-1]) + tuple(other.shape[:-1])), out)


def outer(input, vec2, *, out=None):
    """Outer product of two vectors (with type promotion).

    >>> ember.outer(ember.tensor([1., 2.]), ember.tensor([1., 10., 100.]))
    tensor([[  1.,  10., 100.],
            [  2.,  20., 200.]])
    """
    if input.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D")
    if vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return _out(input.unsqueeze(1) * vec2, out)


def ger(input, vec2, *, out=None):
    """Alias of :func:`outer`.

    >>> ember.ger(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[3, 4],
            [6, 8]])
    """
    return outer(input, vec2, out=out)


TENSOR_METHODS = {
    "__matmul__": _dunder_matmul, "__rmatmul__": _dunder_rmatmul, "matmul": matmul, "mm": mm, "bmm": bmm,
    "mv": mv, "dot": dot, "vdot": vdot, "inner": inner, "outer": outer, "ger": ger,
}
