"""Op-table entries for sorting and searching (ops/reduce/sort_ops.py). Imported by
:mod:`ember.testing.op_table`.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["sort"].name
'sort'
"""
from .._backend import np
from .op_info import ErrorInput, FLOAT, NUM, Sample, _default_call, entry, make_array


# --------------------------------------------------------------------------- sort_ops

SORTABLE = FLOAT + ("int64", "int32", "int16")


def _sort_ref(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    key = -x.astype(np.float64) if descending else x
    i = np.argsort(key, axis=dim, kind="stable")
    return np.take_along_axis(x, i, dim), i.astype(np.int64)


def _sort_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, -50, 50, layout=l)  # noqa: E731
    return [Sample((m((3, 4)),)), Sample((m((3, 4), "T"), 0)), Sample((m((5,)),), dict(descending=True)),
            Sample((m(()),)), Sample((m((0, 3)),)), Sample((m((2, 3, 2), "s"),), dict(dim=1))]


entry("sort", _sort_ref, _sort_samples, dtypes=SORTABLE)
entry("sort_stable", _sort_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 8), dt, -2, 2, ints=True),), dict(stable=True)),
    Sample((make_array(rng, (3, 8), dt, -2, 2, ints=True),), dict(stable=True, descending=True))],
      call=_default_call("sort"), needs=("sort",), dtypes=SORTABLE, grad=False)  # ties: no finite differences
entry("argsort", lambda x, dim=-1, descending=False, stable=False: _sort_ref(x, dim, descending)[1],
      _sort_samples, dtypes=SORTABLE, grad=False)
entry("msort", lambda x: np.sort(x, axis=0), lambda dt, rng: [Sample((make_array(rng, (3, 4), dt),))],
      dtypes=SORTABLE)


def _topk_ref(x, k, dim=-1, largest=True, sorted=True):
    v, i = _sort_ref(x, dim, descending=largest)
    sl = [slice(None)] * x.ndim
    sl[dim] = slice(0, k)
    return v[tuple(sl)], i[tuple(sl)]


entry("topk", _topk_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 5), dt, -50, 50), 2)), Sample((make_array(rng, (3, 5), dt, -50, 50, layout="T"), 2, 0)),
    Sample((make_array(rng, (6,), dt, -50, 50), 3), dict(largest=False)),
    Sample((make_array(rng, (3, 5), dt, -50, 50), 0))], dtypes=SORTABLE,
      errors=lambda: [ErrorInput(Sample((np.ones(3), 5)), RuntimeError)])


def _kth_ref(x, k, dim=-1, keepdim=False):
    v, i = _sort_ref(x, dim)
    vv, ii = np.take(v, k - 1, axis=dim), np.take(i, k - 1, axis=dim)
    if keepdim:
        vv, ii = np.expand_dims(vv, dim), np.expand_dims(ii, dim)
    return vv, ii


entry("kthvalue", _kth_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 5), dt, -50, 50), 2)), Sample((make_array(rng, (3, 5), dt, -50, 50, layout="T"), 1, 0)),
    Sample((make_array(rng, (6,), dt, -50, 50), 6), dict(keepdim=True))], dtypes=SORTABLE)


def _unique_ref(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    r = np.unique(x, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not isinstance(r, tuple):
        return r
    out = [r[0]]
    k = 1
    if return_inverse:
        out.append(r[k].reshape(x.shape if dim is None else -1).astype(np.int64))
        k += 1
    if return_counts:
        out.append(r[k].astype(np.int64))
    return tuple(out)


entry("unique", _unique_ref, lambda dt, rng: [
    Sample((make_array(rng, (3, 5), dt, -3, 3, ints=True),)),
    Sample((make_array(rng, (3, 5), dt, -3, 3, ints=True),), dict(return_inverse=True, return_counts=True)),
    Sample((make_array(rng, (7,), dt, -3, 3, ints=True),), dict(return_counts=True)),
    Sample((make_array(rng, (4, 2), dt, 0, 1, ints=True),), dict(dim=0))], dtypes=NUM + ("bool",), grad=False)


def _unique_consecutive_ref(x, return_inverse=False, return_counts=False, dim=None):
    f = x.ravel()
    keep = np.ones(f.shape, bool)
    keep[1:] = f[1:] != f[:-1]
    vals = f[keep]
    out = [vals]
    if return_inverse:
        out.append((np.cumsum(keep) - 1).reshape(x.shape).astype(np.int64))
    if return_counts:
        out.append(np.diff(np.append(np.nonzero(keep)[0], f.size)).astype(np.int64))
    return tuple(out) if len(out) > 1 else vals


entry("unique_consecutive", _unique_consecutive_ref, lambda dt, rng: [
    Sample((make_array(rng, (9,), dt, -1, 1, ints=True),)),
    Sample((make_array(rng, (3, 3), dt, -1, 1, ints=True),), dict(return_inverse=True, return_counts=True))],
      dtypes=NUM, grad=False)


def _searchsorted_ref(seq, v, right=False, side=None):
    side = side or ("right" if right else "left")
    if seq.ndim == 1:
        return np.searchsorted(seq, v, side=side).astype(np.int64)
    return np.stack([np.searchsorted(s, vv, side=side) for s, vv in zip(seq, v)]).astype(np.int64)


entry("searchsorted", _searchsorted_ref, lambda dt, rng: [
    Sample((np.sort(make_array(rng, (6,), dt, -5, 5, ints=True)), make_array(rng, (3, 4), dt, -6, 6, ints=True))),
    Sample((np.sort(make_array(rng, (6,), dt, -5, 5, ints=True)), make_array(rng, (4,), dt, -6, 6, ints=True)),
           dict(right=True)),
    Sample((np.sort(make_array(rng, (2, 5), dt, -5, 5, ints=True), axis=1), make_array(rng, (2, 3), dt, -6, 6, ints=True)),
           dict(side="right"))], dtypes=SORTABLE, grad=False)
entry("bucketize", lambda x, b, right=False: np.searchsorted(b, x, side="right" if right else "left").astype(np.int64),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -6, 6, ints=True), np.sort(make_array(rng, (5,), dt, -5, 5, ints=True)))),
                       Sample((make_array(rng, (4,), dt, -6, 6, ints=True), np.sort(make_array(rng, (5,), dt, -5, 5, ints=True))),
                              dict(right=True))], dtypes=SORTABLE, grad=False)
entry("histc", lambda x, bins=100, min=0, max=0: np.histogram(x, bins=bins, range=(min, max))[0].astype(x.dtype),
      lambda dt, rng: [Sample((make_array(rng, (20,), dt, -2.5, 2.5),), dict(bins=5, min=-3, max=3)),
                       Sample((make_array(rng, (3, 4), dt, -2.5, 2.5),), dict(bins=4, min=-2, max=2))], grad=False)
entry("histogram", lambda x, bins, range=None, **k: tuple(
          np.histogram(x.reshape(-1), bins=bins, range=range)[i].astype(x.dtype) for i in (0, 1)),
      lambda dt, rng: [Sample((make_array(rng, (20,), dt, -2.5, 2.5), 5), dict(range=(-3.0, 3.0))),
                       Sample((make_array(rng, (3, 4), dt, -2.5, 2.5), 4), dict(range=(-2.0, 2.0)))], grad=False)
entry("bincount", lambda x, weights=None, minlength=0: np.bincount(x, weights, minlength), lambda dt, rng: [
    Sample((rng.integers(0, 5, (10,)),)), Sample((rng.integers(0, 5, (10,)),), dict(minlength=8)),
    Sample((rng.integers(0, 5, (6,)), make_array(rng, (6,), "float64")))], dtypes=("int64",), grad=False)
