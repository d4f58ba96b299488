"""What sparse COO tensors do: printing, products, arithmetic, reductions, indexing, pickling.

Each function takes a :class:`~ember._sparse_tensor.SparseTensor`; the block at the end binds
them as its methods and operators. Products and sums go through differentiable ember ops on the
stored entries (``index_select``, ``*``, ``index_add``), so autograd reaches both the dense
operand and the sparse tensor's values.

>>> s = ember.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
>>> (2 * s).to_dense().tolist()
[[0.0, 4.0], [6.0, 0.0]]
"""
import numbers
import re

from ._backend import np
from ._sparse_tensor import SparseTensor, make_sparse
from ._tensor import Tensor, _wrap

__all__ = ["sparse_repr", "sparse_mm", "sparse_sum", "sparse_softmax"]


def _inner_repr(t, indent):
    if t._data.size == 0:
        return f"tensor([], size={tuple(t._data.shape)})"
    text = re.sub(r",\s*dtype=torch\.\w+\)$", ")", repr(_wrap(t._data)), flags=re.S)
    return text.replace("\n", "\n" + " " * indent)


def sparse_repr(s):
    """PyTorch's text for a sparse tensor: indices, values, size, nnz, dtype, layout, grad."""
    from ._dtype import get_default_dtype, int64
    parts = [f"indices={_inner_repr(_wrap(s._ix), 15)}", f"values={_inner_repr(s._vals, 14)}"]
    tail = f"size={tuple(s._size)}, nnz={s._ix.shape[1]}"
    dt = s.dtype
    if dt not in (get_default_dtype(), int64) and dt.name != "bool":
        tail += f", dtype=torch.{dt.name}"
    tail += ", layout=torch.sparse_coo"
    if s._vals.grad_fn is not None:
        tail += f", grad_fn=<{s._vals.grad_fn.name()}>"
    elif s._vals.requires_grad:
        tail += ", requires_grad=True"
    return "tensor(" + ",\n       ".join(parts + [tail]) + ")"


def _rebuild_sparse(indices, values, size, coalesced):
    return make_sparse(np.asarray(indices, dtype=np.int64), values, size, coalesced)


# -- products ---------------------------------------------------------------------------------
def sparse_mm(s, d):
    """``s @ d`` for a 2-D sparse ``s`` and a dense 1-D or 2-D ``d``: a dense result computed from
    the stored entries only (differentiable in ``d`` and in ``s``'s values).

    >>> s = ember.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
    >>> ember._sparse_ops.sparse_mm(s, ember.tensor([[1.0], [10.0]]))
    tensor([[20.],
            [ 3.]])
    """
    from ._creation import zeros
    if s.sparse_dim() != 2 or s.dense_dim() != 0:
        raise RuntimeError(f"addmm: matrices expected, got {s.sparse_dim()}D tensor")
    if isinstance(d, SparseTensor):
        return sparse_mm(s, d.to_dense()).to_sparse()
    n, m = s._size
    vec = d.dim() == 1
    if d.dim() not in (1, 2) or d.shape[0] != m:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {m}, got {d.shape[0]}")
    vals = s._vals
    rows, cols = _wrap(s._ix[0]), _wrap(s._ix[1])
    picked = d.index_select(0, cols)
    prod = picked * (vals if vec else vals.unsqueeze(1))
    shape = (n,) if vec else (n, d.shape[1])
    return zeros(shape, dtype=prod.dtype).index_add(0, rows, prod)


def _matmul(a, b):
    if isinstance(a, SparseTensor):
        if a.dim() != 2:
            raise RuntimeError("ember: matmul of a sparse tensor needs it 2-D")
        return sparse_mm(a, b)
    # dense @ sparse: (s^T @ a^T)^T
    if b.dim() != 2:
        raise RuntimeError("ember: matmul with a sparse tensor needs it 2-D")
    if a.dim() == 1:
        return sparse_mm(transpose(b, 0, 1), a)
    return sparse_mm(transpose(b, 0, 1), a.transpose(0, 1)).transpose(0, 1)


def _rmatmul(s, other):
    return _matmul(other, s)


# -- elementwise ------------------------------------------------------------------------------
def _scalar_like(x):
    return isinstance(x, numbers.Number) or (isinstance(x, Tensor) and not isinstance(x, SparseTensor)
                                             and x.dim() == 0)


def mul(s, other):
    """``s * other``: sparse, with the values multiplied (``other`` a number, or a dense tensor
    read at the stored positions, or a sparse tensor of the same size)."""
    if isinstance(other, SparseTensor):
        if other._size != s._size:
            raise RuntimeError(f"mul: expected sizes of 'self' and 'other' to match, but "
                               f"{list(s._size)} != {list(other._size)}")
        return (s.to_dense() * other.to_dense()).to_sparse(s.sparse_dim())
    if _scalar_like(other):
        return s._with_values(s._vals * other)
    dense = other.expand(s._size) if tuple(other.shape) != s._size else other
    sd = s.sparse_dim()
    picked = dense[tuple(_wrap(i) for i in s._ix)] if sd else dense
    return s._with_values(s._vals * picked)


def _rmul(s, other):
    return mul(s, other)


def div(s, other, *, rounding_mode=None):
    """``s / other`` for a number or a 0-d tensor ``other``: sparse."""
    if not _scalar_like(other):
        raise RuntimeError("Sparse division requires a scalar or zero-dim dense tensor divisor")
    return s._with_values(s._vals.div(other, rounding_mode=rounding_mode))


def add(s, other, *, alpha=1):
    """``s + other`` for a sparse ``other`` of the same size: sparse (the entries of both)."""
    if not isinstance(other, SparseTensor):
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
    if other._size != s._size:
        raise RuntimeError(f"add: expected sizes of 'self' and 'other' to match, but "
                           f"{list(s._size)} != {list(other._size)}")
    from .ops.shape.joining import cat
    ov = other._vals if alpha == 1 else other._vals * alpha
    return make_sparse(np.concatenate([s._ix, other._ix], axis=1), cat([s._vals, ov.to(s._vals.dtype)]),
                       s._size).coalesce()


def _radd(s, other):
    if isinstance(other, SparseTensor):
        return add(other, s)
    return other + s.to_dense()


def sub(s, other, *, alpha=1):
    if not isinstance(other, SparseTensor):
        raise RuntimeError("sub(sparse, dense) is not supported. Use sub(dense, sparse) instead.")
    return add(s, other, alpha=-alpha)


def _rsub(s, other):
    return other - s.to_dense()


def neg(s):
    return s._with_values(-s._vals)


def sparse_pow(s, exponent):
    if not isinstance(exponent, numbers.Number) or exponent <= 0:
        raise RuntimeError("pow: sparse tensors support only positive scalar exponents (zeros stay zero)")
    return s._with_values(s._vals.pow(exponent))


def _unary(name):
    def f(s, *args, **kwargs):
        return s._with_values(getattr(s._vals, name)(*args, **kwargs))
    f.__name__ = name
    f.__doc__ = f"``{name}`` of the stored values (zero stays zero): a sparse tensor."
    return f


ZERO_PRESERVING = ("abs", "sqrt", "sin", "tan", "asin", "atan", "sinh", "tanh", "asinh", "atanh",
                   "ceil", "floor", "round", "trunc", "frac", "expm1", "log1p", "sign", "sgn",
                   "erf", "erfinv", "deg2rad", "rad2deg", "square", "relu", "signbit", "isnan",
                   "isinf", "nan_to_num", "conj", "angle")


# -- shape ------------------------------------------------------------------------------------
def transpose(s, dim0, dim1):
    """Swap two sparse dimensions (the indices' rows): sparse."""
    nd = len(s._size)
    d0, d1 = dim0 % nd, dim1 % nd
    sd = s.sparse_dim()
    if d0 >= sd or d1 >= sd:
        raise RuntimeError("ember: transpose of a sparse tensor's dense dimensions is not supported")
    ix = s._ix.copy()
    ix[[d0, d1]] = ix[[d1, d0]]
    size = list(s._size)
    size[d0], size[d1] = size[d1], size[d0]
    return make_sparse(ix, s._vals, size)


def t(s):
    if len(s._size) > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {len(s._size)}D")
    return s if len(s._size) < 2 else transpose(s, 0, 1)


def select(s, dim, index):
    """``s[index]`` along ``dim`` (a sparse dimension): sparse, one dimension less."""
    dim %= len(s._size)
    if dim >= s.sparse_dim():
        raise RuntimeError("ember: selecting along a dense dimension of a sparse tensor is not supported")
    n = s._size[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(s._size)} "
                         f"at dimension {dim}")
    keep = np.nonzero(s._ix[dim] == index % n)[0]
    ix = np.delete(s._ix[:, keep], dim, axis=0)
    size = s._size[:dim] + s._size[dim + 1:]
    vals = s._vals.index_select(0, _wrap(keep.astype(np.int64)))
    if ix.shape[0] == 0:  # every sparse dimension selected: a dense result
        return vals.sum(0)
    return make_sparse(ix, vals, size)


def _getitem(s, key):
    if isinstance(key, int):
        return select(s, 0, key)
    if isinstance(key, tuple) and all(isinstance(k, int) for k in key):
        out = s
        for k in key:
            out = select(out, 0, k) if isinstance(out, SparseTensor) else out[k]
        return out
    raise NotImplementedError("ember: sparse tensors support integer indexing only (use .to_dense())")


# -- reductions -------------------------------------------------------------------------------
def sparse_sum(s, dim=None, keepdim=False, dtype=None):
    """Sum all entries (a dense 0-d tensor) or over ``dim`` (sparse when sparse dimensions remain).

    >>> s = ember.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3))
    >>> ember._sparse_ops.sparse_sum(s, 1).to_dense()
    tensor([3., 9.])
    """
    if dim is None:
        v = s._vals
        return v.sum(dtype=dtype) if dtype is not None else v.sum()
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    dense = s.to_dense().sum(dim=dims, keepdim=keepdim, dtype=dtype)
    nd = len(s._size)
    left = s.sparse_dim() - len({d % nd for d in dims if d % nd < s.sparse_dim()})
    if left == 0 or keepdim:
        return dense
    return dense.to_sparse(left)


def _sum_method(s, dim=None, keepdim=False, *, dtype=None):
    return sparse_sum(s, dim, keepdim, dtype)


def sparse_softmax(s, dim, dtype=None, log=False):
    """Softmax over ``dim`` of the stored entries only (unstored entries count as -inf):
    a sparse tensor with the same pattern."""
    c = s.coalesce()
    from ._creation import zeros
    nd = len(c._size)
    dim %= nd
    if dim >= c.sparse_dim():
        raise RuntimeError("ember: sparse softmax over a dense dimension is not supported")
    vals = c._vals if dtype is None else c._vals.to(dtype)
    others = [k for k in range(c.sparse_dim()) if k != dim]
    if others:
        group = np.ravel_multi_index(tuple(c._ix[others]), tuple(c._size[k] for k in others))
    else:
        group = np.zeros(c._ix.shape[1], dtype=np.int64)
    _, gid = np.unique(group, return_inverse=True)
    gid = _wrap(gid.reshape(-1).astype(np.int64))
    ngroups = int(gid._data.max()) + 1 if gid._data.size else 0
    rest = tuple(vals.shape[1:])
    gmax = zeros((ngroups,) + rest, dtype=vals.dtype).fill_(float("-inf")).index_reduce(
        0, gid, vals.detach(), "amax")
    shifted = vals - gmax.index_select(0, gid)
    e = shifted.exp()
    total = zeros((ngroups,) + rest, dtype=vals.dtype).index_add(0, gid, e)
    out = shifted - total.log().index_select(0, gid) if log else e / total.index_select(0, gid)
    return make_sparse(c._ix, out, c._size, True)


# -- the SparseTensor's methods ---------------------------------------------------------------
SparseTensor.__matmul__ = _matmul
SparseTensor.__rmatmul__ = _rmatmul
SparseTensor.mm = sparse_mm
SparseTensor.matmul = _matmul
SparseTensor.__mul__ = mul
SparseTensor.__rmul__ = _rmul
SparseTensor.mul = mul
SparseTensor.multiply = mul
SparseTensor.__truediv__ = div
SparseTensor.div = div
SparseTensor.divide = div
SparseTensor.__add__ = add
SparseTensor.__radd__ = _radd
SparseTensor.add = add
SparseTensor.__sub__ = sub
SparseTensor.__rsub__ = _rsub
SparseTensor.sub = sub
SparseTensor.__neg__ = neg
SparseTensor.neg = neg
SparseTensor.negative = neg
SparseTensor.__pow__ = sparse_pow
SparseTensor.pow = sparse_pow
SparseTensor.transpose = transpose
SparseTensor.t = t
SparseTensor.select = select
SparseTensor.__getitem__ = _getitem
SparseTensor.sum = _sum_method
# the zero-preserving elementwise functions (ZERO_PRESERVING), one line each
SparseTensor.abs = _unary("abs")
SparseTensor.sqrt = _unary("sqrt")
SparseTensor.sin = _unary("sin")
SparseTensor.tan = _unary("tan")
SparseTensor.asin = _unary("asin")
SparseTensor.atan = _unary("atan")
SparseTensor.sinh = _unary("sinh")
SparseTensor.tanh = _unary("tanh")
SparseTensor.asinh = _unary("asinh")
SparseTensor.atanh = _unary("atanh")
SparseTensor.ceil = _unary("ceil")
SparseTensor.floor = _unary("floor")
SparseTensor.round = _unary("round")
SparseTensor.trunc = _unary("trunc")
SparseTensor.frac = _unary("frac")
SparseTensor.expm1 = _unary("expm1")
SparseTensor.log1p = _unary("log1p")
SparseTensor.sign = _unary("sign")
SparseTensor.sgn = _unary("sgn")
SparseTensor.erf = _unary("erf")
SparseTensor.erfinv = _unary("erfinv")
SparseTensor.deg2rad = _unary("deg2rad")
SparseTensor.rad2deg = _unary("rad2deg")
SparseTensor.square = _unary("square")
SparseTensor.relu = _unary("relu")
SparseTensor.signbit = _unary("signbit")
SparseTensor.isnan = _unary("isnan")
SparseTensor.isinf = _unary("isinf")
SparseTensor.nan_to_num = _unary("nan_to_num")
SparseTensor.conj = _unary("conj")
SparseTensor.angle = _unary("angle")
