"""Op-table entries for the tensor-method families (ember/ops/view_inplace.py, inplace_more.py,
activation.py, shape_more.py, index_more.py, stats.py, special.py, conj_ops.py and
tensor_info.py). Imported by :mod:`ember.testing.op_table` before it builds the active table,
so these entries run in every generic test like the others."""
import math

from .._backend import np
from .op_info import (FLOAT, INTS, SIGNED, NUM, ALL, DT, Sample, ErrorInput, entry, unary, make_array,
                       UNARY_SHAPES, _shape_samples)


def _m(rng, shape, dtype, low=-3.0, high=3.0, layout="c", **kw):
    return make_array(rng, shape, dtype, low, high, layout=layout, **kw)


def _ip(name):
    """``call`` for an in-place method on a copy of the first argument (which it must return)."""
    def call(lib, x, *args, **kwargs):
        y = x.clone()
        assert getattr(y, name)(*args, **kwargs) is y
        return y
    return call


def _err(*args, exc=RuntimeError, **kwargs):
    return ErrorInput(Sample(tuple(args), kwargs), exc)


# --------------------------------------------------------------------------- activation
def _softmax_ref(x, dim, dtype=None):
    x = x.astype(dtype) if dtype is not None else x
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax_ref(x, dim, dtype=None):
    x = x.astype(dtype) if dtype is not None else x
    if x.ndim == 0:
        return np.zeros_like(x)
    s = x - x.max(axis=dim, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def _softmax_samples(dt, rng):
    return [Sample((_m(rng, (3, 4), dt), 1)), Sample((_m(rng, (3, 4), dt, layout="T"), 0)),
            Sample((_m(rng, (2, 3, 2), dt, layout="s"), -1)), Sample((_m(rng, (), dt), 0)),
            Sample((_m(rng, (0, 3), dt), 1)), Sample((_m(rng, (3, 4), dt), -1), dict(dtype=DT("float64")))]


for _n, _f in (("softmax", _softmax_ref), ("log_softmax", _log_softmax_ref)):
    entry(_n, _f, _softmax_samples,
          errors=lambda: [_err(np.ones(3, np.int64), 0, exc=NotImplementedError),
                          _err(np.ones(3, np.float32), 0, dtype=DT("int64"), exc=NotImplementedError),
                          _err(np.ones((2, 3), np.float32), 2, exc=IndexError)])


def _prelu_ref(x, w):
    wb = w.reshape((1, -1) + (1,) * (x.ndim - 2)) if x.ndim >= 2 and w.size > 1 else w.reshape(())
    return np.where(x > 0, x, x * wb)


entry("prelu", _prelu_ref, lambda dt, rng: [
    Sample((_m(rng, (2, 3, 4), dt), _m(rng, (3,), dt, 0.1, 0.9))),
    Sample((_m(rng, (3, 4), dt, layout="T"), _m(rng, (4,), dt, 0.1, 0.9))),
    Sample((_m(rng, (5,), dt), _m(rng, (1,), dt, 0.1, 0.9))),
    Sample((_m(rng, (), dt), _m(rng, (), dt, 0.1, 0.9))),
    Sample((_m(rng, (2, 3, 2), dt, layout="s"), _m(rng, (), dt, 0.1, 0.9)))],
      errors=lambda: [_err(np.ones((2, 3), np.float32), np.ones((1, 3), np.float32)),
                      _err(np.ones((2, 3), np.float32), np.ones(2, np.float32)),
                      _err(np.ones(3, np.int64), np.ones(1, np.int64), exc=NotImplementedError)])
entry("hardshrink", lambda x, lambd=0.5: np.where(np.abs(x) > lambd, x, 0).astype(x.dtype), lambda dt, rng: [
    Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES] + [Sample((_m(rng, (3, 4), dt),), dict(lambd=1.5))],
      errors=lambda: [_err(np.ones(3, np.int64), exc=NotImplementedError)])


# --------------------------------------------------------------------------- in-place comparisons
def _cmp_samples(dt, rng):
    m = lambda s, l="c": _m(rng, s, dt, -2, 2, layout=l, ints=True)  # noqa: E731
    out = [Sample((m((5,)), m((5,)))), Sample((m((3, 4)), m((4,)))), Sample((m((2, 3)), m(()))),
           Sample((m(()), m(()))), Sample((m((3, 4), "T"), m((3, 4), "s"))), Sample((m((0, 3)), m((3,))))]
    out += [Sample((m((3, 4)), 1))] + ([Sample((m((3, 4)), 1.0))] if dt.startswith("float") else [])
    return out


for _n, _f, _al in (("eq", np.equal, ()), ("ne", np.not_equal, ("not_equal_",)), ("lt", np.less, ("less_",)),
                    ("le", np.less_equal, ("less_equal_",)), ("gt", np.greater, ("greater_",)),
                    ("ge", np.greater_equal, ("greater_equal_",))):
    entry(_n + "_", lambda a, b, _f=_f: _f(a, b).astype(a.dtype), _cmp_samples, call=_ip(_n + "_"),
          needs=(_n + "_", "clone"), covers=_al, dtypes=ALL, grad=False, gradgrad=False,
          errors=lambda: [_err(np.ones(2, np.float32), np.ones((3, 2), np.float32)),
                          _err(np.ones(2, np.float32), np.ones(3, np.float32))])
    for _a in _al:
        entry(_a, lambda a, b, _f=_f: _f(a, b).astype(a.dtype), lambda dt, rng: _cmp_samples(dt, rng)[:2],
              call=_ip(_a), needs=(_a, "clone"), dtypes=FLOAT, grad=False, gradgrad=False)
entry("absolute_", np.abs, lambda dt, rng: [Sample((_m(rng, s, dt, layout=l, nonzero=True),)) for s, l in UNARY_SHAPES],
      call=_ip("absolute_"), needs=("absolute_", "clone"), dtypes=NUM)
entry("negative_", np.negative, lambda dt, rng: [Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES],
      call=_ip("negative_"), needs=("negative_", "clone"),
      dtypes=FLOAT + SIGNED, errors=lambda: [_err(np.ones(2, bool))])
entry("negative_fn", np.negative, lambda dt, rng: [Sample((_m(rng, (3, 4), dt),))],
      call=lambda lib, x: lib.negative_(x.clone()), needs=("negative_", "clone"), dtypes=FLOAT)


# --------------------------------------------------------------------------- in-place geometry
def _geometry(name, ref, *specs, **kw):
    kw.setdefault("dtypes", ALL)
    return entry(name, ref, _shape_samples(*specs), call=_ip(name), needs=(name, "clone"), **kw)


_geometry("t_", lambda x: x.T, ((3, 4), "c"), ((3, 4), "T"), ((5,), "c"), ((), "c"),
          errors=lambda: [_err(np.ones((2, 3, 4)))])
for _n in ("transpose_", "swapaxes_", "swapdims_"):
    _geometry(_n, lambda x, a, b: np.swapaxes(x, a, b) if x.ndim else x, ((3, 4), "c", 0, 1),
              ((2, 3, 2), "s", -1, 0), ((5,), "c", 0, 0), ((), "c", 0, -1),
              errors=lambda: [_err(np.ones((3, 4)), 0, 2, exc=IndexError)])


def _np_squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    dims = dim if isinstance(dim, tuple) else (dim,)
    dims = tuple(d % max(x.ndim, 1) for d in dims)
    return np.squeeze(x, tuple(d for d in dims if x.ndim and x.shape[d] == 1))


_geometry("squeeze_", _np_squeeze, ((3, 1, 4, 1), "c"), ((3, 1, 4, 1), "c", 1), ((3, 1, 4), "c", 0),
          ((1, 1), "c", {"dim": (0, 1)}), ((), "c"), ((1, 3), "T", -1),
          errors=lambda: [_err(np.ones((3, 1)), 2, exc=IndexError)])
_geometry("unsqueeze_", np.expand_dims, ((3, 4), "c", 0), ((3, 4), "T", -1), ((), "c", 0), ((5,), "c", 1),
          errors=lambda: [_err(np.ones((3, 1)), 3, exc=IndexError)])


def _np_as_strided(x, size, stride, offset=0):
    flat = x.reshape(-1)
    return np.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * x.itemsize for s in stride)).copy()


_geometry("as_strided_", _np_as_strided, ((3, 4), "c", (2, 2), (1, 2)), ((3, 4), "c", (4, 3), (1, 4), 0),
          ((6,), "c", (2, 2), (1, 1), 2), ((5,), "c", (0,), (1,)),
          errors=lambda: [_err(np.ones((2, 3)), (3, 3), (3, 1)), _err(np.ones(3), (2,), (1, 1))])


def _np_resize(x, *size):
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    n = int(np.prod(size))
    return x.reshape(-1)[:n].reshape(size)


def _detached(name):
    def call(lib, x, *args):
        y = x.detach().clone()
        assert getattr(y, name)(*args) is y
        return y
    return call


entry("resize_", _np_resize, _shape_samples(((3, 4), "c", 2, 6), ((3, 4), "c", (5,)), ((6,), "c", [2, 2]),
                                            ((2, 3), "c", 0), ((4,), "c", 4)),
      call=_detached("resize_"), needs=("resize_", "clone"), dtypes=ALL, grad=False, gradgrad=False,
      errors=lambda: [_err(np.ones(3), -1)])
entry("resize_as_", lambda x, t: _np_resize(x, t.shape), lambda dt, rng: [
    Sample((_m(rng, (3, 4), dt), _m(rng, (2, 5), dt))), Sample((_m(rng, (6,), dt), _m(rng, (2, 3), dt)))],
      call=_detached("resize_as_"), needs=("resize_as_", "clone"), dtypes=ALL, grad=False, gradgrad=False)


# --------------------------------------------------------------------------- shape_more
def _np_split(x, sizes, dim=0):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _even(n, s):
    return [s] * (n // s) + ([n % s] if n % s else [])


entry("split_with_sizes", _np_split, lambda dt, rng: [
    Sample((_m(rng, (5, 3), dt), [2, 3])), Sample((_m(rng, (3, 4), dt, layout="T"), [1, 0, 3], 1)),
    Sample((_m(rng, (2, 3, 2), dt, layout="s"), (1, 2)), dict(dim=-2))], dtypes=ALL,
      errors=lambda: [_err(np.ones(5), [2, 2]), _err(np.ones(5), [6, -1]), _err(np.ones(()), [1])])
entry("unsafe_split_with_sizes", _np_split, lambda dt, rng: [
    Sample((_m(rng, (5, 3), dt), [2, 3])), Sample((_m(rng, (3, 4), dt, layout="T"), [1, 0, 3], 1))], dtypes=ALL,
      errors=lambda: [_err(np.ones(5), [2, 2])])
entry("unsafe_split", lambda x, s, dim=0: _np_split(x, _even(x.shape[dim], s), dim), lambda dt, rng: [
    Sample((_m(rng, (5, 3), dt), 2)), Sample((_m(rng, (3, 4), dt, layout="T"), 3, 1)),
    Sample((_m(rng, (4,), dt), 4))], dtypes=ALL,
      errors=lambda: [_err(np.ones(5), -1), _err(np.ones(5), 0), _err(np.ones(()), 1)])
entry("unsafe_chunk", lambda x, c, dim=0: _np_split(x, _even(x.shape[dim], -(-x.shape[dim] // c)), dim),
      lambda dt, rng: [Sample((_m(rng, (5, 3), dt), 2)), Sample((_m(rng, (3, 4), dt, layout="T"), 3, 1)),
                       Sample((_m(rng, (2, 6), dt), 4), dict(dim=-1))], dtypes=ALL,
      errors=lambda: [_err(np.ones(5), 0)])
def _narrow_ref(x, d, s, n):
    s = s % x.shape[d] if s < 0 else s
    return np.take(x, range(s, s + n), axis=d)


entry("narrow_copy", _narrow_ref,
      lambda dt, rng: [Sample((_m(rng, (5, 3), dt), 0, 1, 3)), Sample((_m(rng, (3, 4), dt, layout="T"), 1, -3, 2)),
                       Sample((_m(rng, (2, 3, 2), dt, layout="s"), -1, 0, 1)), Sample((_m(rng, (4,), dt), 0, 4, 0))],
      dtypes=ALL, errors=lambda: [_err(np.ones(3), 0, 2, 2), _err(np.ones(3), 0, 5, 0, exc=IndexError),
                                  _err(np.ones(()), 0, 0, 1)])


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


# --------------------------------------------------------------------------- index_more
def _index_reduce_ref(x, dim, index, src, reduce, include_self=True):
    out = np.moveaxis(x.copy(), dim, 0)
    s = np.moveaxis(src, dim, 0)
    fl = x.dtype.kind == "f"
    for i in np.unique(index):
        rows = s[index == i]
        vals = np.concatenate([out[i][None], rows]) if include_self else rows
        if reduce == "prod":
            r = vals.prod(0)
        elif reduce == "amax":
            r = vals.max(0)
        elif reduce == "amin":
            r = vals.min(0)
        else:
            r = vals.sum(0) / len(vals) if fl else np.floor_divide(vals.sum(0), len(vals))
        out[i] = r
    return np.moveaxis(out, 0, dim)


def _index_reduce_samples(dt, rng):
    ix = np.array([0, 2, 0, 3, 2])
    out = []
    for red in ("prod", "mean", "amax", "amin"):
        out += [Sample((_m(rng, (4, 3), dt, 0.5, 2), 0, ix, _m(rng, (5, 3), dt, 0.5, 2), red)),
                Sample((_m(rng, (3, 4), dt, 0.5, 2, layout="T"), 1, ix, _m(rng, (3, 5), dt, 0.5, 2), red),
                       dict(include_self=False))]
    return out


entry("index_reduce", _index_reduce_ref, _index_reduce_samples, dtypes=NUM, inplace="index_reduce_",
      grad_args=(0, 3), errors=lambda: [_err(np.ones(3), 0, np.array([0]), np.ones(1), "sum"),
                                        _err(np.ones(3), 0, np.array([3]), np.ones(1), "prod", exc=IndexError),
                                        _err(np.ones(3), 0, np.array([0, 1]), np.ones(1), "prod")])


def _fill_diag_ref(x, v, wrap=False):
    y = x.copy()
    if y.ndim == 2 and not wrap:
        k = min(y.shape)
        y[np.arange(k), np.arange(k)] = v
    else:
        np.fill_diagonal(y, v, wrap=wrap)
    return y


entry("fill_diagonal_", _fill_diag_ref, lambda dt, rng: [
    Sample((_m(rng, (3, 4), dt), 2)), Sample((_m(rng, (7, 3), dt), 1), dict(wrap=True)),
    Sample((_m(rng, (7, 3), dt, layout="T").T, 0)), Sample((_m(rng, (2, 2, 2), dt), 3)),
    Sample((_m(rng, (0, 3), dt), 1))],
      call=_ip("fill_diagonal_"), needs=("fill_diagonal_", "clone"), dtypes=ALL,
      errors=lambda: [_err(np.ones(3), 1), _err(np.ones((2, 3, 2)), 1)])


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


# --------------------------------------------------------------------------- special
def _i0_ref(x):
    return np.i0(x.astype(np.float64))


unary("i0", _i0_ref, -4, 4, dtypes=FLOAT, tol={"float32": (1e-6, 1e-6)})
entry("i0_int", _i0_ref, lambda dt, rng: [Sample((_m(rng, (5,), dt),))], call=lambda lib, x: lib.i0(x),
      needs=("i0",), dtypes=INTS + ("bool",), grad=False)
unary("angle", lambda x: np.where(x < 0, np.pi, np.where(np.isnan(x), x, 0.0)).astype(
    x.dtype if x.dtype.kind == "f" else np.float32), dtypes=NUM, inplace=None)


def _igamma_samples(dt, rng):
    m = lambda s, lo, hi, l="c": _m(rng, s, dt, lo, hi, layout=l)  # noqa: E731
    return [Sample((m((5,), 0.3, 5), m((5,), 0.1, 6))), Sample((m((3, 4), 0.5, 4), m((4,), 0.2, 8))),
            Sample((m((3, 1), 1, 20), m((1, 4), 0.5, 30))), Sample((m((), 2, 3), m((3,), 0.1, 5))),
            Sample((m((3, 4), 0.3, 3, "T"), m((3, 4), 0.1, 4, "s"))), Sample((m((0, 3), 1, 2), m((3,), 1, 2)))]


for _n in ("igamma", "igammac"):
    entry(_n, None, _igamma_samples, grad_args=(1,), inplace=_n + "_",
          errors=lambda: [_err(np.ones(2, np.int64), np.ones(2, np.int64), exc=NotImplementedError),
                          _err(np.ones(2, np.float32), 2.0, exc=TypeError),
                          _err(np.ones(2, np.float32), np.ones(3, np.float32))])


# --------------------------------------------------------------------------- conj and friends
def _same(x):
    return x


_std = lambda dt, rng: [Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES]  # noqa: E731
for _n in ("conj", "conj_physical", "resolve_conj", "resolve_neg"):
    entry(_n, _same, _std, dtypes=ALL)
entry("real", _same, _std, dtypes=ALL, call=lambda lib, x: x.real)
entry("real_fn", _same, _std, dtypes=FLOAT, call=lambda lib, x: lib.real(x), needs=("real",))
entry("conj_physical_", _same, _std, dtypes=ALL, call=lambda lib, x: lib.conj_physical_(x.clone()))


def _complex_samples(dt, rng):
    cdt = np.complex64 if dt == "complex64" else np.complex128
    return [Sample(((rng.uniform(-2, 2, s) + 1j * rng.uniform(-2, 2, s)).astype(cdt),)) for s in ((3,), (2, 3))]


entry("imag", lambda x: x.imag, _complex_samples, dtypes=("complex64", "complex128"), grad=False,
      call=lambda lib, x: x.imag,
      errors=lambda: [ErrorInput(Sample((np.ones(3, np.float32),)), RuntimeError)])
entry("imag_fn", lambda x: x.imag, _complex_samples, dtypes=("complex64",), grad=False,
      call=lambda lib, x: lib.imag(x), needs=("imag",))
_swap = lambda x: np.swapaxes(x, -1, -2)  # noqa: E731
entry("adjoint", _swap, _shape_samples(((3, 4), "c"), ((2, 3, 4), "T"), ((3, 4), "s")), dtypes=ALL,
      errors=lambda: [_err(np.ones(3))])
entry("mH", _swap, _shape_samples(((3, 4), "c"), ((2, 3, 4), "T")), dtypes=ALL, call=lambda lib, x: x.mH,
      errors=lambda: [_err(np.ones(3))])
entry("H", _swap, _shape_samples(((3, 4), "c"), ((3, 4), "T")), dtypes=ALL, call=lambda lib, x: x.H,
      errors=lambda: [_err(np.ones(3)), _err(np.ones((2, 3, 4)))])


# --------------------------------------------------------------------------- tensor_info
def _info(name, ref, samples, call=None, **kw):
    return entry(name, ref, samples, dtypes=kw.pop("dtypes", ALL), grad=False, gradgrad=False,
                 call=call, **kw)


_info("is_same_size", lambda a, b: a.shape == b.shape, lambda dt, rng: [
    Sample((_m(rng, (2, 3), dt), _m(rng, (2, 3), dt, layout="T"))), Sample((_m(rng, (2, 3), dt), _m(rng, (3, 2), dt)))])
_info("is_signed", lambda x: x.dtype.kind in "fi", lambda dt, rng: [Sample((_m(rng, (2,), dt),))])
_info("is_nonzero", lambda x: bool(x.reshape(())), lambda dt, rng: [
    Sample((_m(rng, (1,), dt),)), Sample((np.zeros((), dt),)), Sample((np.ones((1, 1), dt),))],
      errors=lambda: [_err(np.ones(2)), _err(np.ones(0))])
for _n in ("is_inference", "is_conj", "is_neg"):
    _info(_n, lambda x: False, lambda dt, rng: [Sample((_m(rng, (2,), dt),))])
_info("is_meta", lambda x: False, lambda dt, rng: [Sample((_m(rng, (2,), dt),))], call=lambda lib, x: x.is_meta)
_info("itemsize", lambda x: x.itemsize, lambda dt, rng: [Sample((_m(rng, (2,), dt),))],
      call=lambda lib, x: x.itemsize)
_info("nbytes", lambda x: x.nbytes, lambda dt, rng: [Sample((_m(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES],
      call=lambda lib, x: x.nbytes)
_info("new", lambda x: (np.array([1, 2]).astype(x.dtype), (2, 3), (0,), x),
      lambda dt, rng: [Sample((_m(rng, (2,), dt),))],
      call=lambda lib, x: (x.new([1, 2]), tuple(x.new(2, 3).shape), tuple(x.new().shape), x.new(x)))

del _n, _f, _al, _a
