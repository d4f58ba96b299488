"""Sorting and selection: sort, argsort, topk, kthvalue, unique, searchsorted, bucketize,
histc and bincount. The selected values carry gradients (scattered back to the positions
they were taken from); indices, counts and histograms do not.

>>> x = ember.tensor([3., 1., 2.], requires_grad=True)
>>> v, i = ember.sort(x)
>>> (v * ember.tensor([1., 10., 100.])).sum().backward(); x.grad
tensor([100.,   1.,  10.])
"""
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, D, Tensor, _wrap, Op, apply_op, norm_dim, _NOGRAD

from ..index.gather_scatter import scatter_into
from ... import return_types as _RT

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive",
           "searchsorted", "bucketize", "histc", "histogram", "bincount"]

from ..._dtype_names import SCALAR_NAMES as _NAMES  # noqa: E402
from ..numpy_arg_names import numpy_names


def _tname(a):
    n = D.NP2DT[a.dtype].name
    return _NAMES.get(n, n)


def _rt(name, vals, idx):
    return getattr(_RT, name)((vals, idx))


# -------------------------------------------------------------------------- sort
def _argsort(a, dim, descending):
    """Stable argsort along ``dim``; descending keeps equal elements in their original order
    and puts NaN first (PyTorch treats NaN as the largest value)."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    n = a.shape[dim]
    idx = np.flip(np.argsort(np.flip(a, dim), axis=dim, kind="stable"), dim)
    return (n - 1) - idx


def _select(cls, input, fn, dim, keepdim=True):
    """Run index function ``fn(array) -> idx`` (same rank, along ``dim``) and gather values."""
    a = input._data
    zero_d = a.ndim == 0
    if zero_d:
        a = a.reshape(1)
    idx = fn(a)
    vals = np.take_along_axis(a, idx, dim)
    kidx = idx
    if not keepdim:
        vals, kidx = np.squeeze(vals, dim), np.squeeze(idx, dim)
    if zero_d:
        vals, kidx = vals.reshape(()), kidx.reshape(())
    kidx = kidx.astype(np.int64, copy=False)
    return apply_op(cls, (input,), vals, kidx, idx, dim, keepdim or zero_d, zero_d)


class _SelectOp(Op):
    """Values picked from ``a`` at indices computed outside; the gradient is scattered back."""

    @staticmethod
    def forward(ctx, a, vals, kidx, idx, dim, keep, zero_d):
        if ctx is not _NOGRAD:
            ctx.idx, ctx.dim, ctx.keep, ctx.shape = idx, dim, keep, a.shape if not zero_d else (1,)
            ctx.zero_d = zero_d
            ctx.mark_non_differentiable(kidx)
        return vals, kidx

    @staticmethod
    def backward(ctx, gv, gi=None):
        g = gv.reshape(1) if ctx.zero_d else gv
        if not ctx.keep:
            g = g.unsqueeze(ctx.dim)
        r = scatter_into(g, ctx.idx, ctx.dim, ctx.shape, True)
        return r.reshape(()) if ctx.zero_d else r


class Sort(_SelectOp):
    pass


class Topk(_SelectOp):
    pass


class Kthvalue(_SelectOp):
    pass


def _no_complex(a, what):
    if a.dtype.kind == "c":
        raise RuntimeError(f" {what} does not support complex dtypes on CPU")


def sort(input, dim=-1, descending=False, stable=False, *, out=None, axis=None):
    """Sort along ``dim``; returns ``(values, indices)``. Equal elements keep their order.

    >>> ember.sort(ember.tensor([[3, 1, 2]]), descending=True)
    torch.return_types.sort(
    values=tensor([[3, 2, 1]]),
    indices=tensor([[0, 2, 1]]))
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("sort", dim, False, axis, None, -1)[0]
    _no_complex(input._data, "Sort")
    d = norm_dim(dim, input.ndim)
    v, i = _select(Sort, input, lambda a: _argsort(a, d, descending), d)
    return _outs(_rt("sort", v, i), out)


def argsort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """Indices that sort ``input`` along ``dim``.

    >>> ember.argsort(ember.tensor([3., 1., 2.]))
    tensor([1, 2, 0])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("argsort", dim, False, axis, None, -1)[0]
    _no_complex(input._data, "Sort")
    a = input._data
    d = norm_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap(np.zeros((), dtype=np.int64))
    return _wrap(_argsort(a, d, descending).astype(np.int64, copy=False))


def msort(input, *, out=None):
    """Sort along the first dim (values only).

    >>> ember.msort(ember.tensor([[3, 1], [2, 4]]))
    tensor([[2, 1],
            [3, 4]])
    """
    r = sort(input, dim=0).values
    return r if out is None else _outs((r,), (out,))[0]


def _topk_idx(a, k, dim, largest):
    n = a.shape[dim]
    if 0 < k < n // 8 and n > 256:  # partial selection, then order the k picked
        kth = n - k if largest else k - 1
        part = np.argpartition(a, kth, axis=dim)
        sl = [slice(None)] * a.ndim
        sl[dim] = slice(n - k, None) if largest else slice(0, k)
        sel = part[tuple(sl)]
        order = _argsort(np.take_along_axis(a, sel, dim), dim, largest)
        return np.take_along_axis(sel, order, dim)
    idx = _argsort(a, dim, largest)
    sl = [slice(None)] * a.ndim
    sl[dim] = slice(0, k)
    return idx[tuple(sl)]


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None, axis=None):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices.

    >>> ember.topk(ember.tensor([1., 5., 3., 4.]), 2)
    torch.return_types.topk(
    values=tensor([5., 4.]),
    indices=tensor([1, 3]))
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("topk", dim, False, axis, None, -1)[0]
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    _no_complex(a, "topk")
    d = norm_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    k = int(k)
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    v, i = _select(Topk, input, lambda x: _topk_idx(x, k, d, largest), d)
    return _outs(_rt("topk", v, i), out)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None, axis=None, keepdims=None):
    """The ``k``-th smallest element (1-based) along ``dim`` and its index.

    >>> ember.kthvalue(ember.tensor([3., 1., 2.]), 2)
    torch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("kthvalue", dim, keepdim, axis, keepdims, -1)
    a = input._data
    _no_complex(a, "kthvalue")
    if a.dtype.kind == "b":
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    d = norm_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    k = int(k)
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")

    def fn(x):
        idx = np.argpartition(x, k - 1, axis=d)
        sl = [slice(None)] * x.ndim
        sl[d] = slice(k - 1, k)
        return idx[tuple(sl)]
    v, i = _select(Kthvalue, input, fn, d, keepdim)
    return _outs(_rt("kthvalue", v, i), out)


def _outs(res, out):
    if out is None:
        return res
    from ..elementwise.arithmetic import _out
    for r, o in zip(res, out):
        _out(r, o)
    return type(res)(tuple(out)) if hasattr(res, "_fields") else tuple(out)


# ------------------------------------------------------------------------ unique
def _result(u, inv, cnt, return_inverse, return_counts):
    res = [_wrap(u)]
    if return_inverse:
        res.append(_wrap(inv.astype(np.int64, copy=False)))
    if return_counts:
        res.append(_wrap(cnt.astype(np.int64, copy=False)))
    return res[0] if len(res) == 1 else tuple(res)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Unique elements (sorted), optionally with inverse indices and counts; or unique slices
    along ``dim``.

    >>> ember.unique(ember.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    if getattr(input, "_rg", None) is _QM:
        raise _q_refuse("aten::_unique2")
    a = input._data
    if dim is None:
        u, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        inv = inv.reshape(a.shape)
    else:
        d = norm_dim(dim, a.ndim)
        _check_unique_dim(a, a.shape[d])
        if a.shape[d] == 0:
            return _result(a.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64), return_inverse, return_counts)
        u, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    return _result(u, inv, cnt, return_inverse, return_counts)


def _check_unique_dim(a, n):
    """PyTorch refuses unique along a dim of an empty tensor whose zero-size dim is another one."""
    if a.size == 0 and n:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``).

    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 3, 1]))
    tensor([1, 2, 3, 1])
    """
    if getattr(input, "_rg", None) is _QM:
        raise _q_refuse("aten::unique_consecutive")
    a = input._data
    if dim is None:
        flat = a.reshape(-1)
        n = flat.shape[0]
        change = np.ones(n, dtype=bool)
        if n:
            change[1:] = flat[1:] != flat[:-1]
        u = flat[change]
        inv_shape = a.shape
    else:
        d = norm_dim(dim, a.ndim)
        n = a.shape[d]
        _check_unique_dim(a, n)
        b = np.moveaxis(a, d, 0).reshape(n, a.size // n if n else 0)
        change = np.ones(n, dtype=bool)
        if n:
            change[1:] = np.any(b[1:] != b[:-1], axis=1)
        u = np.compress(change, a, axis=d)
        inv_shape = (n,)
    inv = (np.cumsum(change) - 1).reshape(inv_shape)
    starts = np.flatnonzero(change)
    cnt = np.diff(np.append(starts, n))
    return _result(u, inv, cnt, return_inverse, return_counts)


# ------------------------------------------------------------ searchsorted, bucketize
def _values(x):
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Indices where ``input`` would be inserted into the sorted last dim of ``sorted_sequence``.

    >>> ember.searchsorted(ember.tensor([1., 3., 5.]), ember.tensor([3., 6.]))
    tensor([1, 3])
    >>> ember.searchsorted(ember.tensor([1., 3., 5.]), 3., right=True)
    tensor(2)
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of "
                               "left while right was True")
        right = side == "right"
    s = "right" if right else "left"
    seq = sorted_sequence._data
    v = _values(input)
    srt = None if sorter is None else _values(sorter)
    odt = np.int32 if out_int32 else np.int64
    if seq.ndim <= 1 or v.ndim == 0:
        if seq.ndim > 1:
            raise RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({seq.ndim}) and input value's "
                               f"dim(0) numel(1)")
        r = np.searchsorted(seq.reshape(-1), v, side=s, sorter=srt)
    else:
        if seq.shape[:-1] != v.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(seq.shape)} and input value tensor {list(v.shape)}")
        s2 = seq.reshape(-1, seq.shape[-1])
        v2 = v.reshape(-1, v.shape[-1])
        o2 = srt.reshape(-1, srt.shape[-1]) if srt is not None else None
        r = np.empty(v2.shape, dtype=np.int64)
        for i in range(s2.shape[0]):
            r[i] = np.searchsorted(s2[i], v2[i], side=s, sorter=None if o2 is None else o2[i])
        r = r.reshape(v.shape)
    r = _wrap(np.asarray(r, dtype=odt))
    if out is not None:
        from ..elementwise.arithmetic import _out
        return _out(r, out)
    return r


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Index of the bucket of each element given 1-D increasing ``boundaries``.

    >>> ember.bucketize(ember.tensor([1, 4, 9]), ember.tensor([2, 4, 6]))
    tensor([0, 1, 3])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


# ------------------------------------------------------------------ histc, bincount
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Histogram of ``bins`` equal-width bins over [min, max] (the data's range when equal).

    >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind not in "fV":  # V: bfloat16
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_tname(a)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.astype(np.float64).min()), float(a.astype(np.float64).max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    flat = a.reshape(-1)
    flat = flat[(flat >= lo) & (flat <= hi)]
    # bin index computed as PyTorch does: (x - min) * bins / (max - min), the top edge in the last bin
    pos = ((flat.astype(np.float64) - lo) * bins / (hi - lo)).astype(np.int64)
    np.minimum(pos, bins - 1, out=pos)
    r = _wrap(np.bincount(pos, minlength=bins).astype(a.dtype))
    if out is not None:
        from ..elementwise.arithmetic import _out
        return _out(r, out)
    return r


def _linspace_like_torch(lo, hi, n, dtype):
    """Edges as PyTorch's linspace makes them: a step rounded to ``dtype``, the first half counted up
    from ``lo`` and the second half down from ``hi``."""
    step = float(np.asarray((hi - lo) / (n - 1)).astype(dtype)) if n > 1 else 0.0
    i = np.arange(n, dtype=np.float64)
    return np.where(i < n // 2, lo + step * i, hi - step * (n - 1 - i)).astype(dtype)


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """Histogram with ``bins`` equal bins over ``range`` (default the data's), or given bin edges;
    returns ``(hist, bin_edges)``.

    >>> ember.histogram(ember.tensor([1., 2., 1.]), bins=2, range=(0., 2.))
    torch.return_types.histogram(
    hist=tensor([0., 3.]),
    bin_edges=tensor([0., 1., 2.]))
    """
    a = input._data
    if a.dtype.kind not in "fV":  # V: bfloat16
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_tname(a)}'")
    if isinstance(bins, Tensor):
        edges = bins._data.astype(a.dtype)
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogramdd(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
            if lo > hi:
                raise RuntimeError(f"torch.histogramdd(): for dimension 0, min ({lo}) should be less than or "
                                   f"equal to max ({hi})")
        elif a.size:
            lo, hi = float(a.astype(np.float64).min()), float(a.astype(np.float64).max())
        else:
            lo, hi = 0.0, 1.0
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = _linspace_like_torch(lo, hi, int(bins) + 1, a.dtype)
    w = None if weight is None else weight._data.reshape(-1)
    w = None if w is None else w.astype(np.float64)
    x = a.reshape(-1).astype(np.float64)
    e = edges.astype(np.float64)
    if isinstance(bins, Tensor):
        hist, _ = np.histogram(x, bins=e, weights=w, density=density)
    else:  # uniform bins: the position by arithmetic, corrected against the (rounded) edges as PyTorch does
        nb = len(e) - 1
        keep = (x >= e[0]) & (x <= e[-1])
        x = x[keep]
        w = None if w is None else w[keep]
        pos = np.clip(((x - e[0]) * nb / (e[-1] - e[0])).astype(np.int64), 0, nb - 1)
        pos -= (x < e[pos]) & (pos > 0)
        pos += (x >= e[np.minimum(pos + 1, nb)]) & (pos < nb - 1)
        hist = np.bincount(pos, weights=w, minlength=nb).astype(np.float64)
        if density:
            tot = hist.sum()
            hist = hist / (tot * np.diff(e)) if tot else hist * np.nan
    res = _RT.histogram((_wrap(hist.astype(a.dtype)), _wrap(edges)))
    return _outs(res, out)


def bincount(input, weights=None, minlength=0):
    """Count of each non-negative integer in a 1-D tensor (or sum of ``weights`` per value).

    >>> ember.bincount(ember.tensor([1, 1, 3]))
    tensor([0, 2, 0, 1])
    """
    a = input._data
    if a.dtype.kind not in "iu":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_tname(a)}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64, copy=False))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != a.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    odt = w.dtype if w.dtype in (np.float32, np.float64) else np.float64
    return _wrap(np.bincount(a, weights=w, minlength=minlength).astype(odt))


TENSOR_METHODS = {"sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue,
                  "unique": unique, "unique_consecutive": unique_consecutive, "histc": histc, "histogram": histogram,
                  "bincount": bincount}
