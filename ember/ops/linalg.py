"""Products: matmul and its family (mm, bmm, mv, dot, addmm, ...), einsum, tensordot, kron,
cross and cdist. Each forward is one BLAS call on arrays of the inputs' own dtype (float32
stays float32); each backward is a couple of matmuls written in Tensor ops.

>>> a = ember.ones(2, 3, requires_grad=True)
>>> (a @ ember.ones(3, 4)).sum().backward(); a.grad
tensor([[4., 4., 4.],
        [4., 4., 4.]])
"""
import functools
import string

from ._util import np, D, Tensor, _wrap, Op, apply_op, _state, norm_dim

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv",
           "addbmm", "baddbmm", "addr", "einsum", "tensordot", "kron", "cross", "cdist", "chain_matmul",
           "det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "norm", "dist", "matrix_power",
           "cholesky_solve", "cholesky_inverse", "matrix_exp", "svd", "qr", "pdist", "nuclear_norm", "lu_unpack"]

_UPPER = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
          "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_LOWER = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
          "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
          "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


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
    n = max(len(ba), len(bb))
    ba = (1,) * (n - len(ba)) + tuple(ba)
    bb = (1,) * (n - len(bb)) + tuple(bb)
    out = []
    for i, (x, y) in enumerate(zip(ba, bb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


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
        out = np.matmul(a.reshape(-1, k), b)
        out = out.reshape(a.shape[:-1] + out.shape[1:])
    else:
        out = np.matmul(a, b)
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
    from .elementwise import _out as o
    return o(r, out)


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands.

    >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
    torch.Size([2])
    >>> ember.matmul(ember.ones(5, 2, 3), ember.ones(3, 4)).shape
    torch.Size([5, 2, 4])
    """
    a, b = input._data, other._data
    cls = _check_matmul(a, b)
    if _state[0] and (input._rg or other._rg):
        r = apply_op(cls, (input, other))
    else:
        r = _wrap(np.matmul(a, b) if cls is Mm and a.dtype.kind != "V" else _matmul_np(a, b))
    return r if out is None else _out(r, out)


def _dunder_matmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    a, b = self._data, other._data
    cls = _check_matmul(a, b)
    if _state[0] and (self._rg or other._rg):
        return apply_op(cls, (self, other))
    return _wrap(np.matmul(a, b) if cls is Mm and a.dtype.kind != "V" else _matmul_np(a, b))


def _dunder_rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


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


def bmm(input, mat2, *, out=None):
    """Batched product of two 3-D tensors of matrices (no broadcasting).

    >>> ember.bmm(ember.ones(4, 2, 3), ember.ones(4, 3, 5)).shape
    torch.Size([4, 2, 5])
    """
    _check_bmm(input._data, mat2._data)
    if _state[0] and (input._rg or mat2._rg):
        r = apply_op(Bmm, (input, mat2))
    else:
        r = _wrap(_matmul_np(input._data, mat2._data))
    return _out(r, out)


def mv(input, vec, *, out=None):
    """Matrix-vector product.

    >>> ember.mv(ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    return matmul(input, vec, out=out)


def dot(input, tensor, *, out=None):
    """Dot product of two 1-D tensors of the same dtype.

    >>> ember.dot(ember.tensor([2, 3]), ember.tensor([2, 1]))
    tensor(7)
    """
    _check_dot(input._data, tensor._data)
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
    return matmul(input, other, out=out)


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of both inputs (a scalar multiplies).

    >>> ember.inner(ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if input.ndim == 0 or other.ndim == 0:
        return _out(input * other, out)
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
    if c.shape != shape:
        c = input.expand(shape)._data  # PyTorch's "The expanded size ..." error
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
    from .. import linalg
    return _out(linalg.multi_dot(matrices), out)


# ----------------------------------------------------------------------------- einsum
_LETTERS = string.ascii_letters


@functools.lru_cache(maxsize=512)
def _parse_einsum(eq, shapes):
    """Explicit form of an einsum equation: (input subscripts, output subscripts), no ellipsis."""
    eq = eq.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->", 1)
    else:
        lhs, rhs = eq, None
    subs = lhs.split(",")
    if len(subs) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(subs) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for i, (s, shp) in enumerate(zip(subs, shapes)):
        nl = len(s.replace("...", ""))
        if "..." in s:
            if nl > len(shp):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) is more than "
                                   f"the number of dimensions ({len(shp)}) for operand {i}")
            n_ell = max(n_ell, len(shp) - nl)
        elif nl != len(shp):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) does not match "
                               f"the number of dimensions ({len(shp)}) for operand {i} and no ellipsis was given")
    ell = "".join(fresh[:n_ell])
    out_subs = []
    for s, shp in zip(subs, shapes):
        if "..." in s:
            k = len(shp) - len(s.replace("...", ""))
            s = s.replace("...", ell[n_ell - k:] if k else "")
        out_subs.append(s)
    if rhs is None:
        joined = "".join(out_subs)
        rhs = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
        joined = "".join(out_subs)
        for c in rhs:
            if c not in joined:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for "
                                   "any input operand")
    # sizes must agree (or broadcast from 1)
    sizes = {}
    for i, (s, shp) in enumerate(zip(out_subs, shapes)):
        seen = {}
        for c, n in zip(s, shp):
            if c in seen and seen[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the sizes "
                                   f"don't match, {n} != {seen[c]}")
            seen[c] = n
            m = sizes.get(c, 1)
            if n != 1 and m != 1 and n != m:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not "
                                   f"broadcast with previously seen size {m}")
            sizes[c] = max(m, n) if n != 1 else m
    return tuple(out_subs), rhs


def _einsum_np(eq, arrays):
    if arrays and arrays[0].dtype.kind == "V":  # bfloat16: NumPy's einsum refuses it; go via float32
        dt = arrays[0].dtype
        return _einsum_np(eq, [a.astype(np.float32) for a in arrays]).astype(dt)
    # optimize=True routes contractions through BLAS (tensordot) but costs ~40 us of planning:
    # worth it for big operands or chains, not for tiny ones
    if len(arrays) > 2 or (len(arrays) == 2 and max(a.size for a in arrays) > 4096):
        r = np.einsum(eq, *arrays, optimize=True)
    else:
        r = np.einsum(eq, *arrays)
    r = np.asarray(r)
    for a in arrays:
        if np.may_share_memory(r, a):
            return r.copy()
    return r


class Einsum(Op):
    @staticmethod
    def forward(ctx, *args):
        arrays, (subs, out) = args[:-2], args[-2:]
        ctx.save_for_backward(*arrays)
        ctx.subs, ctx.outs = subs, out
        return _einsum_np(",".join(subs) + "->" + out, arrays)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        subs, outs = ctx.subs, ctx.outs
        used = set("".join(subs) + outs)
        fresh = [c for c in _LETTERS if c not in used]
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            parts, tens = [outs], [g]
            for j, s in enumerate(subs):
                if j != i:
                    parts.append(s)
                    tens.append(ops[j])
            avail = set("".join(parts))
            target, seen = [], set()
            shp = ops[i].shape
            npdt = g._data.dtype
            for c, n in zip(subs[i], shp):
                if c in seen:          # a repeated index: the gradient lies on a diagonal
                    f = fresh.pop()
                    parts.append(c + f)
                    tens.append(_wrap(np.eye(n, dtype=npdt)))
                    target.append(f)
                    continue
                seen.add(c)
                if c not in avail:     # summed away in the forward: broadcast back
                    parts.append(c)
                    tens.append(_wrap(np.ones(n, dtype=npdt)))
                    avail.add(c)
                target.append(c)
            grads.append(einsum(",".join(parts) + "->" + "".join(target), *tens))
        return tuple(grads)


def einsum(*args):
    """Einstein summation: ``einsum("ij,jk->ik", a, b)``, with ``...`` and the sublist form.

    >>> a = ember.arange(6.).reshape(2, 3)
    >>> ember.einsum("ij,ij->i", a, a)
    tensor([ 5., 50.])
    >>> ember.einsum("...ii->...i", ember.eye(2).expand(3, 2, 2)).shape
    torch.Size([3, 2])
    """
    if args and isinstance(args[0], str):
        eq, ops = args[0], args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
    else:
        eq, ops = _sublist_eq(args)
    ops = tuple(ops)
    for o in ops:
        if not isinstance(o, Tensor):
            raise TypeError(f"einsum(): expected Tensor operands, got {type(o).__name__}")
    subs, out = _parse_einsum(eq, tuple([o._data.shape for o in ops]))
    if ops:
        dt = ops[0]._data.dtype
        for o in ops[1:]:
            if o._data.dtype != dt:
                raise RuntimeError(f"expected scalar type {_up(ops[0]._data)} but found {_up(o._data)}")
    if _state[0] and any(o._rg for o in ops):
        return apply_op(Einsum, ops, subs, out)
    return _wrap(_einsum_np(",".join(subs) + "->" + out, [o._data for o in ops]))


def _sublist_eq(args):
    args = list(args)
    ops, subs = args[0::2], args[1::2]
    out = None
    if len(ops) > len(subs):  # a trailing output sublist has no operand
        pass
    if len(args) % 2 == 1:
        out = args[-1]
        ops = args[0:-1:2]
        subs = args[1:-1:2]

    def conv(sl):
        return "".join("..." if x is Ellipsis else _LETTERS[int(x)] for x in sl)
    eq = ",".join(conv(s) for s in subs)
    if out is not None:
        eq += "->" + conv(out)
    return eq, ops


# -------------------------------------------------------------------------- tensordot
def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` (an int, or a pair of dim lists) of ``a`` with those of ``b``.

    >>> ember.tensordot(ember.ones(2, 3, 4), ember.ones(3, 4, 5), dims=2).shape
    torch.Size([2, 5])
    >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 5), dims=([1], [0])).shape
    torch.Size([2, 5])
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
        shown_a = [d - a.ndim for d in da]
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
        shown_a = da
        da = [norm_dim(d, a.ndim) for d in da]
        db = [norm_dim(d, b.ndim) for d in db]
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for x, y, sx in zip(da, db, shown_a):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                               f"{sx} and second has size {b.shape[y]} in dim {y}")
    fa = [d for d in range(a.ndim) if d not in da]
    fb = [d for d in range(b.ndim) if d not in db]
    k = _prod([a.shape[d] for d in da])
    am = a.permute(fa + da).reshape(-1, k)
    bm = b.permute(db + fb).reshape(k, -1)
    r = matmul(am, bm).reshape([a.shape[d] for d in fa] + [b.shape[d] for d in fb])
    return _out(r, out)


def kron(input, other, *, out=None):
    """Kronecker product.

    >>> ember.kron(ember.eye(2), ember.tensor([[1, 2]]))
    tensor([[1., 2., 0., 0.],
            [0., 0., 1., 2.]])
    """
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = input.reshape([x for s in sa for x in (s, 1)])
    b = other.reshape([x for s in sb for x in (1, s)])
    return _out((a * b).reshape([x * y for x, y in zip(sa, sb)]), out)


# ------------------------------------------------------------------------------ cross
class Cross(Op):
    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return np.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (_cross(b, g, ctx.dim) if na else None), (_cross(g, a, ctx.dim) if nb else None)


def _cross(a, b, dim):
    if _state[0] and (a._rg or b._rg):
        return apply_op(Cross, (a, b), dim)
    return _wrap(np.cross(a._data, b._data, axis=dim))


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3).

    >>> ember.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"expected scalar type {_up(input._data)} but found {_up(other._data)}")
    shape = _broadcast_batch(input.shape, other.shape)
    if dim is None:
        import warnings
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the "
                      "dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to "
                      "agree with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
        shown = dim
    else:
        shown = dim
        dim = norm_dim(dim, input.ndim)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {shown} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    return _out(_cross(input, other, dim), out)


# ------------------------------------------------------------------------------ cdist
class Cdist(Op):
    @staticmethod
    def forward(ctx, x1, x2, p, use_mm):
        ctx.p = p
        if p == 2 and use_mm:
            sq1 = np.einsum("...i,...i->...", x1, x1)[..., :, None]
            sq2 = np.einsum("...i,...i->...", x2, x2)[..., None, :]
            d2 = sq1 + sq2 - 2 * np.matmul(x1, np.swapaxes(x2, -1, -2))
            out = np.sqrt(np.maximum(d2, 0))
        else:
            diff = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
            if p == 0:
                out = (diff != 0).sum(-1).astype(x1.dtype)
            elif p == float("inf"):
                out = diff.max(-1) if diff.shape[-1] else diff.sum(-1)
            elif p == 1:
                out = diff.sum(-1)
            elif p == 2:
                out = np.sqrt(np.einsum("...i,...i->...", diff, diff))
            else:
                out = (diff ** p).sum(-1) ** (1.0 / p)
        out = np.asarray(out, dtype=x1.dtype)
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x1, x2, dist = ctx.saved_tensors
        a, b, p, dist = x1._data, x2._data, ctx.p, dist._data
        diff = a[..., :, None, :] - b[..., None, :, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 0:
                coef = np.zeros_like(diff)
            elif p == 1:
                coef = np.sign(diff)
            elif p == 2:
                coef = diff / dist[..., None]
            elif p == float("inf"):
                ad = np.abs(diff)
                coef = np.sign(diff) * (ad == dist[..., None])
            else:
                coef = np.sign(diff) * np.abs(diff) ** (p - 1) / dist[..., None] ** (p - 1)
            coef = np.where(dist[..., None] == 0, 0, coef).astype(a.dtype)
        w = g.unsqueeze(-1) * _wrap(coef)          # (..., P, R, M)
        n1, n2 = ctx.needs_input_grad
        return (w.sum(-2) if n1 else None), (-w.sum(-3) if n2 else None)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise ``p``-norm distances between the rows of ``x1`` (..., P, M) and ``x2`` (..., R, M).

    >>> ember.cdist(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.], [1., 0.]]))
    tensor([[5., 1.]])
    """
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1._data.dtype.kind not in "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_up(x1._data)}")
    if x2._data.dtype.kind not in "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X2 got: {_up(x2._data)}")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(f"expected scalar type {_up(x1._data)} but found {_up(x2._data)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    _broadcast_batch(x1.shape[:-2], x2.shape[:-2])
    P, R = x1.shape[-2], x2.shape[-2]
    use_mm = (compute_mode == "use_mm_for_euclid_dist" or
              (compute_mode == "use_mm_for_euclid_dist_if_necessary" and (P > 25 or R > 25)))
    return apply_op(Cdist, (x1, x2), float(p), use_mm)


# ------------------------------------------- top-level names of ember.linalg functions
from .. import linalg as _la  # noqa: E402  (ember.linalg imports nothing from this module)


def det(input):
    """Determinant of a square matrix (or batch), as ``ember.linalg.det``.

    >>> ember.det(ember.tensor([[2., 0.], [0., 3.]]))
    tensor(6.)
    """
    return _la.det(input)


def logdet(input):
    """Log-determinant; nan for a negative determinant.

    >>> ember.logdet(ember.tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    return _la._logdet(input)


def slogdet(input):
    """Sign and log of the absolute determinant, as ``ember.linalg.slogdet``.

    >>> ember.slogdet(ember.tensor([[-2., 0.], [0., 3.]])).sign
    tensor(-1.)
    """
    return _la.slogdet(input)


def inverse(input, *, out=None):
    """Inverse of a square matrix, as ``ember.linalg.inv``.

    >>> ember.inverse(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    return _out(_la.inv(input), out)


def pinverse(input, rcond=1e-15):
    """Pseudo-inverse, as ``ember.linalg.pinv`` with ``rtol=rcond``.

    >>> ember.pinverse(ember.tensor([[2., 0.], [0., 0.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    return _la.pinv(input, rtol=rcond)


def cholesky(input, upper=False, *, out=None):
    """Cholesky factor (lower, or upper with ``upper=True``), as ``ember.linalg.cholesky``.

    >>> ember.cholesky(ember.tensor([[4., 0.], [0., 9.]]))
    tensor([[2., 0.],
            [0., 3.]])
    """
    return _out(_la.cholesky(input, upper=upper), out)


def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (inverse first for negative ``n``).

    >>> ember.matrix_power(ember.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    return _la.matrix_power(input, n)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """Solve ``A X = input`` given the Cholesky factor ``input2`` of ``A``.

    >>> ember.cholesky_solve(ember.tensor([[2.], [4.]]), ember.tensor([[1., 0.], [0., 2.]]))
    tensor([[2.],
            [1.]])
    """
    return _la.cholesky_solve(input, input2, upper, out=out)


def cholesky_inverse(input, upper=False, *, out=None):
    """Inverse of ``A`` given its Cholesky factor.

    >>> ember.cholesky_inverse(ember.tensor([[1., 0.], [0., 2.]]))
    tensor([[1.0000, 0.0000],
            [0.0000, 0.2500]])
    """
    return _la.cholesky_inverse(input, upper, out=out)


def matrix_exp(input):
    """Matrix exponential, as ``ember.linalg.matrix_exp``.

    >>> ember.matrix_exp(ember.tensor([[0., 1.], [0., 0.]]))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _la.matrix_exp(input)


def svd(input, some=True, compute_uv=True, *, out=None):
    """``torch.svd``: ``(U, S, V)`` with ``V`` (not ``Vh``); reduced unless ``some=False``.

    >>> ember.svd(ember.tensor([[3., 0.], [0., 2.]])).S
    tensor([3., 2.])
    """
    from .. import return_types as rt
    if not compute_uv:
        S = _la.svdvals(input)
        m, n = input.shape[-2], input.shape[-1]
        bs = tuple(input.shape[:-2])
        z = np.zeros
        dt = input._data.dtype
        U = _wrap(z(bs + (m, m), dt))   # PyTorch gives full-size zero U and V here
        V = _wrap(z(bs + (n, n), dt))
        return rt.svd((U, S, V))
    U, S, Vh = _la.svd(input, full_matrices=not some)
    return rt.svd((U, S, Vh.mT))


def qr(input, some=True, *, out=None):
    """``torch.qr``: reduced QR decomposition, or complete with ``some=False``.

    >>> ember.qr(ember.tensor([[2., 0.], [0., 3.]])).R.abs()
    tensor([[2., 0.],
            [0., 3.]])
    """
    from .. import return_types as rt
    Q, R = _la.qr(input, mode="reduced" if some else "complete")
    return rt.qr((Q, R))


def pdist(input, p=2):
    """Distances between all pairs of rows of a 2-D tensor (the upper triangle of ``cdist``).

    >>> ember.pdist(ember.tensor([[0., 0.], [3., 4.], [0., 1.]]))
    tensor([5.0000, 1.0000, 4.2426])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    d = cdist(input, input, p, compute_mode="donot_use_mm_for_euclid_dist")
    return d[_wrap(i), _wrap(j)]


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """Sum of the singular values over the last two dims (or ``dim``).

    >>> ember.nuclear_norm(ember.tensor([[3., 0.], [0., -2.]]))
    tensor(5.)
    """
    return _out(_la.matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim), out)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from a packed LU factorisation, as ``ember.linalg.lu_factor`` returns it.

    >>> P, L, U = ember.lu_unpack(*ember.linalg.lu_factor(ember.tensor([[0., 1.], [1., 0.]])))
    >>> P.tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    return _la.lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: Frobenius/2-norm by default, a vector p-norm, or 'nuc' over two dims.

    >>> ember.norm(ember.tensor([[3., 4.], [0., 0.]]))
    tensor(5.)
    >>> ember.norm(ember.tensor([[3., 4.], [0., 1.]]), p=1, dim=1)
    tensor([7., 1.])
    """
    if isinstance(dim, int):
        dim = (dim,)
    if p == "fro" and (dim is None or len(dim) <= 2):
        r = _la.vector_norm(input, 2, dim, keepdim, dtype=dtype)
    elif p == "nuc":
        r = _la.matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    elif isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type {p!r}")
    else:
        r = _la.vector_norm(input, p, dim, keepdim, dtype=dtype)
    return _out(r, out)


def dist(input, other, p=2):
    """``p``-norm of ``input - other``.

    >>> ember.dist(ember.tensor([3., 0.]), ember.tensor([0., 4.]))
    tensor(5.)
    """
    return _la.vector_norm(input - other, p)


TENSOR_METHODS = {
    "__matmul__": _dunder_matmul, "__rmatmul__": _dunder_rmatmul, "matmul": matmul, "mm": mm, "bmm": bmm,
    "mv": mv, "dot": dot, "vdot": vdot, "inner": inner, "outer": outer, "ger": ger, "addmm": addmm,
    "addmv": addmv, "addbmm": addbmm, "baddbmm": baddbmm, "addr": addr, "kron": kron, "cross": cross,
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse, "pinverse": pinverse,
    "cholesky": cholesky, "matrix_power": matrix_power, "norm": norm, "dist": dist,
    "cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse, "matrix_exp": matrix_exp,
    "svd": svd, "qr": qr, "nuclear_norm": nuclear_norm,
}
