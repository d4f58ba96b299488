"""Op-table entries for the view copies (ember/ops/shape/view_copies.py). Imported by :mod:`ember.testing.op_table`.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["t_copy"].name
't_copy'
"""
from .._backend import np
from .op_info import ALL, ErrorInput, Sample, entry, known_bug, make_array


def _s(*specs):
    """Samples from (shape, layout, *args[, kwargs])."""
    def gen(dt, rng):
        out = []
        for sp in specs:
            rest = sp[2:]
            kw = {}
            if rest and isinstance(rest[-1], dict):
                rest, kw = rest[:-1], rest[-1]
            out.append(Sample((make_array(rng, sp[0], dt, layout=sp[1]),) + tuple(rest), kw))
        return out
    return gen


def _copy(a):
    return np.array(a, copy=True, order="C")


def _strided(x, size, stride, off=0):
    flat = np.ascontiguousarray(x).ravel()
    idx = np.full(size, off, dtype=np.int64)
    for d, (k, s) in enumerate(zip(size, stride)):
        sh = [1] * len(size)
        sh[d] = k
        idx = idx + (np.arange(k) * s).reshape(sh)
    return flat[idx]


def _slice_ref(x, dim=0, start=None, end=None, step=1):
    key = [slice(None)] * x.ndim
    key[dim] = slice(start, end, step)
    return _copy(x[tuple(key)])


def _split_sizes_ref(x, sizes, dim=0):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _split_ref(x, size, dim=0):
    return tuple(np.split(x, list(range(size, x.shape[dim], size)), axis=dim))


def _unfold_ref(x, dim, size, step):
    w = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
    key = [slice(None)] * w.ndim
    key[dim] = slice(None, None, step)
    return _copy(w[tuple(key)])


def _squeeze_ref(x, dim=None):
    if dim is None:
        return _copy(np.squeeze(x))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return _copy(np.squeeze(x, tuple(d for d in dims if x.shape[d] == 1)))


def _bad_dim(name_args):
    return lambda: [ErrorInput(Sample((np.ones((2, 3), np.float32),) + name_args), IndexError)]


entry("alias_copy", _copy, _s(((3, 4), "T"), ((), "c"), ((0, 2), "c")), dtypes=ALL)
entry("detach_copy", _copy, _s(((3, 4), "T"), ((), "c")), dtypes=ALL, grad=False, gradgrad=False)
entry("as_strided_copy", _strided, _s(((3, 4), "c", (2, 2), (1, 2)), ((12,), "c", (3, 3), (3, 1), 1)),
      dtypes=ALL)
entry("diagonal_copy", lambda x, offset=0, dim1=0, dim2=1: _copy(np.diagonal(x, offset, dim1, dim2)),
      _s(((3, 4), "c"), ((3, 4), "T", 1), ((2, 3, 3), "s", -1, 1, 2)), dtypes=ALL,
      errors=_bad_dim((0, 0, 5)))
entry("expand_copy", lambda x, size: _copy(np.broadcast_to(x, size)),
      _s(((3, 1), "c", (3, 4)), ((4,), "c", (2, 4)), ((), "c", (2,))), dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((3,), np.float32), (4,))), RuntimeError)])
entry("permute_copy", lambda x, dims: _copy(np.transpose(x, dims)),
      _s(((2, 3, 4), "c", (2, 0, 1)), ((3, 4), "T", (1, 0))), dtypes=ALL)
entry("select_copy", lambda x, dim, index: _copy(np.take(x, index, axis=dim)),
      _s(((3, 4), "c", 1, 2), ((3, 4), "T", 0, -1)), dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((2, 3), np.float32), 0, 5)), IndexError)])
entry("slice_copy", _slice_ref, _s(((5, 4), "c", 0, 1, 4, 2), ((3, 6), "T", 1, None, None, 3),
                                   ((4,), "c"), ((3, 4), "c", -1, -3)), dtypes=ALL)
entry("split_copy", _split_ref, _s(((5, 3), "c", 2), ((3, 5), "T", 2, 1)), dtypes=ALL)
entry("split_with_sizes_copy", _split_sizes_ref, _s(((5, 3), "c", [2, 3]), ((3, 5), "T", [1, 1, 3], 1)),
      dtypes=ALL, errors=lambda: [ErrorInput(Sample((np.ones((5,), np.float32), [2, 2])), RuntimeError)])
entry("squeeze_copy", _squeeze_ref, _s(((1, 3, 1), "c"), ((1, 3, 1), "c", 2), ((1, 3, 1), "c", [0, 2]),
                                       ((3, 4), "T", 0)), dtypes=ALL)
entry("t_copy", lambda x: _copy(x.T), _s(((3, 4), "c"), ((3, 4), "T"), ((5,), "c"), ((), "c")), dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((2, 2, 2), np.float32),)), RuntimeError)])
entry("transpose_copy", lambda x, d0, d1: _copy(np.swapaxes(x, d0, d1)),
      _s(((2, 3, 4), "c", 0, 2), ((3, 4), "T", 0, 1)), dtypes=ALL, errors=_bad_dim((0, 4)))
entry("unbind_copy", lambda x, dim=0: tuple(_copy(np.take(x, i, axis=dim)) for i in range(x.shape[dim])),
      _s(((3, 4), "c"), ((3, 4), "T", 1)), dtypes=ALL)
entry("unfold_copy", _unfold_ref, _s(((7,), "c", 0, 3, 2), ((3, 6), "T", 1, 2, 1)), dtypes=ALL)
entry("unsqueeze_copy", lambda x, dim: _copy(np.expand_dims(x, dim)),
      _s(((3, 4), "c", 1), ((3, 4), "T", -1), ((), "c", 0)), dtypes=ALL, errors=_bad_dim((5,)))
entry("view_copy", lambda x, size: _copy(np.reshape(x, size)),
      _s(((3, 4), "c", (2, 6)), ((3, 4), "c", (-1,)), ((12,), "c", (3, 2, 2))), dtypes=ALL,
      errors=lambda: [ErrorInput(Sample((np.ones((3, 4), np.float32), (5,))), RuntimeError)])


def _ass_ref(x, src, size, stride, off=None):
    out = np.ascontiguousarray(x).copy()
    flat = out.reshape(-1)
    idx = _strided(np.arange(x.size), size, stride, off or 0)
    flat[idx.reshape(-1)] = src.reshape(-1)
    return out


def _ass_samples(dt, rng):
    m = lambda *s: make_array(rng, s, dt)  # noqa: E731
    return [Sample((m(3, 4), m(2, 2), (2, 2), (1, 2), 1)), Sample((m(12), m(3, 2), (3, 2), (4, 1))),
            Sample((m(2, 3), m(2), (2,), (3,), 2))]


entry("as_strided_scatter", _ass_ref, _ass_samples, dtypes=ALL, errors=lambda: [
    ErrorInput(Sample((np.ones((3, 4), np.float32), np.ones((2, 3), np.float32), (2, 2), (1, 2))),
               RuntimeError),
    ErrorInput(Sample((np.ones((3, 4), np.float32), np.ones((2, 2), np.float32), (2, 2), (10, 2), 1)),
               RuntimeError)])



def _slice_inverse_call(lib, base, dim, start, end, step):
    """Slice ``base`` then invert the slice: the result must be ``base`` again, sharing memory."""
    key = [slice(None)] * base.dim()
    key[dim] = slice(start, end, step)
    out = lib.slice_inverse(base[tuple(key)], base, dim, start, end, step)
    assert out.data_ptr() == base.data_ptr()
    return out


entry("slice_inverse", lambda b, dim, start, end, step: b.copy(), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), 0, 1, 3, 1)), Sample((make_array(rng, (3, 4), dt), 1, 1, None, 2)),
    Sample((make_array(rng, (2, 5, 2), dt), 1, 2, 4, 1))], call=_slice_inverse_call, dtypes=ALL, method=False,
    # divergence: torch also sends the gradient outside the slice to ``src``; ember's result is a view
    # of ``input`` only (the gradient reaches ``input``'s elements), so gradients are not compared
    grad=False, gradgrad=False)
known_bug({"as_strided_scatter"}, "parity_grad",
          "divergence: torch 2.13's gradient w.r.t. self is not zero at the overwritten positions (it keeps "
          "grad on the first positions instead); ember's matches finite differences (test_op_table grad)")
known_bug({"detach_copy"}, "parity_requires_grad",
          "divergence: torch marks detach_copy's output requires_grad although its derivative is not "
          "implemented; ember's output does not require grad (as detach)")
