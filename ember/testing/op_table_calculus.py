"""Op-table entries for numerical calculus (ops/numerical_calculus.py), segment reductions
(ops/segment_reduce.py), element search (ops/element_search.py), sequence builders
(ops/sequence_builders.py) and histogramdd (ops/histogramdd.py). Imported by
:mod:`ember.testing.op_table`.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["trapezoid"].name
'trapezoid'
"""
import warnings

from .._backend import np
from .op_info import ALL, DT, FLOAT, NUM, ErrorInput, Sample, entry, known_bug, make_array

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

# --------------------------------------------------------------------------- element_search


def _isin_samples(dt, rng):
    m = lambda *s: make_array(rng, s, dt, -3, 3, ints=True)  # noqa: E731
    return [Sample((m(3, 4), m(5))), Sample((m(6), m(2, 2)), dict(invert=True)), Sample((m(4), 1)),
            Sample((m(0, 2), m(3))), Sample((m(4), m(3)), dict(assume_unique=False))]


entry("isin", lambda e, t, assume_unique=False, invert=False: np.isin(e, t, invert=invert), _isin_samples,
      dtypes=NUM, grad=False, gradgrad=False)
entry("nonzero_static", lambda x, size, fill_value=-1: np.concatenate(
    [np.argwhere(x)[:size], np.full((max(0, size - np.count_nonzero(x)), x.ndim), fill_value)]).astype(np.int64),
    lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),), dict(size=4)),
                     Sample((make_array(rng, (6,), dt, -1, 1, ints=True),), dict(size=9, fill_value=-7)),
                     Sample((make_array(rng, (2, 2), dt, 1, 3, ints=True),), dict(size=0))],
    dtypes=ALL, grad=False, gradgrad=False,
    errors=lambda: [ErrorInput(Sample((np.ones(3, np.float32),), dict(size=-1)), RuntimeError)])
entry("unravel_index", lambda i, shape: tuple(np.mod(np.floor_divide(i, int(np.prod(shape[k + 1:]))), s)
                                              for k, s in enumerate(shape)),
      lambda dt, rng: [Sample((rng.integers(-12, 30, size=(5,)), (2, 3, 4))),
                       Sample((rng.integers(0, 6, size=(2, 3)), (6,))), Sample((np.array(5), (2, 3)))],
      dtypes=("int64",), grad=False, gradgrad=False,
      errors=lambda: [ErrorInput(Sample((np.ones(2, np.float32), (2, 3))), TypeError),
                      ErrorInput(Sample((np.ones(2, np.int64), (2, -3))), ValueError)])

# --------------------------------------------------------------------------- sequence_builders


def _range_call(lib, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.range(*args, **kwargs)


def _range_ref(start, end, step=1, dtype=None):
    n = int(np.floor((end - start) / step)) + 1
    return (start + np.arange(n) * step).astype(dtype or np.float32)


entry("range", _range_ref, lambda dt, rng: [Sample((0, 3)), Sample((0, 1, 0.25)), Sample((5, 1, -2)),
                                             Sample((1, 4), dict(dtype=DT(dt))), Sample((0.5, 3))],
      call=_range_call, dtypes=("float64", "int64"), grad=False, gradgrad=False,
      errors=lambda: [ErrorInput(Sample((0, 3, 0)), RuntimeError), ErrorInput(Sample((0, 3, -1)), RuntimeError)])


def _vander_ref(x, N=None, increasing=False):
    if x.dtype.kind in "biu":
        x = x.astype(np.int64)
    return np.vander(x, N, increasing)


entry("vander", _vander_ref, lambda dt, rng: [
    Sample((make_array(rng, (4,), dt, -2, 2),)), Sample((make_array(rng, (3,), dt, -2, 2), 5, True)),
    Sample((make_array(rng, (3,), dt, -2, 2),), dict(N=2))],
    dtypes=NUM + ("bool",), method=False,
    errors=lambda: [ErrorInput(Sample((np.ones((2, 2), np.float32),)), RuntimeError),
                    ErrorInput(Sample((np.ones(2, np.float32), -1)), RuntimeError)])

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


known_bug({"vander"}, "parity_grad",
          "divergence: torch 2.13's vander backward raises (a tensor it saved was modified in place); "
          "ember's gradient matches finite differences (test_op_table grad)")
known_bug({"histogramdd"}, "parity_requires_grad",
          "divergence: torch marks histogramdd's outputs requires_grad although its gradient is not "
          "implemented; ember's outputs do not require grad (as histogram)")
