"""Norms of ``ember.linalg``: vector_norm, matrix_norm, norm and cond.

>>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
tensor(5.)
>>> ember.linalg.matrix_norm(ember.tensor([[1., 2.], [3., 4.]]), ord=1)
tensor(6.)
"""
from ..._backend import np
from ..._row_sums import sum_squares
from ..._tensor import _wrap
from ...autograd.function import Op
from .linalg_checks import _apply, _check_float, _out, inf
from .solvers import inv
from .decompositions import svdvals


# --------------------------------------------------------------------------- norms
class LinalgVectorNorm(Op):
    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        if x.ndim == 0:       # a 0-d input: its dim 0 is itself
            dims = ()
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        x0 = x
        if x.dtype.kind == "V" or x.dtype == np.float16:  # accumulate half precision in float32
            x = x.astype(np.float32)
        if ord == 2 and x.dtype.kind != "c":     # one square pass, its sum by rows when it can
            out = sum_squares(x, dims, keepdim)
            out = np.sqrt(out, out=out) if out.__class__ is np.ndarray else np.sqrt(out)
            out = np.asarray(out, dtype=x.dtype if x0 is x else x0.dtype)
            ctx.save_for_backward(x0, out)
            return out
        ax = np.abs(x)
        if ord == 2:
            out = np.sqrt(np.sum(ax * ax, axis=dims, keepdims=keepdim))
        elif ord == inf:
            out = np.max(ax, axis=dims, keepdims=keepdim, initial=0)
        elif ord == -inf:
            out = np.min(ax, axis=dims, keepdims=keepdim)
        elif ord == 1:
            out = np.sum(ax, axis=dims, keepdims=keepdim)
        elif ord == 0:
            out = np.sum(ax != 0, axis=dims, keepdims=keepdim).astype(ax.dtype)
        else:
            with np.errstate(divide="ignore"):
                out = np.sum(ax ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
        out = np.asarray(out, dtype=ax.dtype if x0 is x else x0.dtype)
        ctx.save_for_backward(x0, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        ord, dims, shape = ctx.ord, ctx.dims, x.shape
        if not ctx.keepdim:
            red = tuple(1 if i in dims else s for i, s in enumerate(shape))
            g, out = g.reshape(red), out.reshape(red)
        xd, od = x._data, out._data
        if ord == 2:
            return g * x / (out + (out == 0))
        sign = _wrap(np.sign(xd))
        if ord == 1:
            return g * sign
        if ord == 0:
            return g * _wrap(np.zeros_like(xd))
        if ord in (inf, -inf):
            mask = (np.abs(xd) == od)
            cnt = mask.sum(axis=dims, keepdims=True)
            return g * _wrap((np.sign(xd) * mask / np.maximum(cnt, 1)).astype(xd.dtype))
        denom = out + (out == 0)
        ax = x.abs() + _wrap(xd == 0)  # |x| with zeros replaced by one: sign(0) = 0 keeps them at 0
        return g * sign * ax ** (ord - 1) / denom ** (ord - 1)


def _norm_dims(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    n = ndim if ndim else 1
    out = []
    for d in dim:
        if not -n <= d < n:
            from ..._tensor import _dim_msg
            raise IndexError(_dim_msg(d, ndim))
        out.append(d % n if ndim else 0)
    return tuple(out)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all elements by default); ord may be inf/-inf/0.

    >>> ember.linalg.vector_norm(ember.tensor([3., -4.]))
    tensor(5.)
    >>> ember.linalg.vector_norm(ember.tensor([3., -4.]), ord=float("inf"))
    tensor(4.)
    """
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not str")
    if dtype is not None:
        x = x.to(dtype)
    _check_float(x, "linalg.vector_norm", low=True)
    dims = _norm_dims(dim, x.ndim)
    ord = float(ord)
    if ord < 0 or ord == inf:
        shown = int(ord) if ord.is_integer() else ord
        if dim is None and x.numel() == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on an empty tensor because "
                               "the operation does not have an identity")
        for d in dims:
            if x.shape[d] == 0 if x.ndim else False:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {shown} norm on the dimension {d}"
                                   "because this dimension is empty and the operation does not have an identity")
    return _out(_apply(LinalgVectorNorm, (x,), ord, dims, bool(keepdim)), out)


def _drop(t, dims):
    shape = [s for i, s in enumerate(t.shape) if i not in dims]
    return t.reshape(shape)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf or -inf.

    >>> ember.linalg.matrix_norm(ember.tensor([[1., -2.], [3., 4.]]), ord=1)
    tensor(6.)
    """
    if dtype is not None:
        A = A.to(dtype)
    _check_float(A, "linalg.matrix_norm")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    d0, d1 = _norm_dims(tuple(dim), A.ndim)
    if ord == "fro":
        return _out(vector_norm(A, 2, (d0, d1), keepdim), out)
    if ord in ("nuc", 2, -2):
        B = A.movedim((d0, d1), (-2, -1))
        S = svdvals(B)
        r = S.sum(-1) if ord == "nuc" else vector_norm(S, inf if ord == 2 else -inf, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return _out(r, out)
    if ord in (1, -1, inf, -inf):
        s_dim, m_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(s_dim, keepdim=True)
        r = vector_norm(s, inf if ord > 0 else -inf, m_dim, keepdim=True)
        return _out(r if keepdim else _drop(r, (d0, d1)), out)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """Vector or matrix norm: a vector norm over one dim, a matrix norm over two.

    >>> ember.linalg.norm(ember.tensor([[1., 2.], [2., 4.]]))
    tensor(5.)
    >>> ember.linalg.norm(ember.tensor([[1., 2.], [2., 4.]]), ord=1)
    tensor(6.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.ndim == 1:
            return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    if len(dim) == 1:
        return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)


def cond(A, p=None, *, out=None):
    """Condition number: ``norm(A, p) * norm(inv(A), p)``, or the ratio of singular values.

    >>> ember.linalg.cond(ember.tensor([[2., 0.], [0., 1.]]))
    tensor(2.)
    """
    if p is None or p in (2, -2):
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
        return _out(r, out)
    return _out(matrix_norm(A, p) * matrix_norm(inv(A), p), out)
