"""Op-table entries for the index family (ember/ops/index/): ``x[idx]`` and ``x[idx] = v``,
gather/scatter, the index_* ops along a dim, masked ops, take/put, nonzero and element search.
Imported by :mod:`ember.testing.op_table`."""

from .._backend import np
from .op_info import ALL, ErrorInput, FLOAT, NUM, Sample, make_array, _default_call, entry, _m, _err


def _getitem_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, layout=l)  # noqa: E731
    idx_list = [(1,), (-1,), (slice(1, 3),), ((slice(None), 1),), ((Ellipsis, 0),),
                ((None, slice(None, None, 2)),), ((0, slice(None), None),)]
    out = [Sample((m((3, 4, 2)), i[0])) for i in idx_list]
    out += [Sample((m((4, 3), "T"), (slice(1, None), slice(None, 2)))),
            Sample((m((5,)), np.array([0, 2, 2, 4]))),
            Sample((m((3, 4)), (np.array([0, 2]), np.array([1, 3])))),
            Sample((m((3, 4)), np.array([True, False, True]))),
            Sample((m(()), None)), Sample((m(()), ()))]
    return out


entry("__getitem__", lambda x, i: x[i], _getitem_samples, dtypes=ALL,
      call=lambda lib, x, i: x[_index_to(lib, i)], grad_args=(0,),
      errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), 3)), IndexError),
                      ErrorInput(Sample((np.ones((3, 4)), (0, 0, 0))), IndexError)])


def _index_to(lib, i):
    """Index arrays become the library's tensors (ember and torch alike)."""
    if isinstance(i, np.ndarray):
        return lib.from_numpy(i)
    if isinstance(i, tuple):
        return tuple(_index_to(lib, v) for v in i)
    return i


def _setitem_call(lib, x, i, v):
    y = x.clone()
    y[_index_to(lib, i)] = v
    return y


def _setitem_ref(x, i, v):
    y = x.copy()
    y[i] = v
    return y


entry("__setitem__", _setitem_ref,
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), 1, make_array(rng, (4,), dt))),
                       Sample((make_array(rng, (3, 4), dt, layout="T"), (slice(None), 0),
                               make_array(rng, (), dt))),
                       Sample((make_array(rng, (3, 4), dt), (slice(0, 2), slice(1, 3)),
                               make_array(rng, (1, 2), dt))),
                       Sample((make_array(rng, (5,), dt), np.array([0, 3]), make_array(rng, (2,), dt))),
                       Sample((make_array(rng, (3, 4), dt), 0, 2))],
      call=_setitem_call, needs=("__setitem__", "clone"), dtypes=NUM)


# --------------------------------------------------------------------------- gather / scatter, index_* along a dim

def _perm_index(rng, shape, dim, n):
    """int64 index of ``shape`` with values < n, unique along ``dim`` (no scatter collisions)."""
    idx = np.empty(shape, np.int64)
    for pos in np.ndindex(*(s for i, s in enumerate(shape) if i != dim)):
        perm = rng.permutation(n)[:shape[dim]]
        full = list(pos)
        full.insert(dim, slice(None))
        idx[tuple(full)] = perm
    return idx


def _gather_ref(x, dim, index):
    return np.take_along_axis(x, index, axis=dim) if x.ndim else x[()].reshape(()) * np.ones(index.shape, x.dtype)


entry("gather", _gather_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 1, rng.integers(0, 4, (3, 2)))),
    Sample((make_array(rng, (3, 4), dt, layout="T"), 0, rng.integers(0, 3, (5, 4)))),
    Sample((make_array(rng, (2, 3, 2), dt), -1, rng.integers(0, 2, (2, 3, 3))))], dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), 1, np.full((3, 2), 7))), RuntimeError)])
entry("take_along_dim", lambda x, idx, dim=None: np.take_along_axis(x.ravel() if dim is None else x,
                                                                      idx.ravel() if dim is None else idx, axis=0 if dim is None else dim),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), rng.integers(0, 4, (3, 2)), 1)),
                       Sample((make_array(rng, (3, 4), dt), rng.integers(0, 12, (5,))))], dtypes=ALL)


def _scatter_ref(x, dim, index, src, reduce=None):
    out = x.copy()
    src = np.broadcast_to(src, index.shape) if np.ndim(src) == 0 else src
    for pos in np.ndindex(*index.shape):
        tgt = list(pos)
        tgt[dim] = index[pos]
        v = src[pos]
        out[tuple(tgt)] = out[tuple(tgt)] + v if reduce == "add" else (
            out[tuple(tgt)] * v if reduce == "multiply" else v)
    return out


def _scatter_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, layout=l)  # noqa: E731
    return [Sample((m((3, 5)), 1, _perm_index(rng, (3, 2), 1, 5), m((3, 2)))),
            Sample((m((4, 3), "T"), 0, _perm_index(rng, (2, 3), 0, 4), m((2, 3)))),
            Sample((m((3, 5)), 1, _perm_index(rng, (2, 3), 1, 5), m((2, 3))))]


entry("scatter", _scatter_ref, _scatter_samples, dtypes=ALL, inplace="scatter_")
entry("scatter_big_src", _scatter_ref, lambda dt, rng: [  # src larger than index: torch's backward fails
    Sample((make_array(rng, (3, 5), dt), 1, _perm_index(rng, (2, 3), 1, 5), make_array(rng, (3, 4), dt)))],
      call=_default_call("scatter"), needs=("scatter",), dtypes=ALL, grad=False)
entry("scatter_value", lambda x, d, i, v: _scatter_ref(x, d, i, np.asarray(v, x.dtype)), lambda dt, rng: [
    Sample((make_array(rng, (3, 5), dt), 1, _perm_index(rng, (3, 2), 1, 5), 2))],
      call=_default_call("scatter"), needs=("scatter",), dtypes=NUM, inplace="scatter_")


def _scatter_add_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, layout=l)  # noqa: E731
    return [Sample((m((3, 5)), 1, rng.integers(0, 5, (3, 4)), m((3, 4)))),
            Sample((m((4, 3), "T"), 0, rng.integers(0, 4, (6, 3)), m((6, 3))))]


entry("scatter_add", lambda x, d, i, s: _scatter_ref(x, d, i, s, "add"), _scatter_add_samples, dtypes=NUM,
      inplace="scatter_add_")


def _scatter_reduce_ref(x, dim, index, src, reduce, include_self=True):
    out = x.astype(np.float64).copy()
    groups = {}
    for pos in np.ndindex(*index.shape):
        tgt = list(pos)
        tgt[dim] = index[pos]
        groups.setdefault(tuple(tgt), []).append(float(src[pos]))
    for tgt, vals in groups.items():
        vals = ([float(x[tgt])] if include_self else []) + vals
        f = {"sum": sum, "prod": np.prod, "mean": np.mean, "amax": max, "amin": min}[reduce]
        out[tgt] = f(vals)
    if x.dtype.kind in "iu" and reduce == "mean":
        out = np.floor(out)
    return out.astype(x.dtype)


entry("scatter_reduce", _scatter_reduce_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 5), dt), 1, rng.integers(0, 5, (3, 4)), make_array(rng, (3, 4), dt), r),
           dict(include_self=inc)) for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)],
      dtypes=FLOAT, inplace="scatter_reduce_", grad=False)
entry("index_select", lambda x, d, i: np.take(x, i, axis=d), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 1, np.array([0, 3, 3]))),
    Sample((make_array(rng, (3, 4), dt, layout="T"), 0, np.array([2, 0]))),
    Sample((make_array(rng, (5,), dt), 0, np.array([], np.int64)))], dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), 1, np.array([5]))), RuntimeError)])  # torch: RuntimeError


def _mask(rng, shape):
    return rng.integers(0, 2, size=shape).astype(bool)


entry("masked_fill", lambda x, m, v: np.where(m, np.asarray(v, x.dtype), x), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), _mask(rng, (3, 4)), 2)),
    Sample((make_array(rng, (3, 4), dt, layout="T"), _mask(rng, (4,)), 0)),
    Sample((make_array(rng, (3, 4), dt), _mask(rng, (3, 1)), make_array(rng, (), dt)))],
      dtypes=ALL, inplace="masked_fill_", grad_args=(0, 2),
      errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), np.ones((3, 4)), 1.0)), RuntimeError)])


def _masked_select(x, m):
    xb, mb = np.broadcast_arrays(x, m)
    return xb[mb]


entry("masked_select", _masked_select, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), _mask(rng, (3, 4)))),
    Sample((make_array(rng, (3, 4), dt, layout="T"), _mask(rng, (4,))))], dtypes=ALL)


def _masked_scatter(x, m, src):
    xb, mb = np.broadcast_arrays(x, m)
    out = xb.copy()
    out[mb] = src.ravel()[:int(mb.sum())]
    return out


entry("masked_scatter", _masked_scatter, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), _mask(rng, (3, 4)), make_array(rng, (3, 4), dt))),
    Sample((make_array(rng, (3, 4), dt), _mask(rng, (4,)), make_array(rng, (20,), dt)))],
      dtypes=NUM, inplace="masked_scatter_")


def _index_add(x, dim, index, src, alpha=1):
    out = np.moveaxis(x.copy(), dim, 0)
    np.add.at(out, index, alpha * np.moveaxis(src, dim, 0))
    return np.moveaxis(out, 0, dim)


entry("index_add", _index_add, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 1, np.array([0, 3, 3]), make_array(rng, (3, 3), dt))),
    Sample((make_array(rng, (4, 3), dt, layout="T"), 0, np.array([2, 0]), make_array(rng, (2, 3), dt)), dict(alpha=2))],
      dtypes=NUM, inplace="index_add_")


def _index_copy(x, dim, index, src):
    out = np.moveaxis(x.copy(), dim, 0)
    out[index] = np.moveaxis(src, dim, 0)
    return np.moveaxis(out, 0, dim)


entry("index_copy", _index_copy, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 1, np.array([0, 3]), make_array(rng, (3, 2), dt))),
    Sample((make_array(rng, (4, 3), dt, layout="T"), 0, np.array([2, 0]), make_array(rng, (2, 3), dt)))],
      dtypes=ALL, inplace="index_copy_")


def _index_fill(x, dim, index, v):
    out = np.moveaxis(x.copy(), dim, 0)
    out[index] = v
    return np.moveaxis(out, 0, dim)


entry("index_fill", _index_fill, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 1, np.array([0, 3]), 2)),
    Sample((make_array(rng, (4, 3), dt, layout="T"), 0, np.array([2]), 3))],
      dtypes=NUM, inplace="index_fill_")


def _index_put(x, indices, values, accumulate=False):
    out = x.copy()
    if accumulate:
        np.add.at(out, indices, values)
    else:
        out[indices] = values
    return out


entry("index_put", _index_put, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), (np.array([0, 2]), np.array([1, 3])), make_array(rng, (2,), dt))),
    Sample((make_array(rng, (3, 4), dt), (np.array([0, 0, 2]),), make_array(rng, (4,), dt)), dict(accumulate=True))],
      dtypes=NUM, inplace="index_put_")
entry("take", lambda x, i: x.ravel()[i], lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), np.array([[0, 11], [5, 5]]))),
    Sample((make_array(rng, (3, 4), dt, layout="T"), np.array([1, 2, 3])))], dtypes=ALL)


def _put(x, i, src, accumulate=False):
    out = x.copy().ravel()
    if accumulate:
        np.add.at(out, i.ravel(), src.ravel())
    else:
        out[i.ravel()] = src.ravel()
    return out.reshape(x.shape)


entry("put", _put, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), np.array([0, 11, 5]), make_array(rng, (3,), dt))),
    Sample((make_array(rng, (3, 4), dt), np.array([1, 1]), make_array(rng, (2,), dt)), dict(accumulate=True))],
      dtypes=NUM, inplace="put_")
entry("nonzero", lambda x, as_tuple=False: np.nonzero(x) if as_tuple else np.argwhere(x), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),)), Sample((make_array(rng, (5,), dt, -1, 1, ints=True),)),
    Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),), dict(as_tuple=True)),
    Sample((make_array(rng, (), dt, 1, 1, ints=True),))], dtypes=ALL, grad=False)
entry("argwhere", np.argwhere, lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),))],
      dtypes=ALL, grad=False)


# --------------------------------------------------------------------------- index_reduce
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
