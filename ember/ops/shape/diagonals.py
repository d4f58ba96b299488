"""Triangles and diagonals: tril/triu (and in place), diagonal, diag_embed, diag, diagflat, trace
and fill_diagonal_.

diagonal is a view, as in PyTorch.

>>> ember.tril(ember.ones(2, 2))
tensor([[1., 0.],
        [1., 1.]])
>>> ember.diagonal(ember.arange(4).reshape(2, 2))
tensor([0, 3])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
import builtins

from .._util import np, _wrap, Op, apply_op, norm_dim, _state, _NOGRAD
from ..inplace.history import inplace_op
from ..._backend import as_strided as _as_strided
from .movement import _view_result
from .joining import _out

_srange = builtins.range

__all__ = ["tril", "triu", "diag", "diagonal", "diag_embed", "trace", "diagflat"]


# ------------------------------------------------------------------ triangles and diagonals
class Tril(Op):
    @staticmethod
    def forward(ctx, a, k, upper):
        if ctx is not _NOGRAD:
            ctx.k, ctx.upper = k, upper
        return np.triu(a, k) if upper else np.tril(a, k)

    @staticmethod
    def backward(ctx, g):
        return triu(g, ctx.k) if ctx.upper else tril(g, ctx.k)


class Triu(Tril):
    pass


def _tri(input, diagonal, upper, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return apply_op(Triu if upper else Tril, (input,), int(diagonal), upper)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below ``diagonal``) of the last two dims; the rest zero.

    >>> ember.ones(2, 2).tril()
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _out(_tri(input, diagonal, False, "tril"), out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above ``diagonal``) of the last two dims; the rest zero.

    >>> ember.ones(2, 2).triu(1)
    tensor([[0., 1.],
            [0., 0.]])
    """
    return _out(_tri(input, diagonal, True, "triu"), out)


def tril_(self, diagonal=0):
    from ..inplace.history import inplace_op
    _tri(self, diagonal, False, "tril")
    return inplace_op(self, lambda s: _tri(s, diagonal, False, "tril"))


def triu_(self, diagonal=0):
    from ..inplace.history import inplace_op
    _tri(self, diagonal, True, "triu")
    return inplace_op(self, lambda s: _tri(s, diagonal, True, "triu"))


def _diag_view(a, offset, d1, d2):
    """Writable strided view of the diagonal of ``a`` between dims d1, d2 (moved to the end)."""
    idx = [slice(None)] * a.ndim
    if offset >= 0:
        idx[d2] = slice(offset, None)
    else:
        idx[d1] = slice(-offset, None)
    b = a[tuple(idx)]
    length = min(b.shape[d1], b.shape[d2])
    rest = [i for i in _srange(a.ndim) if i not in (d1, d2)]
    shape = tuple(b.shape[i] for i in rest) + (length,)
    strides = tuple(b.strides[i] for i in rest) + (b.strides[d1] + b.strides[d2],)
    if b.size == 0:
        return np.empty(shape, dtype=a.dtype)
    return _as_strided(b, shape, strides)


class Diagonal(Op):
    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        if ctx is not _NOGRAD:
            ctx.args, ctx.shape = (offset, d1, d2), a.shape
        return _diag_view(a, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return apply_op(DiagonalGrad, (g,), ctx.shape, *ctx.args)


class DiagonalGrad(Op):
    _name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        if ctx is not _NOGRAD:
            ctx.args = (offset, d1, d2)
        out = np.zeros(shape, dtype=g.dtype)
        v = _diag_view(out, offset, d1, d2)
        if v.size:
            v[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return diagonal(gg, *ctx.args)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the diagonal between ``dim1`` and ``dim2`` (appended as the last dim).

    >>> ember.arange(9).view(3, 3).diagonal(1)
    tensor([1, 5])
    """
    nd = input._data.ndim
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = int(offset)
    return _view_result(Diagonal, input, lambda x, a=(offset, d1, d2): diagonal(x, *a), offset, d1, d2)


class DiagEmbed(Op):
    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        if ctx is not _NOGRAD:
            ctx.args = (offset, d1, d2)
        n = a.shape[-1] + builtins.abs(offset)
        rest = list(a.shape[:-1])
        shape = rest[:]
        for d in sorted((d1, d2)):
            shape.insert(d, n)
        out = np.zeros(shape, dtype=a.dtype)
        v = _diag_view(out, offset, d1, d2)
        if v.size:
            v[...] = a
        return out

    @staticmethod
    def backward(ctx, g):
        return diagonal(g, *ctx.args)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices (in ``dim1``, ``dim2``) whose ``offset`` diagonal is the last dim of ``input``.

    >>> ember.diag_embed(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    nd = input._data.ndim + 1
    d1, d2 = norm_dim(dim1, nd), norm_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input._data.ndim == 0:
        input = input.reshape(1)
    return apply_op(DiagEmbed, (input,), int(offset), d1, d2)


def diag(input, diagonal=0, *, out=None):
    """A 1-D tensor becomes a diagonal matrix; a matrix gives its diagonal (a copy).

    >>> ember.diag(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    >>> ember.diag(ember.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    nd = input._data.ndim
    if nd == 1:
        r = diag_embed(input, diagonal, 0, 1)
    elif nd == 2:
        r = globals()["diagonal"](input, diagonal, 0, 1).clone()
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    return _out(r, out)


def trace(input):
    """Sum of the main diagonal of a matrix (integers sum to int64).

    >>> ember.tensor([[1, 2], [3, 4]]).trace()
    tensor(5)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return trace(input)
    nd = input._data.ndim
    if nd != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {nd}")
    return diagonal(input).sum()


def diagflat(input, offset=0):
    """A square matrix with the flattened ``input`` on its ``offset`` diagonal.

    >>> ember.diagflat(ember.tensor([[1, 2], [3, 4]]))
    tensor([[1, 0, 0, 0],
            [0, 2, 0, 0],
            [0, 0, 3, 0],
            [0, 0, 0, 4]])
    """
    return diag_embed(input.reshape(-1), offset, 0, 1)


# ------------------------------------------------------------------ fill_diagonal_
class FillDiagonal(Op):
    """``input`` with the positions in ``mask`` set to ``value`` (gradient zero there)."""

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        out = a.copy()
        out[mask] = value
        return out

    @staticmethod
    def backward(ctx, g):
        return g.masked_fill(_wrap(ctx.mask), 0)


def _diag_mask(shape, wrap):
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and any(s != shape[0] for s in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, dtype=bool)
    if len(shape) > 2:
        i = np.arange(shape[0])
        mask[(i,) * len(shape)] = True
        return mask
    rows, cols = shape
    flat = mask.reshape(-1)
    if wrap and rows > cols + 1:
        flat[::cols + 1] = True
    else:
        k = min(rows, cols)
        flat[np.arange(k) * (cols + 1)] = True
    return mask


def fill_diagonal_(self, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal of ``self`` (2-D, or n-D with equal sizes); for a
    tall matrix ``wrap=True`` starts the diagonal again every ``cols + 1`` rows.

    >>> ember.zeros(2, 3).fill_diagonal_(5)
    tensor([[5., 0., 0.],
            [0., 5., 0.]])
    """
    mask = _diag_mask(self._data.shape, wrap)
    if _state[0] and self._rg and self.grad_fn is None:  # PyTorch writes through a diagonal view
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    d = self._data
    value = np.array(fill_value if d.dtype.kind != "V" else float(fill_value)).astype(d.dtype)
    return inplace_op(self, lambda s: apply_op(FillDiagonal, (s,), mask, value))


TENSOR_METHODS = {
    "tril": tril, "triu": triu, "tril_": tril_, "triu_": triu_, "diag": diag, "diagonal": diagonal,
    "diag_embed": diag_embed, "trace": trace, "diagflat": diagflat, "fill_diagonal_": fill_diagonal_,
}
