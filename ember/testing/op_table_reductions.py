"""Op-table entries for the rest of the reductions (ops/reduce_more.py, cumulative.py, moments.py,
order_stats.py). Imported by :mod:`ember.testing.op_table` at this family's place in the table
(entry order is kept), like op_table_methods.py.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["cumsum"].name
'cumsum'
"""
from .._backend import np
from .op_info import (ALL, ErrorInput, FLOAT, NUM, Sample, _bad_dim, _default_call, binary_samples,
                       entry, make_array, reduce_samples)


# --------------------------------------------------------------------------- reduce_more

def _axis(x, dim):
    if dim is None:
        return None
    if x.ndim == 0:
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _red(fn, int64=False):
    """Reference for a torch reduction ``op(x, dim=None, keepdim=False)`` from a NumPy one."""
    def ref(x, dim=None, keepdim=False, **kw):
        a = x.astype(np.int64) if int64 and x.dtype.kind in "biu" else x
        return np.asarray(fn(a, axis=_axis(x, dim), keepdims=keepdim, **kw))
    return ref


def _with_idx(vfn, ifn):
    """Reference for ops returning (values, indices) along ``dim``."""
    def ref(x, dim=None, keepdim=False):
        if dim is None:
            return np.asarray(vfn(x))
        ax = _axis(x, dim)
        if ax is None:
            return x.copy(), np.zeros((), np.int64)
        i = ifn(x, axis=ax)
        v = np.take_along_axis(x, np.expand_dims(i, ax), ax)
        if not keepdim:
            v = np.squeeze(v, ax)
        else:
            i = np.expand_dims(i, ax)
        return v, i.astype(np.int64)
    return ref


def _var(x, dim=None, keepdim=False, correction=1, unbiased=None, std=False):
    if unbiased is not None:
        correction = 1 if unbiased else 0
    with np.errstate(all="ignore"):
        r = np.var(x, axis=_axis(x, dim), ddof=correction, keepdims=keepdim)
    return np.sqrt(r) if std else r


def _var_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, layout=l)  # noqa: E731
    return [Sample((m((3, 4)),)), Sample((m((3, 4), "T"),), dict(dim=1)),
            Sample((m((3, 4)),), dict(dim=0, keepdim=True, correction=0)),
            Sample((m((2, 3, 2), "s"),), dict(dim=(0, 2), unbiased=False)), Sample((m((5,)),), dict(correction=2))]


def _arg_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, -30, 30, layout=l)  # noqa: E731
    return [Sample((m((3, 4)),)), Sample((m((3, 4), "T"),), dict(dim=1)),
            Sample((m((3, 4)),), dict(dim=0, keepdim=True)), Sample((m((2, 3, 2), "s"),), dict(dim=-1)),
            Sample((m(()),))]


ORD = FLOAT + ("int64", "int32")
entry("prod", _red(np.prod, int64=True), reduce_samples(dim_tuple=False, low=0.5, high=1.5), dtypes=NUM,
      errors=_bad_dim())
entry("prod_with_zeros", _red(np.prod), lambda dt, rng: [
    Sample((np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]], dtype=dt),), dict(dim=1)),
    Sample((np.array([1.5, 0.0, 2.0], dtype=dt),))], call=_default_call("prod"), needs=("prod",))
entry("max", _with_idx(np.max, np.argmax), _arg_samples, dtypes=ORD,
      covers=("max",), errors=lambda: [ErrorInput(Sample((np.ones((0, 3)),)), RuntimeError)])
entry("min", _with_idx(np.min, np.argmin), _arg_samples, dtypes=ORD)
entry("max_binary", np.maximum, binary_samples(scalars=()), call=_default_call("max"), needs=("max",),
      dtypes=ORD)
entry("min_binary", np.minimum, binary_samples(scalars=()), call=_default_call("min"), needs=("min",),
      dtypes=ORD)
entry("amax", _red(np.max), reduce_samples(-30, 30, empty=False), dtypes=ORD)
entry("amin", _red(np.min), reduce_samples(-30, 30, empty=False), dtypes=ORD)
entry("aminmax", lambda x, dim=None, keepdim=False: (np.asarray(np.min(x, axis=_axis(x, dim), keepdims=keepdim)),
                                                   np.asarray(np.max(x, axis=_axis(x, dim), keepdims=keepdim))),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -30, 30),)),
                       Sample((make_array(rng, (3, 4), dt, -30, 30, layout="T"),), dict(dim=1, keepdim=True))],
      dtypes=ORD, grad=False)
entry("argmax", lambda x, dim=None, keepdim=False: np.asarray(
    np.argmax(x, axis=_axis(x, dim), keepdims=keepdim) if dim is not None else np.argmax(x)),
      _arg_samples, dtypes=ORD, grad=False)
entry("argmin", lambda x, dim=None, keepdim=False: np.asarray(
    np.argmin(x, axis=_axis(x, dim), keepdims=keepdim) if dim is not None else np.argmin(x)),
      _arg_samples, dtypes=ORD, grad=False)
entry("var", _var, _var_samples, errors=lambda: [ErrorInput(Sample((np.ones(3, np.int64),)), RuntimeError)])
entry("std", lambda *a, **k: _var(*a, std=True, **k), _var_samples, gradgrad=False)
entry("var_mean", lambda x, **k: (_var(x, **k), np.asarray(np.mean(x, axis=_axis(x, k.get("dim")),
                                                               keepdims=k.get("keepdim", False)))),
      _var_samples)
entry("std_mean", lambda x, **k: (_var(x, std=True, **k), np.asarray(np.mean(x, axis=_axis(x, k.get("dim")),
                                                                          keepdims=k.get("keepdim", False)))),
      _var_samples, gradgrad=False)


def _logsumexp(x, dim, keepdim=False):
    ax = _axis(x, dim)
    m = np.max(x, axis=ax, keepdims=True) if x.size else np.zeros((1,) * x.ndim)
    r = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    return r if keepdim else (np.squeeze(r, ax) if ax is not None else r.reshape(()))


entry("logsumexp", _logsumexp, reduce_samples(dim_required=True, empty=False))
entry("logsumexp_large", _logsumexp, lambda dt, rng: [Sample((np.array([[1000., 1000.], [-1000., 0.]], dtype=dt), 1))],
      call=_default_call("logsumexp"), needs=("logsumexp",))


def _cum_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, 0.5, 1.5, layout=l)  # noqa: E731
    return [Sample((m((3, 4)), 1)), Sample((m((3, 4), "T"), 0)), Sample((m((5,)),), dict(dim=-1)),
            Sample((m(()), 0)), Sample((m((0, 3)), 1)), Sample((m((2, 3, 2), "s"), 1))]


def _cumref(fn):
    def ref(x, dim, dtype=None):
        a = x.astype(np.int64) if x.dtype.kind in "biu" else x
        return fn(a, axis=dim) if x.ndim else a.copy()
    return ref


entry("cumsum", _cumref(np.cumsum), _cum_samples, dtypes=NUM, inplace="cumsum_")
entry("cumprod", _cumref(np.cumprod), _cum_samples, dtypes=NUM, inplace="cumprod_")


def _cumext(fn, better):
    def ref(x, dim):
        if x.ndim == 0:
            return x.copy(), np.zeros((), np.int64)
        v = fn.accumulate(x, axis=dim)
        xm, vm = np.moveaxis(x, dim, -1), np.moveaxis(v, dim, -1)
        idx = np.zeros(xm.shape, np.int64)
        for pos in np.ndindex(xm.shape[:-1]):
            best = 0
            for j in range(xm.shape[-1]):
                if not better(xm[pos][best], xm[pos][j]):  # torch: last index among equal extremes
                    best = j
                idx[pos + (j,)] = best
        return v, np.moveaxis(idx, -1, dim)
    return ref


entry("cummax", _cumext(np.maximum, lambda b, c: b > c), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),), dict(dim=1)), Sample((make_array(rng, (3, 4), dt, layout="T"), 0)),
    Sample((make_array(rng, (), dt), 0))], dtypes=FLOAT)
entry("cummin", _cumext(np.minimum, lambda b, c: b < c), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),), dict(dim=1)), Sample((make_array(rng, (3, 4), dt, layout="T"), 0))],
      dtypes=FLOAT)


def _lower_median(x, axis=None):
    if axis is None:
        f = np.sort(x.ravel())
        return np.asarray(f[(f.size - 1) // 2])
    return np.take(np.sort(x, axis=axis), (x.shape[axis] - 1) // 2, axis=axis)


def _median_ref(x, dim=None, keepdim=False):
    if dim is None:
        return _lower_median(x)
    ax = _axis(x, dim)
    if ax is None:
        return x.copy(), np.zeros((), np.int64)
    i = np.take(np.argsort(x, axis=ax, kind="stable"), (x.shape[ax] - 1) // 2, axis=ax)
    v = np.take_along_axis(x, np.expand_dims(i, ax), ax)
    if keepdim:
        return v, np.expand_dims(i, ax)
    return np.squeeze(v, ax), i


entry("median", _median_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),)), Sample((make_array(rng, (5,), dt),)),
    Sample((make_array(rng, (3, 4), dt, layout="T"),), dict(dim=1)),
    Sample((make_array(rng, (3, 4), dt),), dict(dim=0, keepdim=True))], dtypes=FLOAT)
entry("nanmedian", lambda x, dim=None, keepdim=False: _median_ref(x, dim, keepdim), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),)), Sample((make_array(rng, (3, 4), dt),), dict(dim=1))], dtypes=FLOAT)
entry("mode", None, lambda dt, rng: [Sample((make_array(rng, (3, 6), dt, -2, 2, ints=True),), dict(dim=1))],
      dtypes=FLOAT + ("int64",), grad=False)
for _n, _f in [("quantile", np.quantile), ("nanquantile", np.nanquantile)]:
    entry(_n, lambda x, q, dim=None, keepdim=False, _f=_f: np.asarray(
        _f(x, q, axis=dim, keepdims=keepdim), dtype=x.dtype), lambda dt, rng: [
        Sample((make_array(rng, (3, 4), dt), 0.3)),
        Sample((make_array(rng, (3, 4), dt, layout="T"), 0.5), dict(dim=1, keepdim=True))],
        dtypes=FLOAT)
entry("logcumsumexp", lambda x, dim: np.logaddexp.accumulate(x, axis=dim) if x.ndim else x.copy(),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), 1)),
                       Sample((make_array(rng, (3, 4), dt, layout="T"), 0))], dtypes=FLOAT)
for _n, _f in [("all", np.all), ("any", np.any)]:
    entry(_n, _red(_f), reduce_samples(-1, 1, ints=True, dim_tuple=True), dtypes=ALL, grad=False)
entry("count_nonzero", lambda x, dim=None: np.asarray(np.count_nonzero(x, axis=_axis(x, dim))).astype(np.int64),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),)),
                       Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),), dict(dim=1)),
                       Sample((make_array(rng, (2, 3, 2), dt, -1, 1, ints=True),), dict(dim=(0, 2)))],
      dtypes=ALL, grad=False)


def _with_nans(dtype, rng):
    a = make_array(rng, (3, 4), dtype)
    a[0, 1] = a[2, 3] = np.nan
    return [Sample((a,)), Sample((a,), dict(dim=1)), Sample((a,), dict(dim=0, keepdim=True))]


entry("nansum", _red(np.nansum), _with_nans)
entry("nanmean", _red(np.nanmean), _with_nans)
entry("trace", lambda x: np.asarray(np.trace(x)), lambda dt, rng: [
    Sample((make_array(rng, (3, 3), dt),)), Sample((make_array(rng, (3, 4), dt, layout="T"),))], dtypes=NUM)
