"""Op-table entries for the reduction family (ember/ops/reduce/, sorting aside: see
op_table_sort.py): sum/mean, the other reductions, cumulative ops, moments, order statistics,
statistics, numerical calculus, segment reductions and histogramdd.
Imported by :mod:`ember.testing.op_table`."""
import math

from .._backend import np
from .op_info import (ALL, DT, ErrorInput, FLOAT, NUM, Sample, make_array, binary_samples,
                      reduce_samples, _default_call, method_call, entry, _bad_dim, _np_reduce,
                      _np_sum, _m, _err, known_bug)


# --------------------------------------------------------------------------- reductions

entry("sum", _np_sum, reduce_samples(), dtypes=ALL, errors=_bad_dim())
entry("sum_dtype", _np_sum, reduce_samples(extra_kwargs=dict(dtype=DT("float64"))), dtypes=NUM,
      call=_default_call("sum"), needs=("sum",))
entry("mean", _np_reduce(np.mean), reduce_samples(), errors=lambda: _bad_dim()() + [
    ErrorInput(Sample((np.ones(3, np.int64),)), RuntimeError)])
entry("sum_to_size", lambda x, *size: _sum_to(x, size),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), 1, 4)),
                       Sample((make_array(rng, (2, 3, 4), dt, layout="T"), (3, 1))),
                       Sample((make_array(rng, (3, 4), dt), 3, 4))],
      call=method_call("sum_to_size"), dtypes=NUM,
      errors=lambda: [ErrorInput(Sample((np.ones((3, 4), np.float32), 2, 4)), RuntimeError)])


def _sum_to(x, size):
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], tuple) else tuple(size)
    lead = x.ndim - len(size)
    r = x.sum(axis=tuple(range(lead))) if lead else x
    axes = tuple(i for i, s in enumerate(size) if s == 1 and r.shape[i] != 1)
    return r.sum(axis=axes, keepdims=True) if axes else r


# --------------------------------------------------------------------------- extremes, prod, logsumexp, all/any

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


# --------------------------------------------------------------------------- stats
def _cov_ref(x, correction=1, fweights=None, aweights=None):
    return np.asarray(np.cov(x, ddof=correction, fweights=fweights, aweights=aweights))


entry("cov", _cov_ref, lambda dt, rng: [
    Sample((_m(rng, (3, 5), dt),)), Sample((_m(rng, (3, 5), dt, layout="T"),), dict(correction=0)),
    Sample((_m(rng, (5,), dt),)), Sample((_m(rng, (2, 4), dt),), dict(fweights=np.array([1, 2, 0, 3]))),
] + ([
    Sample((_m(rng, (2, 4), dt),), dict(aweights=_m(rng, (4,), dt, 0.2, 2), correction=2)),
    Sample((_m(rng, (2, 4), dt),), dict(fweights=np.array([2, 1, 1, 3]), aweights=_m(rng, (4,), dt, 0.2, 2)))]
    if dt.startswith("float") else []),
      dtypes=FLOAT + ("int64",), errors=lambda: [_err(np.ones((2, 3, 4))), _err(np.ones(3, bool)),
                                                 _err(np.ones((2, 3)), fweights=np.ones(3)),
                                                 _err(np.ones((2, 3)), aweights=-np.ones(3))])
entry("corrcoef", lambda x: np.asarray(np.corrcoef(x)), lambda dt, rng: [
    Sample((_m(rng, (3, 5), dt),)), Sample((_m(rng, (3, 5), dt, layout="T"),)), Sample((_m(rng, (5,), dt),))],
      dtypes=FLOAT + ("int64",), errors=lambda: [_err(np.ones((2, 3, 4)))])


def _renorm_ref(x, p, dim, maxnorm):
    dims = tuple(i for i in range(x.ndim) if i != dim % x.ndim)
    a = np.abs(x.astype(np.float64))
    n = a.max(axis=dims, keepdims=True) if p == math.inf else (a ** p).sum(axis=dims, keepdims=True) ** (1 / p)
    return (x * np.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0)).astype(x.dtype)


entry("renorm", _renorm_ref, lambda dt, rng: [
    Sample((_m(rng, (3, 4), dt), 2, 0, 2.0)), Sample((_m(rng, (3, 4), dt, layout="T"), 1, 1, 3.0)),
    Sample((_m(rng, (2, 3, 2), dt, layout="s"), math.inf, -1, 1.5)), Sample((_m(rng, (3, 2), dt), 3, 0, 10.0))],
      inplace="renorm_", errors=lambda: [_err(np.ones((2, 2)), 0, 0, 1.0), _err(np.ones((2, 2)), 2, 0, -1.0),
                                         _err(np.ones(3), 2, 0, 1.0), _err(np.ones((2, 2)), 2, 5, 1.0, exc=IndexError)])


def _diff_ref(x, n=1, dim=-1, prepend=None, append=None):
    kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not None}
    return np.diff(x, n, axis=dim, **kw) if n else x.copy()


entry("diff", _diff_ref, lambda dt, rng: [
    Sample((_m(rng, (5,), dt),)), Sample((_m(rng, (3, 4), dt, layout="T"),), dict(dim=0)),
    Sample((_m(rng, (3, 5), dt),), dict(n=2)), Sample((_m(rng, (2, 3, 2), dt, layout="s"), 1, 1)),
    Sample((_m(rng, (3, 4), dt),), dict(n=6)), Sample((_m(rng, (3, 4), dt),), dict(n=0)),
    Sample((_m(rng, (2, 3), dt),), dict(prepend=_m(rng, (2, 1), dt), append=_m(rng, (2, 2), dt))),
    Sample((_m(rng, (2, 3), dt), 2, 0), dict(append=_m(rng, (1, 3), dt)))], dtypes=ALL,
      errors=lambda: [_err(np.ones(()), exc=RuntimeError), _err(np.ones(3), -1),
                      _err(np.ones((2, 3)), prepend=np.ones(1)), _err(np.ones((2, 3)), prepend=np.ones((3, 1)))])


# --------------------------------------------------------------------------- numerical_calculus


def _trap_ref(y, x=None, dx=None, dim=-1, cumulative=False):
    y = y.astype(np.float64) if y.dtype.kind in "biu" else y
    n = y.shape[dim]
    a = np.take(y, range(1, n), axis=dim)
    b = np.take(y, range(n - 1), axis=dim)
    mean = (a + b) / 2
    if x is not None:
        if x.ndim == 1:
            d = np.diff(x).reshape((n - 1,) + (1,) * (y.ndim - 1 - dim % y.ndim))
        else:
            d = np.diff(x, axis=dim)
        mean = mean * d
    else:
        mean = mean * (1 if dx is None else dx)
    r = np.cumsum(mean, axis=dim) if cumulative else np.sum(mean, axis=dim)
    return np.asarray(r).astype(np.float32 if y.dtype.kind == "f" and y.dtype.itemsize == 4 else r.dtype)


def _trap_samples(dt, rng):
    m = lambda *s, layout="c": make_array(rng, s, dt, layout=layout)  # noqa: E731
    xs = np.sort(make_array(rng, (5,), dt)) if dt in FLOAT else np.arange(5).astype(dt)
    return [Sample((m(3, 5),)), Sample((m(3, 5, layout="T"),), dict(dx=0.5) if dt in FLOAT else dict(dx=2)),
            Sample((m(3, 5), xs)), Sample((m(5, 3),), dict(dim=0)), Sample((m(4),)),
            Sample((m(2, 3), m(2, 3)), dict(dim=1))]


def _trap_errors():
    return [ErrorInput(Sample((np.ones((3, 4), np.float32), np.ones(5, np.float32))), RuntimeError),
            ErrorInput(Sample((np.ones((3, 4), np.float32),), dict(dim=3)), IndexError)]


entry("trapezoid", _trap_ref, _trap_samples, dtypes=FLOAT + ("int64",), covers=("trapz",), aliases=("trapz",),
      errors=_trap_errors)
entry("cumulative_trapezoid", lambda *a, **k: _trap_ref(*a, cumulative=True, **k), _trap_samples,
      dtypes=FLOAT + ("int64",), errors=_trap_errors)


def _grad_ref(f, spacing=1, dim=None, edge_order=1):
    f = f.astype(np.float64) if f.dtype.kind in "biu" else f
    dims = list(range(f.ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    sp = [spacing] * len(dims) if np.ndim(spacing) == 0 and not isinstance(spacing, (list, tuple)) \
        else list(spacing)
    out = tuple(np.gradient(f, s, axis=d, edge_order=edge_order) for d, s in zip(dims, sp))
    return tuple(np.asarray(o).astype(f.dtype) for o in out)


def _grad_samples(dt, rng):
    m = lambda *s, layout="c": make_array(rng, s, dt, layout=layout)  # noqa: E731
    coords = np.sort(rng.uniform(-2, 2, 4)).astype(dt) if dt in FLOAT else np.array([0, 1, 3, 4], dt)
    return [Sample((m(6),)), Sample((m(4, 5, layout="T"),), dict(spacing=2.0)),
            Sample((m(4, 5),), dict(dim=1, edge_order=2)), Sample((m(4, 3),), dict(spacing=[1.0, 3.0])),
            Sample((m(4, 3),), dict(spacing=[coords], dim=0, edge_order=2)),
            Sample((m(3, 4),), dict(dim=[0, 1], edge_order=2))]


entry("gradient", _grad_ref, _grad_samples, dtypes=FLOAT + ("int64",), method=False,
      errors=lambda: [ErrorInput(Sample((np.ones((2, 4), np.float32),), dict(edge_order=2)), RuntimeError),
                      ErrorInput(Sample((np.ones((3, 4), np.float32),), dict(spacing=[1.0, 2.0, 3.0])),
                                 RuntimeError)])


# --------------------------------------------------------------------------- segment_reduce

_SEG_NP = {"sum": (np.sum, 0.0), "prod": (np.prod, 1.0), "mean": (np.mean, np.nan), "max": (np.max, -np.inf),
           "min": (np.min, np.inf)}


def _seg_ref(data, reduce, lengths=None, offsets=None, axis=0, initial=None, unsafe=False):
    lens = lengths if lengths is not None else np.diff(offsets)
    start = 0 if lengths is not None else int(offsets[0])
    fn, empty = _SEG_NP[reduce]
    outs = []
    for k in lens:
        piece = data[start:start + k]
        start += k
        if k == 0:
            outs.append(np.full(data.shape[1:], empty if initial is None else initial))
            continue
        r = fn(piece, axis=0)
        if initial is not None:
            r = {"sum": lambda: r + initial, "prod": lambda: r * initial,
                 "mean": lambda: (piece.sum(0) + initial) / k, "max": lambda: np.maximum(r, initial),
                 "min": lambda: np.minimum(r, initial)}[reduce]()
        outs.append(r)
    return np.stack(outs).astype(data.dtype)


def _seg_samples(dt, rng):
    lens = np.array([2, 0, 3, 1], np.int64)  # an empty segment: identity (nan/inf for mean/max/min)
    full = np.array([2, 1, 3], np.int64)
    return [Sample((make_array(rng, (6,), dt), r), dict(lengths=lens if r in ("sum", "prod") else full))
            for r in ("sum", "prod", "mean", "max", "min")] + [
        Sample((make_array(rng, (6,), dt), "max"), dict(lengths=lens, initial=-1.0)),
        Sample((make_array(rng, (6, 2), dt, layout="T"), "sum"), dict(lengths=lens, initial=0.5)),
        Sample((make_array(rng, (6, 2), dt), "mean"), dict(offsets=np.array([0, 2, 2, 5, 6]), initial=1.0)),
        Sample((make_array(rng, (6, 2), dt), "max"), dict(lengths=np.array([3, 3]), initial=0.0))]


entry("segment_reduce", _seg_ref, _seg_samples, gradgrad=False, grad_args=(0,),
      errors=lambda: [ErrorInput(Sample((np.ones(6, np.float32), "sum"), dict(lengths=np.array([2, 2]))),
                                 RuntimeError),
                      ErrorInput(Sample((np.ones(6, np.float32), "foo"), dict(lengths=np.array([6]))),
                                 RuntimeError)])


# --------------------------------------------------------------------------- histogramdd


def _hdd_ref(x, bins, range=None, weight=None, density=False):
    D = x.shape[-1]
    pts = x.reshape(-1, D).astype(np.float64)
    if isinstance(bins, int):
        bins = [bins] * D
    rng_ = None if range is None else [(range[2 * d], range[2 * d + 1]) for d in np.arange(D)]
    w = None if weight is None else weight.reshape(-1).astype(np.float64)
    h, edges = np.histogramdd(pts, bins=bins, range=rng_, weights=w, density=density)
    return (h.astype(x.dtype),) + tuple(e.astype(x.dtype) for e in edges)


entry("histogramdd", _hdd_ref, lambda dt, rng: [
    Sample((make_array(rng, (20, 2), dt),), dict(bins=3)),
    Sample((make_array(rng, (4, 5, 3), dt),), dict(bins=[2, 3, 4])),
    Sample((make_array(rng, (30, 2), dt),), dict(bins=[2, 4], range=[-1.0, 1.0, 0.0, 2.0],
                                                  weight=make_array(rng, (30,), dt, 0, 1), density=True))],
    dtypes=FLOAT, grad=False, gradgrad=False, method=False, tol={"float32": (1e-5, 1e-5)},
    errors=lambda: [ErrorInput(Sample((np.ones((3, 2), np.float32),), dict(bins=[2])), RuntimeError),
                    ErrorInput(Sample((np.ones((3, 2), np.int64),), dict(bins=2)), NotImplementedError)])


known_bug({"histogramdd"}, "parity_requires_grad",
          "divergence: torch marks histogramdd's outputs requires_grad although its gradient is not "
          "implemented; ember's outputs do not require grad (as histogram)")
