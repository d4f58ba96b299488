"""Op-table entries for the shape family (ember/ops/shape/, view copies aside: see
op_table_view_copies.py): views, reshapes and permutations, joining, splitting, flips and
repeats, diagonals, the sized splits and the in-place geometry changes.
Imported by :mod:`ember.testing.op_table`."""

from .._backend import np
from .op_info import (ALL, ErrorInput, NUM, Sample, make_array, method_call, entry, _shape_samples,
                      _m, _ip, _err)


# --------------------------------------------------------------------------- movement / views
def movement(name, ref, *specs, method=False, dtypes=ALL, **kw):
    kw.setdefault("call", method_call(name) if method else None)
    return entry(name, ref, _shape_samples(*specs), dtypes=dtypes, **kw)


def _np_reshape(x, *shape):
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    return x.reshape(shape)


movement("reshape", _np_reshape, ((3, 4), "c", (4, 3)), ((3, 4), "T", (-1,)), ((2, 3, 2), "s", (6, 2)),
         ((), "c", (1, 1)), ((0, 3), "c", (3, 0)), ((5,), "c", (5, 1)),
         errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), (5, 2))), RuntimeError)])
movement("view", _np_reshape, ((3, 4), "c", 4, 3), ((3, 4), "c", (2, -1)), ((2, 3, 2), "c", 12),
         ((), "c", 1), ((4,), "c", 2, 2), method=True,
         errors=lambda: [ErrorInput(Sample((np.ones((3, 4)).T, 12)), RuntimeError),
                         ErrorInput(Sample((np.ones((3, 4)), 5)), RuntimeError)])
entry("view_as", lambda x, o: x.reshape(o.shape),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), make_array(rng, (2, 6), dt)))],
      call=method_call("view_as"), dtypes=ALL, grad_args=(0,))
entry("reshape_as", lambda x, o: x.reshape(o.shape),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, layout="T"), make_array(rng, (2, 6), dt)))],
      call=method_call("reshape_as"), dtypes=ALL, grad_args=(0,))
movement("transpose", lambda x, a, b: np.swapaxes(x, a, b) if x.ndim else x, ((3, 4), "c", 0, 1), ((2, 3, 2), "s", -1, 0),
         ((5,), "c", 0, 0), ((), "c", 0, -1), covers=("swapaxes", "swapdims"),
         aliases=("swapaxes", "swapdims"),
         errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), 0, 2)), IndexError)])
movement("t", lambda x: x.T, ((3, 4), "c"), ((5,), "c"), ((), "c"), ((3, 4), "T"),
         errors=lambda: [ErrorInput(Sample((np.ones((2, 3, 4)),)), RuntimeError)])
movement("T", lambda x: x.T, ((3, 4), "c"), ((3, 4), "T"), call=lambda lib, x: x.T, needs=("T",))
movement("mT", lambda x: np.swapaxes(x, -1, -2), ((2, 3, 4), "c"), ((3, 4), "T"),
         call=lambda lib, x: x.mT, needs=("mT",))
def _np_permute(x, *d):
    return np.transpose(x, d[0] if len(d) == 1 and isinstance(d[0], tuple) else d)


movement("permute", _np_permute, ((2, 3, 2), "c", (2, 0, 1)), ((3, 4), "T", (1, 0)), ((), "c", ()),
         ((2, 3, 2), "s", (-1, 0, 1)),
         errors=lambda: [ErrorInput(Sample((np.ones((3, 4)), (0, 0))), RuntimeError)])
movement("permute_varargs", _np_permute, ((2, 3, 2), "c", 2, 0, 1), ((3, 4), "T", 1, 0),
         call=method_call("permute"), needs=("permute",))
movement("movedim", np.moveaxis, ((2, 3, 4), "c", 0, 2), ((2, 3, 4), "s", (0, 1), (2, 0)),
         ((3, 4), "T", -1, 0), covers=("moveaxis",), aliases=("moveaxis",))
movement("expand", lambda x, *s: np.broadcast_to(x, tuple(
    x.shape[i - (len(s) - x.ndim)] if v == -1 else v for i, v in enumerate(s))),
         ((3, 1), "c", 3, 4), ((1,), "c", 2, 3, 5), ((), "c", 4), ((3, 1), "c", -1, 2),
         ((4, 1), "T", 2, 4, 3), method=True,
         errors=lambda: [ErrorInput(Sample((np.ones((3, 2)), 3, 4)), RuntimeError)])
entry("expand_as", lambda x, o: np.broadcast_to(x, o.shape),
      lambda dt, rng: [Sample((make_array(rng, (3, 1), dt), make_array(rng, (2, 3, 4), dt)))],
      call=method_call("expand_as"), dtypes=ALL, grad_args=(0,))


def _np_squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    dims = dim if isinstance(dim, tuple) else (dim,)
    dims = tuple(d % max(x.ndim, 1) for d in dims)
    return np.squeeze(x, tuple(d for d in dims if x.ndim and x.shape[d] == 1))


movement("squeeze", _np_squeeze, ((3, 1, 4, 1), "c"), ((3, 1, 4, 1), "c", 1), ((3, 1, 4), "c", 0),
         ((1, 1), "c", {"dim": (0, 1)}), ((), "c"), ((1,), "c", -1),
         errors=lambda: [ErrorInput(Sample((np.ones((3, 1)), 2)), IndexError)])
movement("unsqueeze", np.expand_dims, ((3, 4), "c", 0), ((3, 4), "T", -1), ((), "c", 0), ((5,), "c", 1),
         errors=lambda: [ErrorInput(Sample((np.ones((3, 1)), 3)), IndexError)])


def _np_flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:]) if x.size else \
        x.reshape(x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:])


movement("flatten", _np_flatten, ((2, 3, 4), "c"), ((2, 3, 4), "s", 1), ((2, 3, 4), "T", 0, 1),
         ((), "c"), ((0, 3), "c"), ((2, 3, 4), "c", {"start_dim": -2, "end_dim": -1}))
movement("unflatten", lambda x, d, s: x.reshape(x.shape[:d % x.ndim] + tuple(s) + x.shape[d % x.ndim + 1:]),
         ((2, 6), "c", 1, (2, 3)), ((6, 2), "T", 0, (3, -1)), method=True)


# --------------------------------------------------------------------------- shape_ops

def _seq_samples(dtype, rng, shapes, **kw):
    return Sample(([make_array(rng, sh, dtype, layout=l) for sh, l in shapes],), dict(kw))


def _cat_samples(dtype, rng):
    return [_seq_samples(dtype, rng, [((2, 3), "c"), ((4, 3), "T")]),
            _seq_samples(dtype, rng, [((2, 3), "c"), ((2, 1), "c"), ((2, 2), "s")], dim=1),
            _seq_samples(dtype, rng, [((3,), "c"), ((0,), "c")]),
            _seq_samples(dtype, rng, [((2, 3), "c")], dim=-1),
            _seq_samples(dtype, rng, [((2, 3, 2), "c"), ((2, 1, 2), "c")], dim=1)]


_cat_ref = lambda ts, dim=0: np.concatenate(ts, axis=dim)  # noqa: E731
entry("cat", _cat_ref, _cat_samples, dtypes=ALL, covers=("concat", "concatenate"), aliases=("concat", "concatenate"),
      errors=lambda: [ErrorInput(Sample(([np.ones((2, 3)), np.ones((2, 4))],)), RuntimeError),
                      ErrorInput(Sample(([],)), ValueError)])  # torch 2.13: ValueError
entry("stack", lambda ts, dim=0: np.stack(ts, axis=dim), lambda dt, rng: [
    _seq_samples(dt, rng, [((2, 3), "c"), ((2, 3), "T")]), _seq_samples(dt, rng, [((3,), "c")] * 3, dim=1),
    _seq_samples(dt, rng, [((), "c"), ((), "c")]), _seq_samples(dt, rng, [((2, 3), "c")] * 2, dim=-1)],
      dtypes=ALL, errors=lambda: [ErrorInput(Sample(([np.ones((2, 3)), np.ones((3, 2))],)), RuntimeError)])
for _n, _f in [("hstack", np.hstack), ("vstack", np.vstack), ("dstack", np.dstack),
               ("column_stack", np.column_stack)]:
    entry(_n, _f, (lambda f: lambda dt, rng: [
        _seq_samples(dt, rng, [((2, 3), "c"), ((2, 3), "T")]), _seq_samples(dt, rng, [((3,), "c"), ((3,), "c")])])(_f),
        dtypes=ALL, covers=("row_stack",) if _n == "vstack" else ())


def _split_ref(x, size_or_sections, dim=0):
    n = x.shape[dim]
    if isinstance(size_or_sections, int):
        idx = list(range(size_or_sections, n, size_or_sections))
    else:
        idx = list(np.cumsum(size_or_sections)[:-1])
    return tuple(np.split(x, idx, axis=dim))


for _n, _ax, _shape in [("hsplit", 1, (3, 4)), ("vsplit", 0, (4, 3)), ("dsplit", 2, (2, 3, 4))]:
    entry(_n, (lambda ax: lambda x, ind: tuple(np.split(x, ind, axis=ax if x.ndim > 1 else 0)))(_ax),
          (lambda sh: lambda dt, rng: [Sample((make_array(rng, sh, dt), 2)), Sample((make_array(rng, sh, dt), [1, 3])),
                                       Sample((make_array(rng, sh, dt, layout="T"), 2))])(_shape), dtypes=ALL)
entry("as_strided", lambda x, size, stride, offset=0: np.lib.stride_tricks.as_strided(
    x.ravel()[offset:], size, tuple(s * x.itemsize for s in stride)), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), (2, 2), (1, 2))), Sample((make_array(rng, (12,), dt), (3, 3), (3, 1), 1)),
    Sample((make_array(rng, (3, 4), dt), (2, 3), (4, 1)))], dtypes=ALL)
entry("split", _split_ref, lambda dt, rng: [
    Sample((make_array(rng, (5, 3), dt), 2)), Sample((make_array(rng, (5, 3), dt, layout="T"), [1, 2], 1)),
    Sample((make_array(rng, (6,), dt), 3)), Sample((make_array(rng, (4, 3), dt), [1, 0, 3]))], dtypes=ALL)
entry("chunk", lambda x, chunks, dim=0: _split_ref(x, -(-x.shape[dim] // chunks), dim), lambda dt, rng: [
    Sample((make_array(rng, (5, 3), dt), 2)), Sample((make_array(rng, (5, 3), dt, layout="T"), 3, 1)),
    Sample((make_array(rng, (6,), dt), 3))], dtypes=ALL)
entry("tensor_split", lambda x, ind, dim=0: tuple(np.array_split(x, ind, axis=dim)), lambda dt, rng: [
    Sample((make_array(rng, (5, 3), dt), 2)), Sample((make_array(rng, (5, 3), dt), [1, 4])),
    Sample((make_array(rng, (5, 3), dt, layout="T"), 2, 1))], dtypes=ALL)
entry("unbind", lambda x, dim=0: tuple(np.moveaxis(x, dim, 0)), lambda dt, rng: [
    Sample((make_array(rng, (3, 2), dt),)), Sample((make_array(rng, (3, 2), dt, layout="T"), 1))], dtypes=ALL)
entry("flip", lambda x, dims: np.flip(x, dims), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), (0,))), Sample((make_array(rng, (3, 4), dt, layout="T"), (0, 1))),
    Sample((make_array(rng, (2, 3, 2), dt), [-1])), Sample((make_array(rng, (), dt), ()))], dtypes=ALL)
entry("fliplr", np.fliplr, _shape_samples(((3, 4), "c"), ((3, 4), "T")), dtypes=ALL)
entry("flipud", np.flipud, _shape_samples(((3, 4), "c"), ((3,), "c")), dtypes=ALL)
entry("roll", lambda x, shifts, dims=None: np.roll(x, shifts, dims), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 1)), Sample((make_array(rng, (3, 4), dt, layout="T"), (1, -2), (0, 1))),
    Sample((make_array(rng, (3, 4), dt), -1, 1))], dtypes=ALL)
entry("rot90", lambda x, k=1, dims=(0, 1): np.rot90(x, k, dims), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),)), Sample((make_array(rng, (3, 4), dt, layout="T"), 2)),
    Sample((make_array(rng, (2, 3, 4), dt), -1, (1, 2)))], dtypes=ALL)
entry("repeat", lambda x, *r: np.tile(x, r[0] if len(r) == 1 and isinstance(r[0], tuple) else r), lambda dt, rng: [
    Sample((make_array(rng, (2, 3), dt), 2, 1)), Sample((make_array(rng, (3,), dt), 2, 2)),
    Sample((make_array(rng, (2, 3), dt, layout="T"), (1, 2))), Sample((make_array(rng, (), dt), 3))],
      call=method_call("repeat"), dtypes=ALL)
entry("tile", lambda x, r: np.tile(x, r), lambda dt, rng: [
    Sample((make_array(rng, (2, 3), dt), (2, 1))), Sample((make_array(rng, (3,), dt), (2, 2))),
    Sample((make_array(rng, (2, 3), dt, layout="T"), (2,)))], dtypes=ALL)
entry("narrow", lambda x, d, st_, ln: np.take(x, range(st_, st_ + ln), axis=d), lambda dt, rng: [
    Sample((make_array(rng, (4, 3), dt), 0, 1, 2)), Sample((make_array(rng, (4, 3), dt, layout="T"), 1, 0, 3))],
      dtypes=ALL)
entry("select", lambda x, d, i: np.take(x, i, axis=d), lambda dt, rng: [
    Sample((make_array(rng, (4, 3), dt), 0, 1)), Sample((make_array(rng, (4, 3), dt, layout="T"), 1, -1))],
      dtypes=ALL, errors=lambda: [ErrorInput(Sample((np.ones((2, 3)), 0, 5)), IndexError)])
entry("tril", lambda x, diagonal=0: np.tril(x, diagonal), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),)), Sample((make_array(rng, (3, 4), dt, layout="T"), 1)),
    Sample((make_array(rng, (2, 3, 3), dt),), dict(diagonal=-1))], dtypes=ALL, inplace="tril_")
entry("triu", lambda x, diagonal=0: np.triu(x, diagonal), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),)), Sample((make_array(rng, (3, 4), dt, layout="T"), 1)),
    Sample((make_array(rng, (2, 3, 3), dt),), dict(diagonal=-1))], dtypes=ALL, inplace="triu_")
entry("diag", lambda x, diagonal=0: np.diag(x, diagonal), lambda dt, rng: [
    Sample((make_array(rng, (3,), dt),)), Sample((make_array(rng, (3, 4), dt),)),
    Sample((make_array(rng, (3, 4), dt, layout="T"), 1)), Sample((make_array(rng, (3,), dt), -1))], dtypes=ALL)
entry("diagonal", lambda x, offset=0, dim1=0, dim2=1: np.diagonal(x, offset, dim1, dim2), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt),)), Sample((make_array(rng, (3, 4), dt, layout="T"), 1)),
    Sample((make_array(rng, (2, 3, 3), dt),), dict(dim1=1, dim2=2))], dtypes=ALL)


def _diag_embed(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
    i = np.arange(x.shape[-1])
    r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., r, c] = x
    return out


entry("diag_embed", _diag_embed, lambda dt, rng: [Sample((make_array(rng, (2, 3), dt),)),
                                                  Sample((make_array(rng, (3,), dt), 1))], dtypes=ALL)
entry("diagflat", lambda x, offset=0: np.diagflat(x, offset), lambda dt, rng: [
    Sample((make_array(rng, (3,), dt),)), Sample((make_array(rng, (2, 2), dt), 1))], dtypes=ALL)
entry("broadcast_to", lambda x, s: np.broadcast_to(x, s), lambda dt, rng: [
    Sample((make_array(rng, (3, 1), dt), (2, 3, 4))), Sample((make_array(rng, (), dt), (3,)))], dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((3, 2)), (3, 4))), RuntimeError)])
entry("broadcast_tensors", lambda *ts: tuple(np.broadcast_arrays(*ts)), lambda dt, rng: [
    Sample((make_array(rng, (3, 1), dt), make_array(rng, (4,), dt))),
    Sample((make_array(rng, (), dt), make_array(rng, (2, 3), dt, layout="T")))], dtypes=ALL)
for _n, _f in [("atleast_1d", np.atleast_1d), ("atleast_2d", np.atleast_2d), ("atleast_3d", np.atleast_3d)]:
    entry(_n, _f, _shape_samples(((), "c"), ((3,), "c"), ((3, 4), "T"), ((2, 3, 2), "c")), dtypes=ALL)
entry("meshgrid", lambda *ts, indexing="ij": tuple(np.meshgrid(*ts, indexing=indexing)), lambda dt, rng: [
    Sample((make_array(rng, (3,), dt), make_array(rng, (4,), dt)), dict(indexing="ij")),
    Sample((make_array(rng, (3,), dt), make_array(rng, (2,), dt)), dict(indexing="xy"))], dtypes=ALL)
entry("repeat_interleave", lambda x, repeats, dim=None: np.repeat(x, repeats, axis=dim), lambda dt, rng: [
    Sample((make_array(rng, (2, 3), dt), 2)), Sample((make_array(rng, (2, 3), dt), 2), dict(dim=1)),
    Sample((make_array(rng, (3,), dt), np.array([1, 0, 2])), dict(dim=0))], dtypes=ALL)
entry("unfold", lambda x, d, size, step: np.moveaxis(
    np.lib.stride_tricks.sliding_window_view(x, size, axis=d), -1, -1).take(
    range(0, x.shape[d] - size + 1, step), axis=d), lambda dt, rng: [
    Sample((make_array(rng, (7,), dt), 0, 3, 2)), Sample((make_array(rng, (3, 5), dt), 1, 2, 1))],
      call=method_call("unfold"), dtypes=ALL)
entry("ravel", np.ravel, _shape_samples(((3, 4), "c"), ((3, 4), "T"), ((), "c")), dtypes=ALL)
entry("block_diag", lambda *ts: _block_diag(ts), lambda dt, rng: [
    Sample((make_array(rng, (2, 2), dt), make_array(rng, (1, 3), dt))),
    Sample((make_array(rng, (2,), dt), make_array(rng, (), dt)))], dtypes=NUM)


def _block_diag(ts):
    ts = [np.atleast_2d(t) if t.ndim else t.reshape(1, 1) for t in ts]
    r = sum(t.shape[0] for t in ts)
    c = sum(t.shape[1] for t in ts)
    out = np.zeros((r, c), np.result_type(*ts))
    i = j = 0
    for t in ts:
        out[i:i + t.shape[0], j:j + t.shape[1]] = t
        i, j = i + t.shape[0], j + t.shape[1]
    return out


entry("cartesian_prod", lambda *ts: np.stack(np.meshgrid(*ts, indexing="ij"), -1).reshape(-1, len(ts))
      if len(ts) > 1 else ts[0], lambda dt, rng: [Sample((make_array(rng, (3,), dt), make_array(rng, (2,), dt)))],
      dtypes=NUM)


import itertools as _it  # noqa: E402


def _combinations(x, r=2, with_replacement=False):
    f = _it.combinations_with_replacement if with_replacement else _it.combinations
    c = list(f(range(x.shape[0]), r))
    return x[np.array(c, dtype=np.int64)] if c else np.zeros((0, r), x.dtype)


entry("combinations", _combinations, lambda dt, rng: [
    Sample((make_array(rng, (4,), dt),)), Sample((make_array(rng, (4,), dt), 3)),
    Sample((make_array(rng, (3,), dt),), dict(with_replacement=True))], dtypes=ALL)


def _diagonal_scatter(x, src, offset=0, dim1=0, dim2=1):
    out = x.copy()
    d = np.diagonal(out, offset, dim1, dim2)
    d.setflags(write=True)
    d[...] = src
    return out


entry("diagonal_scatter", _diagonal_scatter, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (3,), dt))),
    Sample((make_array(rng, (3, 4), dt, layout="T"), make_array(rng, (3,), dt), 1)),
    Sample((make_array(rng, (2, 3, 3), dt), make_array(rng, (2, 3), dt)), dict(dim1=1, dim2=2))], dtypes=ALL)


def _select_scatter(x, src, dim, index):
    out = x.copy()
    sl = [slice(None)] * x.ndim
    sl[dim] = index
    out[tuple(sl)] = src
    return out


entry("select_scatter", _select_scatter, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (4,), dt), 0, 1)),
    Sample((make_array(rng, (3, 4), dt, layout="T"), make_array(rng, (3,), dt), 1, -1))], dtypes=ALL)


def _slice_scatter(x, src, dim=0, start=None, end=None, step=1):
    out = x.copy()
    sl = [slice(None)] * x.ndim
    sl[dim] = slice(start, end, step)
    out[tuple(sl)] = src
    return out


entry("slice_scatter", _slice_scatter, lambda dt, rng: [
    Sample((make_array(rng, (4, 3), dt), make_array(rng, (2, 3), dt)), dict(start=1, end=3)),
    Sample((make_array(rng, (3, 4), dt, layout="T"), make_array(rng, (3, 2), dt)), dict(dim=1, step=2)),
    Sample((make_array(rng, (4, 3), dt), make_array(rng, (4, 3), dt)))], dtypes=ALL)
entry("tril_indices", lambda r, c, offset=0: np.stack(np.tril_indices(r, offset, c)).astype(np.int64),
      lambda dt, rng: [Sample((3, 4)), Sample((4, 3, 1)), Sample((3, 3, -1)), Sample((0, 3))],
      dtypes=("int64",), grad=False)
entry("triu_indices", lambda r, c, offset=0: np.stack(np.triu_indices(r, offset, c)).astype(np.int64),
      lambda dt, rng: [Sample((3, 4)), Sample((4, 3, 1)), Sample((3, 3, -1)), Sample((0, 3))],
      dtypes=("int64",), grad=False)


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


# --------------------------------------------------------------------------- sized splits
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
