"""Order statistics: median, nanmedian, mode, quantile and nanquantile.

Forward on arrays; backward in Tensor ops. With a dim, median and mode send the gradient
to the index they return; without one, median splits it between ties, as PyTorch does.

>>> ember.median(ember.tensor([[1., 5., 2.], [4., 0., 3.]]), dim=1).values
tensor([2., 3.])
>>> ember.quantile(ember.tensor([0., 1., 2., 3.]), 0.5)
tensor(1.5000)
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
from .._util import np, Tensor, norm_dim
from ... import return_types as RT
from .reduction_args import _as_1d, _check_nonempty, _const, _no_complex, _out1, _outn, _sortable
from .selection_grads import _Evenly, _Select, _evenly, _select
from ..index.gather_scatter import gather_at
from ..numpy_arg_names import numpy_names

__all__ = ["median", "nanmedian", "mode", "quantile", "nanquantile"]


class _MedianDim(_Select):
    _name = "MedianBackward1"


class _NanmedianDim(_Select):
    _name = "NanmedianBackward1"


class _ModeDim(_Select):
    _name = "ModeBackward0"


class _MedianAll(_Evenly):
    _name = "MedianBackward0"


class _NanmedianAll(_Evenly):
    _name = "NanmedianBackward0"


# ---------------------------------------------------------------- median / mode
def _median_all(input, ignore_nan):
    d = input._data
    _no_complex("median", d, "nanmedian_cpu" if ignore_nan else "median_cpu")
    if d.dtype.kind == "b":
        raise NotImplementedError('"median_cpu" not implemented for \'Bool\'')
    flat = d.reshape(-1)
    isf = d.dtype.kind in "fcV"
    if isf:
        nan = np.isnan(flat)
        if ignore_nan:
            flat = flat[~nan]
        elif nan.any():
            flat = flat[:0]
            v = np.asarray(np.nan, d.dtype)
    if flat.size == 0:
        if not isf:
            raise IndexError("median() input tensor cannot be empty")
        v = np.asarray(np.nan, d.dtype)
    else:
        k = (flat.size - 1) // 2
        v = np.partition(flat, k)[k]
    cls = _NanmedianAll if ignore_nan else _MedianAll
    return _evenly(cls, input, v, tuple(range(d.ndim)), False, True)


def _median_dim(name, input, dim, keepdim, out, ignore_nan):
    d = input._data
    _no_complex(name, d, f"{name}_out")
    if d.dtype.kind == "b":
        raise NotImplementedError('"median_out" not implemented for \'Bool\'')
    dim = norm_dim(dim, d.ndim)
    rt = getattr(RT, name)
    if d.ndim == 0:
        v, i = _median_dim(name, _as_1d(input), 0, False, None, ignore_nan)
        return _outn(rt, (v.reshape(()), i.reshape(())), out)
    _check_nonempty(name, d.shape, (dim,))
    order = np.argsort(_sortable(d), axis=dim, kind="stable")  # NaN sorts last
    n = d.shape[dim]
    if d.dtype.kind in "fcV":
        nan = np.isnan(d)
        if ignore_nan:
            cnt = n - np.sum(nan, axis=dim, keepdims=True)
            k = np.maximum((cnt - 1) // 2, 0)
            idx = np.take_along_axis(order, k, dim)
        else:
            idx = np.take(order, [(n - 1) // 2], axis=dim)
            idx = np.where(nan.any(axis=dim, keepdims=True),
                           np.argmax(nan, axis=dim, keepdims=True), idx)
    else:
        idx = np.take(order, [(n - 1) // 2], axis=dim)
    cls = _NanmedianDim if ignore_nan else _MedianDim
    return _select(cls, rt, input, idx, dim, keepdim, out)


def median(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Lower median of all elements (NaN if any is NaN); with ``dim``, ``(values, indices)``.

    >>> ember.median(ember.tensor([4., 1., 3., 2.]))
    tensor(2.)
    >>> ember.median(ember.tensor([[4., 1., 3.], [0., 5., 6.]]), dim=1)
    torch.return_types.median(
    values=tensor([3., 5.]),
    indices=tensor([2, 1]))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("median", dim, keepdim, axis, keepdims)
    if dim is None:
        return _out1(_median_all(input, False), out)
    return _median_dim("median", input, dim, keepdim, out, False)


def nanmedian(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Like :func:`median`, ignoring NaN values (NaN only when a slice is all NaN).

    >>> ember.nanmedian(ember.tensor([1., float('nan'), 3., 2.]))
    tensor(2.)
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("nanmedian", dim, keepdim, axis, keepdims)
    if dim is None:
        return _out1(_median_all(input, True), out)
    return _median_dim("nanmedian", input, dim, keepdim, out, True)


def mode(input, dim=-1, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence.

    >>> ember.mode(ember.tensor([[1, 2, 2, 3], [4, 4, 5, 5]]))
    torch.return_types.mode(
    values=tensor([2, 4]),
    indices=tensor([2, 1]))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("mode", dim, keepdim, axis, keepdims, -1)
    d = input._data
    _no_complex("mode", d, "mode_cpu")
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        v, i = mode(_as_1d(input), 0)
        return _outn(RT.mode, (v.reshape(()), i.reshape(())), out)
    _check_nonempty("mode", d.shape, (dim,))
    a = np.moveaxis(_sortable(d), dim, -1)
    n = a.shape[-1]
    s = np.sort(a, axis=-1)
    pos = np.arange(n)
    start = np.ones(s.shape, bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    run_start = np.maximum.accumulate(np.where(start, pos, 0), axis=-1)
    best = np.argmax(pos - run_start, axis=-1)[..., None]  # first element of a longest run
    value = np.take_along_axis(s, best, -1)
    last = n - 1 - np.argmax((a == value)[..., ::-1], axis=-1)
    idx = np.expand_dims(last, dim)
    return _select(_ModeDim, RT.mode, input, idx, dim, keepdim, out)


# ---------------------------------------------------------------- quantile
_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    d = input._data
    if d.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q._data.dtype != d.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._data
    else:
        qa = np.asarray(q, dtype=d.dtype)
    if qa.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if interpolation not in _INTERP:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint "
                           f"or nearest, but got {interpolation}")
    if d.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if ((qa < 0) | (qa > 1)).any():
        bad = qa if qa.ndim == 0 else qa[(qa < 0) | (qa > 1)][0]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {float(bad):g}")
    out_shape = list(d.shape)
    if dim is None:
        x, ax = input.reshape(-1), 0
        out_shape = [1] * d.ndim
    else:
        ax = norm_dim(dim, d.ndim)
        x = input.reshape(1) if d.ndim == 0 else input
        if d.ndim:
            out_shape[ax] = 1
    xm = x.movedim(ax, -1)
    xd = xm._data
    n = xd.shape[-1]
    order = np.argsort(_sortable(xd), axis=-1, kind="stable")  # NaN sorts last
    nan = np.isnan(xd)
    q1 = qa.reshape(-1)
    if ignore_nan:
        cnt = n - np.sum(nan, axis=-1, keepdims=True)
        rank = q1 * np.maximum(cnt - 1, 0).astype(d.dtype)
    else:
        rank = np.broadcast_to(q1 * (n - 1), xd.shape[:-1] + q1.shape).astype(d.dtype)
        rank = np.where(nan.any(axis=-1, keepdims=True), n - 1, rank)
    lo, hi = np.floor(rank), np.ceil(rank)
    w = rank - lo
    if interpolation == "lower":
        hi, w = lo, w * 0
    elif interpolation == "higher":
        lo, w = hi, w * 0
    elif interpolation == "nearest":
        lo = hi = np.round(rank)
        w = w * 0
    elif interpolation == "midpoint":
        w = np.where(hi > lo, 0.5, 0.0).astype(d.dtype)
    ilo = np.take_along_axis(order, lo.astype(np.int64), -1)
    ihi = np.take_along_axis(order, hi.astype(np.int64), -1)
    vlo, vhi = gather_at(xm, ilo, xm.ndim - 1), gather_at(xm, ihi, xm.ndim - 1)
    r = vlo + (vhi - vlo) * _const(w, d) if (w != 0).any() else vlo
    r = r.movedim(-1, 0)  # (nq, *rest)
    if keepdim:
        r = r.reshape((r.shape[0],) + tuple(out_shape))
    if qa.ndim == 0:
        r = r.squeeze(0)
    return r


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None, axis=None,
             keepdims=None):
    """The ``q``-th quantiles (a float or 1-D tensor in [0, 1]) of all elements or along
    ``dim``; NaN where a slice holds NaN.

    >>> x = ember.tensor([[1., 2., 3., 4.], [4., 0., 2., 1.]])
    >>> ember.quantile(x, 0.5, dim=1)
    tensor([2.5000, 1.5000])
    >>> x.quantile(ember.tensor([0.25, 0.75]), interpolation="lower")
    tensor([1., 3.])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("quantile", dim, keepdim, axis, keepdims)
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, q = _ac.fp32(input, q)
        with _ac.suspended():
            return quantile(input, q, dim, keepdim, interpolation=interpolation, out=out)
    return _out1(_quantile("quantile", input, q, dim, keepdim, interpolation, False), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None, axis=None,
                keepdims=None):
    """Like :func:`quantile`, ignoring NaN values (NaN only where a slice is all NaN).

    >>> ember.nanquantile(ember.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("nanquantile", dim, keepdim, axis, keepdims)
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, q = _ac.fp32(input, q)
        with _ac.suspended():
            return nanquantile(input, q, dim, keepdim, interpolation=interpolation, out=out)
    return _out1(_quantile("nanquantile", input, q, dim, keepdim, interpolation, True), out)


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {name: globals()[name] for name in __all__}
