"""The cross product and pairwise distances: cross and cdist.

>>> ember.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]), dim=0)
tensor([0., 0., 1.])
>>> ember.cdist(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))
tensor([[5.]])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import np, _wrap, Op, apply_op, _state, norm_dim
from .products import _broadcast_batch, _out, _up
from ..numpy_arg_names import numpy_names

__all__ = ["cross", "cdist"]


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


def cross(input, other, dim=None, *, out=None, axis=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3).

    >>> ember.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("cross", dim, False, axis, None, None)[0]
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
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        x1, x2 = _ac.fp32(x1, x2)
        with _ac.suspended():
            return cdist(x1, x2, p, compute_mode)
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


TENSOR_METHODS = {"cross": cross}
