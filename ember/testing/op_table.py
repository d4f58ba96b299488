"""The op table (OpInfo-lite): one entry per public op, driving the generic op tests.

An entry names the op, says how to call it (``call(lib, *args, **kwargs)`` where ``lib`` is
``ember`` or ``torch``, so the same entry runs both), gives sample inputs as NumPy arrays
(0-d, 1-d, n-d, broadcasting pairs, non-contiguous, empty), a NumPy reference, the dtypes
it supports, flags (differentiable, second derivatives, in-place variant) and error inputs.

Adding an op is usually one line::

    unary("exp", np.exp)
    binary("atan2", np.arctan2, ints=False)

An entry whose op ember does not have (yet) is kept out of ``OPS`` and listed in
``PENDING``; the meta-test (tests/test_meta_coverage.py) fails when a public op has no entry.
"""
import builtins
import contextlib
import warnings
import zlib
from dataclasses import dataclass, field

from .._backend import np

FLOAT = ("float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")
SIGNED = ("int8", "int16", "int32", "int64")
NUM = FLOAT + INTS
ALL = NUM + ("bool",)


# --------------------------------------------------------------------------- samples

@dataclass
class Sample:
    """Positional and keyword arguments of one call. NumPy arrays become tensors (also inside
    lists/tuples); ``DT('float64')`` becomes the library's dtype; other values pass as-is."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ""

    def __repr__(self):
        return self.desc or _describe(self.args, self.kwargs)


@dataclass
class ErrorInput:
    sample: Sample
    exc: type
    match: str = None


class DT:
    """A dtype argument, resolved per library (``lib.float64``, ``np.float64``)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"DT({self.name})"


def _describe(args, kwargs):
    def d(a):
        if isinstance(a, np.ndarray):
            tag = "" if a.flags.c_contiguous else "nc"
            return f"{a.dtype.name}{list(a.shape)}{tag}"
        if isinstance(a, (list, tuple)) and any(isinstance(x, np.ndarray) for x in a):
            return "[" + ",".join(d(x) for x in a) + "]"
        return repr(a)
    parts = [d(a) for a in args] + [f"{k}={d(v)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def npdtype(name):
    if name == "bfloat16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def is_float(dtype):
    """True for floating dtype names/NumPy dtypes (bfloat16, whose NumPy kind is 'V', included)."""
    d = npdtype(dtype) if isinstance(dtype, str) else np.dtype(dtype)
    return d.kind == "f" or d.name == "bfloat16"


def make_array(rng, shape, dtype, low=-3.0, high=3.0, *, layout="c", nonzero=False, ints=False):
    """Random array of ``shape``; ``layout`` 'c' contiguous, 'T' transposed, 's' strided."""
    dt = npdtype(dtype)
    if layout == "T" and len(shape) >= 2:
        return make_array(rng, tuple(reversed(shape)), dtype, low, high, nonzero=nonzero,
                          ints=ints).T
    if dt.kind == "b":
        a = rng.integers(0, 2, size=shape).astype(bool)
    elif dt.kind in "iu":
        lo, hi = int(np.floor(low)), int(np.ceil(high))
        if dt.kind == "u":
            lo = max(lo, 0)
            hi = max(hi, lo + 1)
        a = rng.integers(lo, hi + 1, size=shape).astype(dt)
        if nonzero:
            a[a == 0] = 1
    else:
        if ints:
            a = rng.integers(int(low), int(high) + 1, size=shape).astype(np.float64)
        else:
            a = rng.uniform(low, high, size=shape)
        if nonzero:
            a = np.where(np.abs(a) < 0.25, np.where(a < 0, -0.5, 0.5), a)
        a = a.astype(dt)
    if layout == "s" and a.size:
        big = np.zeros(a.shape + (2,), dtype=a.dtype)
        big[..., 0] = a
        a = big[..., 0]
    return a


UNARY_SHAPES = [((), "c"), ((5,), "c"), ((3, 4), "c"), ((3, 4), "T"), ((2, 3, 2), "s"),
                ((0, 3), "c")]
BINARY_SHAPES = [(((5,), "c"), ((5,), "c")), (((3, 4), "c"), ((4,), "c")),
                 (((3, 1), "c"), ((1, 4), "c")), (((), "c"), ((3,), "c")),
                 (((2, 3), "c"), ((), "c")), (((), "c"), ((), "c")),
                 (((3, 4), "T"), ((3, 4), "s")), (((0, 3), "c"), ((3,), "c"))]


def unary_samples(low=-3.0, high=3.0, *, nonzero=False, ints=False, extra=None):
    """Samples for a one-tensor op over the standard shapes; ``extra(dtype, rng)`` adds more."""
    def gen(dtype, rng):
        out = [Sample((make_array(rng, s, dtype, low, high, layout=l, nonzero=nonzero, ints=ints),))
               for s, l in UNARY_SHAPES]
        if extra is not None:
            out += extra(dtype, rng)
        return out
    return gen


def binary_samples(low=-3.0, high=3.0, *, rhs_low=None, rhs_high=None, nonzero=False,
                   ints=False, scalars=(1.5, 2), kwargs=None):
    """Samples for a tensor-tensor op: same shape, broadcasting, 0-d, non-contiguous, empty and
    a Python scalar right-hand side (floats only for float dtypes)."""
    rl = low if rhs_low is None else rhs_low
    rh = high if rhs_high is None else rhs_high

    def gen(dtype, rng):
        kw = dict(kwargs or {})
        out = []
        for (sa, la), (sb, lb) in BINARY_SHAPES:
            a = make_array(rng, sa, dtype, low, high, layout=la, ints=ints)
            b = make_array(rng, sb, dtype, rl, rh, layout=lb, nonzero=nonzero, ints=ints)
            out.append(Sample((a, b), dict(kw)))
        for sc in scalars:
            if isinstance(sc, float) and not is_float(dtype):
                continue
            if isinstance(sc, builtins.bool) and npdtype(dtype).kind != "b":
                continue
            out.append(Sample((make_array(rng, (3, 4), dtype, low, high, ints=ints), sc), dict(kw)))
        return out
    return gen


def reduce_samples(low=-3.0, high=3.0, *, dim_tuple=True, dim_none=True, keepdim=True, empty=True,
                   ints=False, extra_kwargs=None, dim_required=False):
    """Samples for a reduction: all elements, one dim (also negative), keepdim, dim tuples."""
    def gen(dtype, rng):
        ek = dict(extra_kwargs or {})
        m = lambda s, l="c": make_array(rng, s, dtype, low, high, layout=l, ints=ints)  # noqa: E731
        out = []
        if dim_none and not dim_required:
            out += [Sample((m(()),), dict(ek)), Sample((m((5,)),), dict(ek)),
                    Sample((m((3, 4), "T"),), dict(ek))]
        out += [Sample((m((3, 4)),), dict(dim=0, **ek)), Sample((m((3, 4)),), dict(dim=-1, **ek)),
                Sample((m((2, 3, 2), "s"),), dict(dim=1, **ek))]
        if keepdim:
            out.append(Sample((m((3, 4)),), dict(dim=1, keepdim=True, **ek)))
        if dim_tuple:
            out.append(Sample((m((2, 3, 2)),), dict(dim=(0, 2), **ek)))
        if empty:
            out.append(Sample((m((0, 3)),), dict(dim=1, **ek)))
        return out
    return gen


# --------------------------------------------------------------------------- entries

def _default_call(name):
    def call(lib, *args, **kwargs):
        return getattr(lib, name)(*args, **kwargs)
    return call


def method_call(name):
    """``call`` for an op used as a Tensor method (``args[0].name(*args[1:])``)."""
    def call(lib, x, *args, **kwargs):
        return getattr(x, name)(*args, **kwargs)
    return call


@dataclass
class OpInfo:
    """One op of the table (see the module docstring)."""
    name: str
    call: object = None          # call(lib, *args, **kwargs); default lib.<name>
    ref: object = None           # NumPy reference on arrays (None: no forward reference check)
    samples: object = None       # samples(dtype_name, rng) -> [Sample]
    dtypes: tuple = FLOAT
    grad: bool = True            # differentiable w.r.t. its float tensor inputs
    gradgrad: bool = True        # second derivatives supported
    inplace: str = None          # name of the in-place Tensor method (x.<inplace>(*rest))
    errors: object = None        # errors() -> [ErrorInput]
    covers: tuple = ()           # other public names/Tensor methods this entry stands for
    aliases: tuple = ()          # names in covers that compute the same thing (checked equal)
    needs: tuple = None          # names ember must have for the entry to be active
    tol: dict = None             # dtype -> (rtol, atol) for forward checks
    grad_tol: tuple = (1e-5, 1e-4)   # (rtol, atol) for float64 gradient checks
    grad_args: tuple = None      # indices of positional args to differentiate (default: all float)
    torch_call: object = None    # a different call for torch (default: call)
    nondeterministic: bool = False   # outputs compared by ref only up to ordering
    method: bool = True          # Tensor.<name> (when it exists) takes the same arguments
    xfail: dict = field(default_factory=dict)   # check name -> reason (a known bug)

    def __post_init__(self):
        if self.call is None:
            self.call = _default_call(self.name)
        if self.needs is None:
            self.needs = (self.name,)

    def __repr__(self):
        return f"OpInfo({self.name})"

    def run(self, lib, sample, requires_grad=False):
        """Call the op on ``lib`` (ember or torch); returns (output, leaf tensors with grad)."""
        leaves = []
        args = tuple(_convert(lib, a, requires_grad and self._grad_arg(i), leaves)
                     for i, a in enumerate(sample.args))
        kwargs = {k: _convert(lib, v, requires_grad and self.grad_args is None, leaves)
                  for k, v in sample.kwargs.items()}
        call = self.torch_call if (self.torch_call is not None and lib.__name__ == "torch") \
            else self.call
        return call(lib, *args, **kwargs), leaves

    def _grad_arg(self, i):
        return self.grad_args is None or i in self.grad_args

    def reference(self, sample):
        args = tuple(_convert(np, a, False, []) for a in sample.args)
        kwargs = {k: _convert(np, v, False, []) for k, v in sample.kwargs.items()}
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return self.ref(*args, **kwargs)

    def sample_inputs(self, dtype, seed=0):
        rng = np.random.default_rng(zlib.crc32(f"{self.name}/{dtype}/{seed}".encode()))
        return self.samples(dtype, rng)

    def error_inputs(self):
        return self.errors() if self.errors is not None else []


def _relayout(a):
    """A fresh copy of ``a`` with the same (non-)contiguity."""
    if a.flags.c_contiguous or a.ndim == 0:
        return a.copy()
    if a.ndim >= 2 and a.T.flags.c_contiguous:
        return np.ascontiguousarray(a.T).T
    big = np.zeros(a.shape + (2,), dtype=a.dtype)
    big[..., 0] = a
    return big[..., 0]


def _convert(lib, x, grad, leaves):
    if isinstance(x, _Pre):
        return x.t
    if isinstance(x, np.ndarray):
        if lib is np:
            return x.copy()
        a = _relayout(x)
        if lib.__name__ == "torch":
            if a.dtype.name == "bfloat16":  # torch cannot read ml_dtypes arrays
                t = lib.from_numpy(a.astype(np.float32)).to(lib.bfloat16)
            else:
                t = lib.from_numpy(a)
        else:
            from .._tensor import _wrap
            t = _wrap(a)
        if grad and (a.dtype.kind in "fc" or a.dtype.name == "bfloat16"):
            t.requires_grad_(True)
            leaves.append(t)
        return t
    if isinstance(x, DT):
        return npdtype(x.name) if lib is np else getattr(lib, x.name)
    if isinstance(x, (list, tuple)) and any(isinstance(v, (np.ndarray, DT, _Pre)) for v in x):
        return type(x)(_convert(lib, v, grad, leaves) for v in x)
    return x


OPS_ALL = []


def add(info):
    OPS_ALL.append(info)
    return info


def entry(name, ref=None, samples=None, **kw):
    return add(OpInfo(name, ref=ref, samples=samples, **kw))


def unary(name, ref, low=-3.0, high=3.0, *, nonzero=False, dtypes=FLOAT, inplace=True,
          extra=None, **kw):
    """An elementwise op of one tensor; the in-place method ``name_`` is tested when it exists."""
    return entry(name, ref, unary_samples(low, high, nonzero=nonzero, extra=extra), dtypes=dtypes,
                 inplace=(name + "_") if inplace is True else inplace, **kw)


def _bad_broadcast():
    return [ErrorInput(Sample((np.ones(3, np.float32), np.ones(4, np.float32))), RuntimeError)]


def binary(name, ref, low=-3.0, high=3.0, *, nonzero=False, dtypes=NUM, inplace=True,
           ints=False, rhs_low=None, rhs_high=None, scalars=(1.5, 2), kwargs=None, **kw):
    """An elementwise op of two tensors (or tensor and scalar), broadcasting."""
    kw.setdefault("errors", _bad_broadcast)
    return entry(name, ref, binary_samples(low, high, nonzero=nonzero, ints=ints, rhs_low=rhs_low,
                                           rhs_high=rhs_high, scalars=scalars, kwargs=kwargs),
                 dtypes=dtypes, inplace=(name + "_") if inplace is True else inplace, **kw)


def compare(name, ref, **kw):
    """A comparison: bool result, not differentiable, ties included (integer-valued floats)."""
    return binary(name, ref, -2, 2, ints=True, dtypes=ALL, grad=False, gradgrad=False,
                  scalars=(1.0, 1, True), **kw)


def _bad_dim(n=5):
    return lambda: [ErrorInput(Sample((np.ones((2, 3), np.float32),), dict(dim=n)), IndexError)]


# --------------------------------------------------------------------------- references

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _np_reduce(fn):
    def ref(x, dim=None, keepdim=False, dtype=None):
        axis = dim if not isinstance(dim, list) else tuple(dim)
        if x.ndim == 0 and axis in (0, -1):
            axis = None
        r = fn(x, axis=axis, keepdims=keepdim)
        return np.asarray(r) if dtype is None else np.asarray(r).astype(dtype)
    return ref


def _np_sum(x, dim=None, keepdim=False, dtype=None):
    axis = None if (x.ndim == 0 and dim in (0, -1)) else dim
    if dtype is None and x.dtype.kind in "biu":
        dtype = np.int64
    return np.asarray(np.sum(x, axis=axis, keepdims=keepdim, dtype=dtype))


def _div_mode(mode):
    def ref(a, b, rounding_mode=None):
        with np.errstate(all="ignore"):
            q = np.true_divide(a, b)
            if np.asarray(q).dtype.kind != "f":
                q = q.astype(np.float64)
            r = np.trunc(q) if mode == "trunc" else np.floor(q)
        if np.asarray(a).dtype.kind in "iu" and (not isinstance(b, float)):
            return r.astype(np.asarray(a).dtype if isinstance(b, int) else np.result_type(a, b))
        return r
    return ref


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

def _shape_samples(*specs):
    """Samples from (shape, layout, *extra positional args) or (shape, layout, args, kwargs)."""
    def gen(dtype, rng):
        out = []
        for sp in specs:
            shape, layout, rest = sp[0], sp[1], sp[2:]
            kwargs = {}
            if rest and isinstance(rest[-1], dict):
                rest, kwargs = rest[:-1], rest[-1]
            out.append(Sample((make_array(rng, shape, dtype, layout=layout),) + tuple(rest), kwargs))
        return out
    return gen


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


def _inplace_copy(name):
    def call(lib, x, *args):
        y = x.clone()
        r = getattr(y, name)(*args)
        assert r is y
        return y
    return call


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


# --------------------------------------------------------------------------- elementwise_more

import math as _math  # noqa: E402

_erf = np.vectorize(_math.erf, otypes=[np.float64])
_erfc = np.vectorize(_math.erfc, otypes=[np.float64])


def _erfinv(y):
    y = np.asarray(y, dtype=np.float64)
    x = np.zeros_like(y)
    for _ in range(60):  # Newton on erf(x) = y
        x = x - (_erf(x) - y) / (2 / np.sqrt(np.pi) * np.exp(-x * x))
    return x


def _special_samples(dtype, rng):
    """Samples holding nan, +-inf, 0 and -0 (float dtypes only)."""
    if not is_float(dtype):
        return []
    v = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0], dtype=npdtype(dtype))
    return [Sample((v,)), Sample((v.reshape(7, 1)[::2],))]


def _pred(name, ref, dtypes=ALL, **kw):
    """A predicate (bool result, not differentiable) sampled with special values too."""
    return unary(name, ref, dtypes=dtypes, extra=_special_samples, grad=False, gradgrad=False,
                 inplace=None, **kw)


for _n, _f, _lo, _hi, _al in [
        ("exp2", np.exp2, -3, 3, ()), ("expm1", np.expm1, -3, 3, ()),
        ("log2", np.log2, 0.1, 5, ()), ("log10", np.log10, 0.1, 5, ()),
        ("log1p", np.log1p, -0.9, 3, ()), ("tan", np.tan, -1.2, 1.2, ()),
        ("asin", np.arcsin, -0.9, 0.9, ("arcsin",)), ("acos", np.arccos, -0.9, 0.9, ("arccos",)),
        ("atan", np.arctan, -3, 3, ("arctan",)), ("sinh", np.sinh, -3, 3, ()),
        ("cosh", np.cosh, -3, 3, ()), ("asinh", np.arcsinh, -3, 3, ("arcsinh",)),
        ("acosh", np.arccosh, 1.1, 4, ("arccosh",)), ("atanh", np.arctanh, -0.9, 0.9, ("arctanh",)),
        ("erf", _erf, -2, 2, ()), ("erfc", _erfc, -2, 2, ()), ("erfinv", _erfinv, -0.9, 0.9, ()),
        ("sinc", np.sinc, -3, 3, ()), ("deg2rad", lambda x: np.deg2rad(x.astype(np.float64) if x.dtype.kind != "f" else x), -200, 200, ()),
        ("rad2deg", lambda x: np.rad2deg(x.astype(np.float64) if x.dtype.kind != "f" else x), -3, 3, ())]:
    unary(_n, _f, _lo, _hi, covers=_al + tuple(a + "_" for a in _al), aliases=_al,
          dtypes=NUM if _n in ("deg2rad", "rad2deg") else FLOAT)
unary("logit", lambda x, eps=None: np.log(np.clip(x, eps or 0, 1 - (eps or 0)) / (1 - np.clip(x, eps or 0, 1 - (eps or 0)))),
      0.05, 0.95)
entry("logit_eps", lambda x, eps: np.log(np.clip(x, eps, 1 - eps) / (1 - np.clip(x, eps, 1 - eps))),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -0.5, 1.5),), dict(eps=0.1))],
      call=_default_call("logit"), needs=("logit",), gradgrad=False)
unary("sign", np.sign, dtypes=FLOAT + SIGNED, nonzero=True)
unary("sgn", np.sign, dtypes=FLOAT + SIGNED, nonzero=True)
unary("signbit", np.signbit, dtypes=NUM, extra=_special_samples, grad=False, inplace=None)
for _n, _f in [("floor", np.floor), ("ceil", np.ceil), ("round", np.round), ("trunc", np.trunc),
               ("fix", np.trunc)]:
    unary(_n, _f, -9, 9, dtypes=NUM)
entry("round_decimals", lambda x, decimals: np.round(x, decimals),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, -9, 9),), dict(decimals=d)) for d in (1, 2, -1)],
      call=_default_call("round"), needs=("round",))
unary("frac", lambda x: x - np.trunc(x), -9, 9)
unary("positive", lambda x: x, dtypes=NUM, inplace=None, covers=("__pos__",))
entry("pos_op", lambda x: x, unary_samples(), call=lambda lib, x: +x, needs=("__pos__",))

del _n, _f, _lo, _hi, _al


def _clamp_ref(x, min=None, max=None):
    r = x.astype(np.float64 if x.dtype.kind == "f" else np.int64)
    if min is not None:
        r = np.maximum(r, min)
    if max is not None:
        r = np.minimum(r, max)
    return r.astype(np.result_type(x, *(v for v in (min, max) if isinstance(v, np.ndarray))))


def _clamp_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, -5, 5, layout=l)  # noqa: E731
    lo = 0 if dtype == "uint8" else -1  # torch wraps -1 to 255 for uint8
    return [Sample((m((3, 4)),), dict(min=lo, max=2)), Sample((m((3, 4), "T"),), dict(min=lo)),
            Sample((m((5,)),), dict(max=1)), Sample((m(()),), dict(min=0, max=0)),
            Sample((m((3, 4)),), dict(min=m((4,)), max=m((3, 1)) + 6)),
            Sample((m((0, 3)),), dict(min=0, max=1)),
            Sample((m((3, 4)),), dict(min=m(()), max=None))]


entry("clamp", _clamp_ref, _clamp_samples, dtypes=NUM, inplace="clamp_",
      covers=("clip", "clip_", "clamp_"), aliases=("clip",),
      errors=lambda: [ErrorInput(Sample((np.ones(3),)), RuntimeError)])
entry("clamp_float_bounds", _clamp_ref,
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt),), dict(min=-0.5, max=1.5))],
      call=_default_call("clamp"), needs=("clamp",))
entry("clamp_min", lambda x, m: np.maximum(x, m).astype(x.dtype),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt),), dict()) for _ in ()] + [
          Sample((make_array(rng, (3, 4), dt), 0.5)), Sample((make_array(rng, (3, 4), dt, layout="T"),
                                                              make_array(rng, (4,), dt)))],
      inplace="clamp_min_")
entry("clamp_max", lambda x, m: np.minimum(x, m).astype(x.dtype),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), 0.5)),
                       Sample((make_array(rng, (3, 4), dt, layout="T"), make_array(rng, (4,), dt)))],
      inplace="clamp_max_")
for _n, _f in [("maximum", np.maximum), ("minimum", np.minimum), ("fmax", np.fmax), ("fmin", np.fmin)]:
    binary(_n, _f, dtypes=ALL if _n in ("maximum", "minimum") else NUM, scalars=(), inplace=None)
binary("atan2", np.arctan2, dtypes=FLOAT, nonzero=True, covers=("arctan2", "arctan2_"),
       aliases=("arctan2",), scalars=())
binary("hypot", np.hypot, dtypes=FLOAT, nonzero=True, scalars=())
binary("logaddexp", np.logaddexp, dtypes=FLOAT, scalars=(), inplace=None)
binary("logaddexp2", np.logaddexp2, dtypes=FLOAT, scalars=(), inplace=None)
binary("remainder", lambda a, b: np.remainder(a, b), nonzero=True, dtypes=NUM, low=-9, high=9,
       rhs_low=-4, rhs_high=4, covers=("__mod__", "__imod__"), scalars=(2, 1.5))
entry("rmod", lambda a: np.remainder(7, a), unary_samples(nonzero=True, ints=True), call=lambda lib, a: 7 % a,
      needs=("__rmod__",), covers=("__rmod__",), dtypes=NUM, grad=False)  # torch: no derivative
binary("fmod", np.fmod, nonzero=True, dtypes=NUM, low=-9, high=9, rhs_low=-4, rhs_high=4)
binary("floor_divide", lambda a, b: np.floor_divide(a, b), nonzero=True, dtypes=NUM, low=-9, high=9,
       rhs_low=-4, rhs_high=4, grad=False, gradgrad=False, covers=("__floordiv__", "__ifloordiv__"),
       scalars=(2, 1.5))
entry("rfloordiv", lambda a: np.floor_divide(7, a), unary_samples(nonzero=True, ints=True),
      call=lambda lib, a: 7 // a, needs=("__rfloordiv__",), covers=("__rfloordiv__",), dtypes=NUM,
      grad=False)
binary("copysign", np.copysign, dtypes=FLOAT, nonzero=True, scalars=(-1.5,))
binary("xlogy", lambda a, b: np.where(a == 0, 0.0, a * np.log(b)).astype(np.result_type(a, b)),
       0.1, 3, dtypes=FLOAT, scalars=(2.0,))
binary("float_power", lambda a, b: np.power(np.asarray(a, np.float64), b), 0.5, 2, rhs_low=-2, rhs_high=2,
       dtypes=FLOAT, scalars=(2, 0.5), inplace=None)
entry("float_power_", lambda a, b: np.power(a, b),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), "float64", 0.5, 2), 2))],
      call=_inplace_copy("float_power_"), needs=("float_power_", "clone"), dtypes=("float64",))


def _lerp_samples(dtype, rng):
    m = lambda s, l="c": make_array(rng, s, dtype, layout=l)  # noqa: E731
    return [Sample((m((3, 4)), m((3, 4)), 0.25)), Sample((m((3, 4)), m((4,)), m((3, 1)))),
            Sample((m(()), m((3,)), 0.5)), Sample((m((3, 4), "T"), m((3, 4), "s"), m((3, 4))))]


entry("lerp", lambda a, b, w: a + w * (b - a), _lerp_samples, inplace="lerp_")
entry("addcmul", lambda x, a, b, value=1: x + value * a * b, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (3, 4), dt), make_array(rng, (4,), dt)), dict(value=0.5)),
    Sample((make_array(rng, (3, 1), dt), make_array(rng, (1, 4), dt, layout="T"), make_array(rng, (), dt)))],
      inplace="addcmul_", dtypes=FLOAT)
entry("addcdiv", lambda x, a, b, value=1: x + value * a / b, lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (3, 4), dt), make_array(rng, (4,), dt, nonzero=True)),
           dict(value=0.5)),
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (1, 4), dt), make_array(rng, (3, 1), dt, nonzero=True)))],
      inplace="addcdiv_", dtypes=FLOAT)


def _where_samples(dtype, rng):
    c = lambda s: rng.integers(0, 2, size=s).astype(bool)  # noqa: E731
    m = lambda s, l="c": make_array(rng, s, dtype, layout=l)  # noqa: E731
    out = [Sample((c((3, 4)), m((3, 4)), m((3, 4)))), Sample((c((3, 1)), m((4,)), m((3, 4), "T"))),
           Sample((c(()), m(()), m((2,)))), Sample((c((0, 3)), m((0, 3)), m((3,))))]
    if is_float(dtype):
        out.append(Sample((c((3, 4)), m((3, 4)), 0.5)))
    return out


entry("where", method=False, ref=lambda c, a, b: np.where(c, a, b).astype(np.result_type(a, b) if not isinstance(b, float) else a.dtype),
      samples=_where_samples, dtypes=ALL)
entry("where_method", lambda x, c, y: np.where(c, x, y),
      lambda dt, rng: [Sample((make_array(rng, (3, 4), dt), rng.integers(0, 2, (3, 4)).astype(bool),
                               make_array(rng, (4,), dt)))],
      call=lambda lib, x, c, y: x.where(c, y), needs=("where",), dtypes=ALL, grad_args=(0, 2))
entry("where_nonzero", lambda c: np.nonzero(c), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt, -1, 1, ints=True),)), Sample((make_array(rng, (5,), dt, -1, 1, ints=True),))],
      call=lambda lib, c: lib.where(c), needs=("where",), dtypes=ALL, grad=False)
for _n, _f in [("logical_and", np.logical_and), ("logical_or", np.logical_or),
               ("logical_xor", np.logical_xor)]:
    binary(_n, _f, -1, 1, ints=True, dtypes=ALL, grad=False, gradgrad=False, scalars=())
unary("logical_not", np.logical_not, -1, 1, dtypes=ALL, grad=False, gradgrad=False)
BITS = INTS + ("bool",)
for _n, _f, _dd in [("bitwise_and", np.bitwise_and, ("__and__", "__rand__", "__iand__")),
                    ("bitwise_or", np.bitwise_or, ("__or__", "__ror__", "__ior__")),
                    ("bitwise_xor", np.bitwise_xor, ("__xor__", "__rxor__", "__ixor__"))]:
    binary(_n, _f, -9, 9, dtypes=BITS, grad=False, gradgrad=False, scalars=(3, True), covers=_dd)
unary("bitwise_not", np.invert, -9, 9, dtypes=BITS, grad=False, gradgrad=False, covers=("__invert__",))
entry("invert_op", np.invert, unary_samples(-9, 9), call=lambda lib, x: ~x, needs=("__invert__",),
      dtypes=BITS, grad=False)
binary("bitwise_left_shift", lambda a, b: np.left_shift(a, b), 0, 9, rhs_low=0, rhs_high=3, dtypes=INTS,
       grad=False, gradgrad=False, scalars=(2,), covers=("__lshift__", "__ilshift__", "__rlshift__"))
binary("bitwise_right_shift", lambda a, b: np.right_shift(a, b), 0, 90, rhs_low=0, rhs_high=3,
       dtypes=INTS, grad=False, gradgrad=False, scalars=(2,),
       covers=("__rshift__", "__irshift__", "__rrshift__"))
del _n, _f, _dd
_pred("isnan", np.isnan)
_pred("isinf", np.isinf)
_pred("isposinf", np.isposinf, dtypes=NUM)
_pred("isneginf", np.isneginf, dtypes=NUM)
_pred("isfinite", np.isfinite)
_pred("isreal", lambda x: np.ones(x.shape, bool))
binary("isclose", lambda a, b, **k: np.isclose(a, b, **k), -1, 1, ints=True, dtypes=NUM, grad=False,
       gradgrad=False, scalars=(), inplace=None, errors=None)
entry("isclose_tol", lambda a, b, **k: np.isclose(a, b, **k), lambda dt, rng: [
    Sample((np.array([1.0, np.nan, 1.001, np.inf], dtype=dt), np.array([1.0, np.nan, 1.0, np.inf], dtype=dt)),
           dict(rtol=1e-2, atol=0.0, equal_nan=True)),
    Sample((np.array([1.0, np.nan, 1.001], dtype=dt), np.array([1.0, np.nan, 1.0], dtype=dt)))],
      call=_default_call("isclose"), needs=("isclose",), grad=False)
entry("allclose", lambda a, b, **k: np.allclose(a, b, **k), lambda dt, rng: [
    Sample((np.array([1.0, 2.0], dtype=dt), np.array([1.0, 2.0000001], dtype=dt))),
    Sample((np.array([1.0, 2.0], dtype=dt), np.array([1.0, 2.1], dtype=dt))),
    Sample((np.array([1.0, np.nan], dtype=dt), np.array([1.0, np.nan], dtype=dt)), dict(equal_nan=True))],
      grad=False)
entry("equal", lambda a, b: a.shape == b.shape and bool(np.all(a == b)), lambda dt, rng: [
    Sample((np.array([1, 2], dtype=dt), np.array([1, 2], dtype=dt))),
    Sample((np.array([1, 2], dtype=dt), np.array([1, 3], dtype=dt))),
    Sample((np.array([1, 2], dtype=dt), np.array([1, 2, 3], dtype=dt)))], dtypes=NUM, grad=False)


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


entry("nan_to_num", _nan_to_num_ref, lambda dt, rng: _special_samples(dt, rng) + [
    Sample(_special_samples(dt, rng)[0].args, dict(nan=1.0, posinf=9.0, neginf=-9.0))],
      inplace="nan_to_num_", covers=("nan_to_num_",), grad=False)
unary("nan_to_num_finite", _nan_to_num_ref, call=_default_call("nan_to_num"), needs=("nan_to_num",),
      inplace=None)


_lgamma = np.vectorize(_math.lgamma, otypes=[np.float64])
unary("lgamma", _lgamma, 0.1, 5)
unary("digamma", None, 0.1, 5)       # forward checked against torch (tests/test_op_parity.py)
entry("polygamma", None, lambda dt, rng: [Sample((n, make_array(rng, s, dt, 0.5, 4, layout=l)))
                                          for n in (0, 1, 2) for s, l in UNARY_SHAPES[:4]],
      grad_args=(1,), inplace=None, covers=("polygamma_",))
entry("polygamma_method", None, lambda dt, rng: [Sample((make_array(rng, (3, 4), dt, 0.5, 4), 1))],
      call=method_call("polygamma"), needs=("polygamma",), inplace="polygamma_")
entry("mvlgamma", lambda x, p: sum(_lgamma(x - i / 2) for i in range(p)) + p * (p - 1) / 4 * np.log(np.pi),
      lambda dt, rng: [Sample((make_array(rng, s, dt, 2, 5, layout=l), p)) for p in (1, 3)
                       for s, l in UNARY_SHAPES[:4]], inplace="mvlgamma_")
entry("mvlgamma_low", lambda x, p: sum(_lgamma(x - i / 2) for i in range(p)) + p * (p - 1) / 4 * np.log(np.pi),
      lambda dt, rng: [Sample((np.full(3, 0.2, dtype=dt), 3))], call=_default_call("mvlgamma"),
      needs=("mvlgamma",))  # torch 2.13 has no domain check here
entry("type_as", lambda x, o: x.astype(o.dtype), lambda dt, rng: [
    Sample((make_array(rng, (3, 4), dt), make_array(rng, (2,), t))) for t in ("float64", "int64")],
      call=method_call("type_as"), dtypes=NUM, grad=False)


binary("heaviside", np.heaviside, -2, 2, ints=True, dtypes=NUM, scalars=(), grad=False, gradgrad=False)
binary("gcd", np.gcd, -20, 20, dtypes=INTS, scalars=(), grad=False, gradgrad=False)
binary("lcm", np.lcm, -12, 12, dtypes=INTS, scalars=(), grad=False, gradgrad=False)
binary("ldexp", lambda a, b: a * np.power(2.0, b).astype(np.result_type(a, np.float32)), rhs_low=-3, rhs_high=3,
       ints=True, dtypes=FLOAT, scalars=(), grad_args=(0,))
binary("nextafter", np.nextafter, dtypes=FLOAT, scalars=(), grad=False, gradgrad=False)
entry("frexp", lambda x: tuple(np.frexp(x)[i].astype(np.int32) if i else np.frexp(x)[0] for i in (0, 1)),
      unary_samples(-30, 30), gradgrad=False, grad=False)


# --------------------------------------------------------------------------- linalg

def _mats(*specs):
    """Samples from tuples of (shape, layout) or plain shapes, plus optional trailing kwargs dict."""
    def gen(dtype, rng):
        out = []
        for sp in specs:
            kw = {}
            if sp and isinstance(sp[-1], dict):
                sp, kw = sp[:-1], sp[-1]
            args = []
            for a in sp:
                if isinstance(a, str) or not isinstance(a, tuple):
                    args.append(a)
                    continue
                shape, layout = (a[0], a[1]) if a and isinstance(a[0], tuple) else (a, "c")
                args.append(make_array(rng, shape, dtype, -2, 2, layout=layout))
            out.append(Sample(tuple(args), dict(kw)))
        return out
    return gen


LA = FLOAT
_mm_err = lambda *shapes: lambda: [ErrorInput(Sample(tuple(np.ones(s) for s in shapes)), RuntimeError)]  # noqa: E731
entry("matmul", np.matmul, _mats(((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)),
                                 ((2, 3, 4), (4, 5)), ((2, 3, 4), (1, 4, 2)), ((4,), (2, 4, 3)),
                                 (((3, 4), "T"), ((4, 2), "s")), ((0, 4), (4, 3)), ((3, 0), (0, 2))),
      dtypes=LA + ("int64",), covers=("__matmul__", "__rmatmul__"),
      errors=lambda: _mm_err((3, 4), (5, 2))() + _mm_err((), (3,))())
entry("matmul_op", np.matmul, _mats(((3, 4), (4, 5)), ((2, 3, 4), (4,))), call=lambda lib, a, b: a @ b,
      needs=("__matmul__",))
entry("mm", np.matmul, _mats(((3, 4), (4, 5)), (((3, 4), "T"), ((4, 2), "s")), ((0, 4), (4, 3))),
      dtypes=LA + ("int64",), errors=_mm_err((4,), (4, 3)))
entry("bmm", np.matmul, _mats(((2, 3, 4), (2, 4, 5)), (((2, 3, 4), "T"), ((2, 4, 2), "s")), ((0, 3, 4), (0, 4, 2))),
      errors=_mm_err((2, 3, 4), (3, 4, 5)))
entry("mv", np.matmul, _mats(((3, 4), (4,)), (((3, 4), "T"), ((4,), "s"))), errors=_mm_err((3, 4), (3,)))
entry("dot", np.dot, _mats(((4,), (4,)), (((4,), "s"), (4,)), ((0,), (0,))), dtypes=LA + ("int64",),
      errors=_mm_err((4,), (3,)))
entry("vdot", np.vdot, _mats(((4,), (4,)), ((0,), (0,))))
entry("inner", np.inner, _mats(((3, 4), (2, 4)), ((4,), (4,)), ((), (3,)), (((3, 4), "T"), (4,))))
entry("outer", np.outer, _mats(((3,), (4,)), (((3,), "s"), (0,))), covers=("ger",), aliases=("ger",))


def _scale(beta, x, alpha, p):
    return beta * x + alpha * p


entry("addmm", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, a @ b),
      _mats(((3, 5), (3, 4), (4, 5)), ((5,), (3, 4), (4, 5), dict(beta=0.5, alpha=2)),
            ((), ((3, 4), "T"), (4, 5))), inplace="addmm_")
entry("addmv", lambda x, a, v, beta=1, alpha=1: _scale(beta, x, alpha, a @ v),
      _mats(((3,), (3, 4), (4,)), ((), (3, 4), (4,), dict(beta=0.5, alpha=2))), inplace="addmv_")
entry("addbmm", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, np.matmul(a, b).sum(0)),
      _mats(((3, 5), (2, 3, 4), (2, 4, 5)), ((5,), (2, 3, 4), (2, 4, 5), dict(beta=0.5, alpha=2))),
      inplace="addbmm_")
entry("baddbmm", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, np.matmul(a, b)),
      _mats(((2, 3, 5), (2, 3, 4), (2, 4, 5)), ((3, 5), (2, 3, 4), (2, 4, 5), dict(beta=0.5, alpha=2))),
      inplace="baddbmm_")
entry("addr", lambda x, a, b, beta=1, alpha=1: _scale(beta, x, alpha, np.outer(a, b)),
      _mats(((3, 4), (3,), (4,)), ((4,), (3,), (4,), dict(beta=0.5, alpha=2))), inplace="addr_")
entry("einsum", lambda eq, *ops: np.einsum(eq, *ops),
      _mats(("ij,jk->ik", (3, 4), (4, 5)), ("bij,bjk->bik", (2, 3, 4), (2, 4, 2)), ("i,i->", (4,), (4,)),
            ("ij->ji", ((3, 4), "T")), ("ii->i", (3, 3)), ("...ij->...ji", (2, 3, 4)),
            ("ij,ij->ij", (3, 4), (3, 4)), ("i,j->ij", (3,), (2,)), ("ijk->", (2, 3, 2))),
      errors=lambda: [ErrorInput(Sample(("ij,jk->ik", np.ones((3, 4)), np.ones((5, 2)))), RuntimeError)])
entry("tensordot", lambda a, b, dims=2: np.tensordot(a, b, dims),
      _mats(((3, 4, 5), (4, 5, 2)), ((3, 4), (4, 5), dict(dims=1)), ((3, 4, 2), (2, 3), dict(dims=([0, 2], [1, 0]))),
            ((3,), (4,), dict(dims=0))))
entry("kron", np.kron, _mats(((2, 3), (3, 2)), ((2,), (3,)), ((2, 1, 2), (3, 2))))  # torch.kron fails on transposed input
entry("cross", lambda a, b, dim=None: np.cross(a, b, axis=-1 if dim is None else dim),
      _mats(((4, 3), (4, 3), dict(dim=1)), ((3, 5), (3, 5), dict(dim=0)), ((2, 4, 3), (1, 4, 3), dict(dim=-1))),
      errors=lambda: [ErrorInput(Sample((np.ones((4, 2)), np.ones((4, 2))), dict(dim=1)), RuntimeError)])


def _cdist_ref(a, b, p=2.0):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    return (d ** p).sum(-1) ** (1 / p) if p not in (0, np.inf) else d.max(-1)


entry("cdist", _cdist_ref, _mats(((3, 4), (5, 4)), ((3, 4), (2, 4), dict(p=1.0)), ((2, 3, 4), (2, 2, 4)),
                                 ((3, 4), (2, 4), dict(p=3.0))), gradgrad=False)
entry("chain_matmul", lambda *m: np.linalg.multi_dot(m), _mats(((3, 4), (4, 5), (5, 2)), ((3, 4), (4, 2))))


def _square(n=3, spd=False, batch=()):
    def gen(dtype, rng):
        out = []
        for b in ((), (2,)) if batch is None else (batch,):
            a = rng.uniform(-1, 1, size=b + (n, n))
            a = a @ np.swapaxes(a, -1, -2) + n * np.eye(n) if spd else a + 2 * np.eye(n)
            out.append(Sample((a.astype(dtype),)))
        return out
    return gen


def _sq(name, ref, spd=False, extra=None, **kw):
    gen = _square(spd=spd, batch=None)
    if extra is not None:
        g0 = gen
        gen = lambda dt, rng: g0(dt, rng) + extra(dt, rng)  # noqa: E731
    return entry(name, ref, gen, errors=kw.pop("errors", lambda: [
        ErrorInput(Sample((np.ones((2, 3)),)), RuntimeError)]), **kw)


_sq("det", np.linalg.det)
_sq("logdet", lambda a: np.log(np.linalg.det(a)), spd=True)
_sq("slogdet", lambda a: tuple(np.linalg.slogdet(a)))
_sq("inverse", np.linalg.inv)
_sq("pinverse", np.linalg.pinv, extra=lambda dt, rng: [Sample((make_array(rng, (3, 2), dt),))], errors=None,
    tol={"float32": (1e-4, 1e-5)})
entry("cholesky", lambda a: np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-1])),
      _square(batch=None), call=lambda lib, a: lib.cholesky(a @ a.transpose(-1, -2) + 3 * lib.eye(a.shape[-1], dtype=a.dtype)),
      torch_call=lambda lib, a: lib.linalg.cholesky(a @ a.transpose(-1, -2) + 3 * lib.eye(a.shape[-1], dtype=a.dtype)),
      needs=("cholesky", "eye"))
entry("matrix_power", lambda a, n: np.linalg.matrix_power(a, n),
      lambda dt, rng: [Sample((make_array(rng, (3, 3), dt, -1, 1) + 2 * np.eye(3, dtype=dt), n)) for n in (0, 1, 2, 3, -1)]
      + [Sample((make_array(rng, (2, 3, 3), dt, -1, 1), 2))])


def _norm_ref(x, p="fro", dim=None, keepdim=False):
    if isinstance(dim, int):
        dim = (dim,)
    axis = tuple(range(x.ndim)) if dim is None else dim
    a = np.abs(x)
    if p == "fro" or p == 2:
        r = np.sqrt((a * a).sum(axis=axis, keepdims=keepdim))
    elif p == np.inf:
        r = a.max(axis=axis, keepdims=keepdim)
    elif p == -np.inf:
        r = a.min(axis=axis, keepdims=keepdim)
    elif p == 0:
        r = (a != 0).sum(axis=axis, keepdims=keepdim).astype(x.dtype)
    else:
        r = (a ** p).sum(axis=axis, keepdims=keepdim) ** (1.0 / p)
    return r


entry("norm", _norm_ref, _mats(((3, 4),), ((3, 4), dict(p=1, dim=1)), ((3, 4), dict(p="fro", dim=(0, 1))),
                               ((3, 4), dict(p=float("inf"))), (((3, 4), "T"), dict(p=3, dim=0, keepdim=True)),
                               ((5,), dict(p=2)), ((2, 3, 2), dict(dim=(0, 2)))), gradgrad=False)
entry("dist", lambda a, b, p=2: _norm_ref(a - b, p), _mats(((3, 4), (3, 4)), ((3, 4), (4,), dict(p=1)),
                                                           ((3,), (3,), dict(p=3))))


def _tril_spd(dt, rng):  # a Cholesky factor: lower triangular, positive diagonal
    a = rng.uniform(-1, 1, (3, 3))
    return np.linalg.cholesky(a @ a.T + 3 * np.eye(3)).astype(dt)


def _pdist_ref(x, p=2):
    i, j = np.triu_indices(x.shape[0], 1)
    return _cdist_ref(x, x, p)[i, j]


# the gradient w.r.t. the factor is PyTorch's unmasked one (it disagrees with finite differences
# of the other triangle, which the forward never reads)
entry("cholesky_solve", lambda b, l, upper=False: np.linalg.solve(l @ l.T if not upper else l.T @ l, b),
      lambda dt, rng: [Sample((make_array(rng, (3, 2), dt), _tril_spd(dt, rng))),
                       Sample((make_array(rng, (3, 1), dt), _tril_spd(dt, rng).T.copy()), dict(upper=True))],
      grad=False, gradgrad=False)
entry("cholesky_inverse", lambda l, upper=False: np.linalg.inv(l @ l.T if not upper else l.T @ l),
      lambda dt, rng: [Sample((_tril_spd(dt, rng),)), Sample((_tril_spd(dt, rng).T.copy(), True))],
      grad=False, gradgrad=False)


def _expm_ref(a):  # by eigendecomposition (random matrices are diagonalisable)
    w, v = np.linalg.eig(a.astype(np.float64))
    return (v @ (np.exp(w)[..., :, None] * np.linalg.inv(v))).real.astype(a.dtype)


def _svd_ref(a, some=True):
    u, s, vh = np.linalg.svd(a, full_matrices=not some)
    return u, s, np.swapaxes(vh, -1, -2)


entry("matrix_exp", _expm_ref, _square(batch=None))
entry("pdist", _pdist_ref, _mats(((4, 3),), ((5, 2), dict(p=1.0)), ((4, 3), dict(p=3.0))), gradgrad=False)
entry("nuclear_norm", lambda a: np.linalg.svd(a, compute_uv=False).sum(-1), _mats(((3, 4),), ((4, 2),)),
      gradgrad=False)
# sign conventions of singular/QR vectors make finite differences of U, V and Q fragile:
# their gradients are checked against torch in tests/test_linalg.py
entry("svd", lambda a, some=True: _svd_ref(a, some), _mats(((3, 4),), ((4, 2),)), grad=False, gradgrad=False,
      tol={"float32": (1e-4, 1e-5)})
entry("qr", lambda a, some=True: tuple(np.linalg.qr(a, mode="reduced" if some else "complete")),
      _mats(((3, 4),), ((4, 2),)), grad=False, gradgrad=False, tol={"float32": (1e-4, 1e-5)})


def _lu_packed(dt, rng):  # a packed LU factorisation and its 1-based pivots (LAPACK getrf layout)
    import ember
    a = make_array(rng, (3, 3), dt)
    lu, piv = ember.linalg.lu_factor(ember.tensor(a.astype(np.float64)))
    return lu.numpy().astype(a.dtype), piv.numpy()


def _lu_unpack_ref(lu, piv):
    n = lu.shape[-1]
    perm = np.arange(n)
    for j, p in enumerate(piv - 1):
        perm[[j, p]] = perm[[p, j]]
    return np.eye(n, dtype=lu.dtype)[perm].T, np.tril(lu, -1) + np.eye(n, dtype=lu.dtype), np.triu(lu)


entry("lu_unpack", _lu_unpack_ref, lambda dt, rng: [Sample(_lu_packed(dt, rng))])
# ember.linalg (not in ember.ops.public; checked for parity)
for _n, _ref, _spd in [("inv", np.linalg.inv, False), ("det", np.linalg.det, False),
                       ("cholesky", np.linalg.cholesky, True), ("matrix_power", None, False)]:
    if _ref is not None:
        entry("linalg." + _n, _ref, _square(spd=_spd, batch=None), call=(lambda n: lambda lib, a: getattr(lib.linalg, n)(a))(_n),
              needs=("linalg." + _n,), gradgrad=_n != "cholesky",
              grad=_n != "cholesky")  # cholesky's gradient is only defined for symmetric perturbations
entry("linalg.solve", lambda a, b: np.linalg.solve(a, b), lambda dt, rng: [
    Sample(((rng.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)).astype(dt), make_array(rng, (3, 2), dt))),
    Sample(((rng.uniform(-1, 1, (2, 3, 3)) + 2 * np.eye(3)).astype(dt), make_array(rng, (2, 3, 1), dt)))],
      call=lambda lib, a, b: lib.linalg.solve(a, b), needs=("linalg.solve",))
entry("linalg.vector_norm", lambda x, ord=2, dim=None, keepdim=False: _norm_ref(x, ord, dim, keepdim),
      _mats(((3, 4),), ((3, 4), dict(ord=1, dim=1)), ((5,), dict(ord=3.0)), ((3, 4), dict(ord=float("inf"), dim=0))),
      call=lambda lib, x, **k: lib.linalg.vector_norm(x, **k), needs=("linalg.vector_norm",), gradgrad=False)
del _n, _ref, _spd


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


# --------------------------------------------------------------------------- index_ops

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


# --------------------------------------------------------------------------- shared error inputs

def _add_errors(names, fn):
    for o in OPS_ALL:
        if o.name in names and o.errors is None:
            o.errors = fn


_add_errors({"amax", "amin", "argmax", "argmin", "var", "std", "logsumexp", "cumsum", "cumprod", "all",
             "any", "nansum", "nanmean", "median", "sort", "argsort", "count_nonzero", "cummax",
             "cummin", "var_mean", "std_mean"}, _bad_dim())
_add_errors({"unsqueeze", "flatten", "squeeze"}, lambda: [
    ErrorInput(Sample((np.ones((2, 3), np.float32), 7)), IndexError)])
_add_errors({"exp", "log", "sin", "sqrt", "sigmoid", "tanh"}, lambda: [
    ErrorInput(Sample(([1.0, 2.0],)), TypeError)])  # a list is not a tensor


# --------------------------------------------------------------------------- 0-d reductions

def reduce_0d(name, ref, dtypes=FLOAT, **kw):
    """A reduction over ``dim=0``/``-1`` of a 0-d tensor (PyTorch allows it)."""
    return entry(name + "_0d_dim", ref, lambda dt, rng: [
        Sample((make_array(rng, (), dt),), dict(dim=0)), Sample((make_array(rng, (), dt),), dict(dim=-1)),
        Sample((make_array(rng, (), dt),), dict(dim=0, keepdim=True))],
        call=_default_call(name), needs=(name,), dtypes=dtypes, **kw)


reduce_0d("sum", _np_sum, dtypes=NUM)
reduce_0d("mean", _np_reduce(np.mean))
for _n in ("prod", "amax", "amin", "logsumexp", "nansum", "nanmean"):
    reduce_0d(_n, lambda x, dim, keepdim=False: x.copy())
for _n in ("all", "any"):
    reduce_0d(_n, lambda x, dim, keepdim=False: x.astype(bool), dtypes=ALL, grad=False)
for _n in ("max", "min", "median"):
    reduce_0d(_n, lambda x, dim, keepdim=False: (x.copy(), np.zeros((), np.int64)))
del _n


def known_bug(names, check, reason):
    """Mark a check of some entries as a known failure (reported to the op's owner)."""
    for o in OPS_ALL:
        if o.name in names:
            o.xfail.setdefault(check, reason)


known_bug({"matrix_exp"}, "parity_float16",
          "divergence: torch 2.13's float16/bfloat16 matrix_exp overflows to inf/nan on this sample; "
          "ember computes in float32 and rounds (finite, matches float64 to half precision)")
known_bug({"matrix_exp"}, "parity_bfloat16", "see parity_float16: torch's half-precision matrix_exp gives nan")
known_bug({"unique", "unique_consecutive", "histogram"}, "parity_requires_grad",
          "divergence: torch marks this output requires_grad although its gradient is not implemented "
          "(unique, histogram); ember's output does not require grad")


# --------------------------------------------------------------------------- tensor-method families
from . import op_table_methods  # noqa: E402,F401  (their entries, in a file of their own)


# --------------------------------------------------------------------------- the active table

def _ember_has(name):
    import ember
    from .. import ops as _ops
    if "." in name:
        obj = ember
        for part in name.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return False
        return True
    return name in _ops.public or hasattr(ember.Tensor, name) or hasattr(ember, name)


def _active():
    ops, pending = [], []
    for info in OPS_ALL:
        (ops if all(_ember_has(n) for n in info.needs) else pending).append(info)
    return ops, pending


OPS, PENDING = _active()
OPS_BY_NAME = {o.name: o for o in OPS}
assert len(OPS_BY_NAME) == len(OPS), "duplicate entry names in the op table"


@contextlib.contextmanager
def quiet():
    """Silence NumPy floating point warnings in reference computations."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def covered_names():
    """Public names and Tensor methods that the active entries stand for."""
    names = set()
    for o in OPS:
        names.update(o.needs)
        names.update(o.covers)
        if o.inplace:
            names.add(o.inplace)
    return names


def xfail_marks(info, check):
    import pytest
    reason = info.xfail.get(check) or info.xfail.get("*")
    return [pytest.mark.xfail(reason=reason, strict=False)] if reason else []


def params(check, ops=None):
    """pytest parameters over the table, with known failures marked xfail for ``check``."""
    import pytest
    return [pytest.param(o, id=o.name, marks=xfail_marks(o, check)) for o in (OPS if ops is None else ops)]


# --------------------------------------------------------------------------- check helpers

def outputs(out):
    """An op's output as a flat list (tuples, lists and namedtuples are unpacked)."""
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r += outputs(o)
        return r
    return [out]


def ref_outputs(out):
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r += ref_outputs(o)
        return r
    return [np.asarray(out)]


def forward_tol(info, dtype, out_dtype=None):
    """(rtol, atol) for comparing an output of dtype ``out_dtype`` (a NumPy dtype) computed from
    ``dtype`` inputs; exact for integer and bool outputs."""
    if info.tol and dtype in info.tol:
        return info.tol[dtype]
    if out_dtype is not None:
        kind = np.dtype(out_dtype).kind
        if kind in "biu":
            return (0, 0)
        dtype = np.dtype(out_dtype).name if kind == "f" else dtype
    return {"float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7), "float16": (1e-3, 1e-3),
            "bfloat16": (1.6e-2, 1e-2)}.get(dtype, (0, 0))


def _ember():
    import ember
    return ember


def _diff_outputs(out):
    return [o for o in outputs(out) if getattr(o, "requires_grad", False)]


def _weighted(outs, vs):
    """sum_i <out_i, v_i> as a float (NumPy)."""
    return builtins.sum(float(np.sum(np.asarray(o._data, dtype=np.float64) * v)) for o, v in zip(outs, vs))


def run_with(info, sample, values, idx):
    """Run ``info`` on ember (no grad) with the float inputs replaced by ``values``; returns the
    outputs at positions ``idx``."""
    em = _ember()
    it = iter(values)

    def sub(x):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            return next(it)
        if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
            return type(x)(sub(v) for v in x)
        return x
    args = tuple(sub(a) if info._grad_arg(i) else a for i, a in enumerate(sample.args))
    kwargs = {k: (sub(v) if info.grad_args is None else v) for k, v in sample.kwargs.items()}
    with em.no_grad():
        out, _ = info.run(em, Sample(args, kwargs))
    outs = outputs(out)
    return [outs[i] for i in idx]


def numeric_grad(fn, xs, eps=1e-6):
    """Central differences of the scalar function ``fn(list_of_arrays)`` w.r.t. each array."""
    grads = []
    for k, x in enumerate(xs):
        g = np.zeros(x.shape)
        for j in range(x.size):
            xp = [a.copy() for a in xs]
            xm = [a.copy() for a in xs]
            xp[k].flat[j] += eps
            xm[k].flat[j] -= eps
            g.flat[j] = (fn(xp) - fn(xm)) / (2 * eps)
        grads.append(g)
    return grads


def leaf_arrays(leaves):
    return [np.array(t._data, dtype=np.float64) for t in leaves]


def check_grad(info, sample, rng, *, second=False, rtol=1e-3, atol=1e-5):
    """Compare autograd gradients (or second derivatives) with central differences in float64.

    Returns False when the sample has nothing to differentiate."""
    from ._comparison import assert_close
    em = _ember()
    out, leaves = info.run(em, sample, requires_grad=True)
    if not leaves:
        return False
    all_outs = outputs(out)
    idx = [i for i, o in enumerate(all_outs) if getattr(o, "requires_grad", False)]
    outs = [all_outs[i] for i in idx]
    if not outs:
        raise AssertionError(f"{info.name}{sample!r}: no output requires grad although inputs do")
    x0 = leaf_arrays(leaves)
    vs = [rng.standard_normal(o.shape) for o in outs]
    if not second:
        g = em.autograd.grad(outs, leaves, [em.tensor(v) for v in vs], allow_unused=True)
        analytic = [np.zeros(x.shape) if gi is None else np.asarray(gi._data) for gi, x in zip(g, x0)]
        numeric = numeric_grad(lambda xs: _weighted(run_with(info, sample, xs, idx), vs), x0)
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            assert_close(a, n, rtol=rtol, atol=atol, check_dtype=False,
                         msg=lambda m, i=i: f"{info.name}{sample!r}: gradient of input {i} differs "
                                            f"from finite differences\n{m}")
        return True
    vt = [em.tensor(v, requires_grad=True) for v in vs]
    g = em.autograd.grad(outs, leaves, vt, create_graph=True, allow_unused=True)
    us = [rng.standard_normal(x.shape) for x in x0]
    terms = [(gi * em.tensor(u)).sum() for gi, u in zip(g, us) if gi is not None and gi.requires_grad]
    if not terms:
        return False  # the gradient does not depend on inputs or grad_output
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    gg = em.autograd.grad(total, list(leaves) + vt, allow_unused=True)
    analytic = [np.zeros(x.shape) if gi is None else np.asarray(gi._data)
                for gi, x in zip(gg, x0 + vs)]
    nx = len(x0)

    def first(arrs):
        xs, v = arrs[:nx], arrs[nx:]
        ts = [em.tensor(a, requires_grad=True) for a in xs]
        it = iter(ts)
        o, _ = info.run(em, _substitute(info, sample, it))
        os_ = [outputs(o)[i] for i in idx]
        gs = em.autograd.grad(os_, ts, [em.tensor(a) for a in v], allow_unused=True)
        return builtins.sum(float(np.sum(np.asarray(gi._data) * u)) for gi, u in zip(gs, us)
                            if gi is not None)
    numeric = numeric_grad(first, x0 + vs)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        what = f"input {i}" if i < nx else f"grad_output {i - nx}"
        assert_close(a, n, rtol=rtol, atol=atol, check_dtype=False,
                     msg=lambda m, w=what: f"{info.name}{sample!r}: second derivative w.r.t. {w} "
                                           f"differs from finite differences\n{m}")
    return True


class _Pre:
    """A ready-made tensor standing in for an array in a sample (used by second-order checks)."""

    def __init__(self, t):
        self.t = t


def _substitute(info, sample, it):
    def sub(x):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            return _Pre(next(it))
        if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
            return type(x)(sub(v) for v in x)
        return x
    args = tuple(sub(a) if info._grad_arg(i) else a for i, a in enumerate(sample.args))
    kwargs = {k: (sub(v) if info.grad_args is None else v) for k, v in sample.kwargs.items()}
    return Sample(args, kwargs)
