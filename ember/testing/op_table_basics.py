"""Op-table entries for elementwise, reductions, movement/views and conversion/copies
(ops/elementwise.py, reduce.py, movement.py, convert.py). Imported by
:mod:`ember.testing.op_table` at this family's place in the table (entry order is kept), like
op_table_methods.py.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["exp"].name
'exp'
"""
from .._backend import np
from .op_info import (ALL, DT, ErrorInput, FLOAT, INTS, NUM, SIGNED, Sample, UNARY_SHAPES,
                       _bad_dim, _default_call, _div_mode, _inplace_copy, _np_reduce, _np_sum,
                       _shape_samples, _sigmoid, binary, binary_samples, compare, entry, make_array,
                       method_call, reduce_samples, unary, unary_samples)


# --------------------------------------------------------------------------- elementwise

binary("add", np.add, covers=("__add__", "__radd__", "__iadd__"))
entry("add_alpha", lambda a, b, alpha: a + alpha * b, binary_samples(kwargs=dict(alpha=2)),
      call=_default_call("add"), needs=("add",), dtypes=NUM, inplace="add_")
binary("sub", np.subtract, dtypes=NUM, covers=("subtract", "subtract_", "__sub__", "__isub__"),
       aliases=("subtract",))
entry("sub_alpha", lambda a, b, alpha: a - alpha * b, binary_samples(kwargs=dict(alpha=2)),
      call=_default_call("sub"), needs=("sub",), dtypes=NUM, inplace="sub_")
binary("mul", np.multiply, dtypes=ALL, covers=("multiply", "multiply_", "__mul__", "__rmul__",
                                                "__imul__"), aliases=("multiply",))
binary("div", np.true_divide, nonzero=True,
       covers=("divide", "true_divide", "divide_", "true_divide_", "__truediv__", "__itruediv__"),
       aliases=("divide", "true_divide"))
binary("div_trunc", _div_mode("trunc"), nonzero=True, call=_default_call("div"), needs=("div",),
       kwargs=dict(rounding_mode="trunc"), grad=False, gradgrad=False, inplace="div_", ints=True,
       low=-9, high=9, rhs_low=-4, rhs_high=4)
binary("div_floor", _div_mode("floor"), nonzero=True, call=_default_call("div"), needs=("div",),
       kwargs=dict(rounding_mode="floor"), grad=False, gradgrad=False, inplace="div_", ints=True,
       low=-9, high=9, rhs_low=-4, rhs_high=4)
binary("pow", np.power, 0.5, 2.0, rhs_low=-2, rhs_high=2, dtypes=FLOAT, covers=("__pow__", "__ipow__"),
       scalars=(2, 0.5, 3.0))
entry("pow_int", np.power, binary_samples(0, 4, rhs_low=0, rhs_high=3, scalars=(2, 3)),
      call=_default_call("pow"), needs=("pow",), dtypes=INTS, grad=False, inplace="pow_")
entry("rpow", lambda a: np.power(2.0, a), unary_samples(), call=lambda lib, a: 2.0 ** a,
      needs=("__rpow__",), covers=("__rpow__",), dtypes=NUM)
entry("rsub", lambda a: 2 - a, unary_samples(), call=lambda lib, a: 2 - a, needs=("__rsub__",),
      covers=("__rsub__",), dtypes=NUM)
entry("rdiv", lambda a: 2.0 / a, unary_samples(nonzero=True), call=lambda lib, a: 2.0 / a,
      needs=("__rtruediv__",), covers=("__rtruediv__",), dtypes=NUM)
unary("neg", np.negative, dtypes=FLOAT + SIGNED, covers=("negative", "__neg__"),
      aliases=("negative",))
unary("exp", np.exp)
unary("log", np.log, 0.1, 5.0)
unary("sin", np.sin)
unary("cos", np.cos)
unary("tanh", np.tanh)
unary("sigmoid", _sigmoid)
unary("relu", lambda x: np.maximum(x, 0).astype(x.dtype), dtypes=FLOAT + SIGNED)
unary("abs", np.abs, dtypes=NUM, covers=("absolute", "__abs__"), aliases=("absolute",),
      nonzero=True)
unary("sqrt", np.sqrt, 0.1, 5.0)
unary("rsqrt", lambda x: 1 / np.sqrt(x), 0.1, 5.0)
unary("square", np.square, dtypes=NUM)
unary("reciprocal", np.reciprocal, nonzero=True)
for _n, _f, _al in [("eq", np.equal, ("__eq__",)), ("ne", np.not_equal, ("not_equal", "__ne__")),
                    ("lt", np.less, ("less", "__lt__")), ("le", np.less_equal, ("less_equal", "__le__")),
                    ("gt", np.greater, ("greater", "__gt__")),
                    ("ge", np.greater_equal, ("greater_equal", "__ge__"))]:
    compare(_n, _f, covers=_al,
            aliases=tuple(a for a in _al if not a.startswith("_")), inplace=_n + "_")
    del _n, _f, _al

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

# --------------------------------------------------------------------------- conversion / copies

unary("clone", lambda x: x.copy(), dtypes=ALL, inplace=None)
unary("contiguous", lambda x: np.array(x, order="C"), dtypes=ALL, inplace=None,
      call=method_call("contiguous"))
entry("to", lambda x, d: x.astype(d), lambda dt, rng: [
    Sample((make_array(rng, s, dt, layout=l), DT("float64"))) for (s, l) in UNARY_SHAPES],
      call=method_call("to"), dtypes=NUM)
entry("to_lower", lambda x, d: x.astype(d), lambda dt, rng: [
    Sample((make_array(rng, s, dt, layout=l), DT(t))) for (s, l) in UNARY_SHAPES
    for t in ("float32", "float16")], call=method_call("to"), needs=("to",), dtypes=NUM, grad=False)
entry("to_int", lambda x, d: x.astype(d), lambda dt, rng: [
    Sample((make_array(rng, s, dt, layout=l, ints=True), DT("int64"))) for (s, l) in UNARY_SHAPES],
      call=method_call("to"), needs=("to",), dtypes=ALL, grad=False)


entry("copy_", lambda x, s: np.broadcast_to(s, x.shape).astype(x.dtype),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), make_array(rng, (3, 4), dt, layout="T"))),
                       Sample((make_array(rng, (3, 4), dt), make_array(rng, (4,), dt))),
                       Sample((make_array(rng, (), dt), make_array(rng, (), dt)))],
      call=_inplace_copy("copy_"), needs=("copy_", "clone"), dtypes=NUM)
entry("fill_", lambda x, v: np.full_like(x, v),
      lambda dt, rng: [Sample((make_array(rng, s, dt, layout=l), 2)) for s, l in UNARY_SHAPES],
      call=_inplace_copy("fill_"), needs=("fill_", "clone"), dtypes=NUM)
entry("zero_", np.zeros_like,
      lambda dt, rng: [Sample((make_array(rng, s, dt, layout=l),)) for s, l in UNARY_SHAPES],
      call=_inplace_copy("zero_"), needs=("zero_", "clone"), dtypes=ALL)
