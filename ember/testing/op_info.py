"""How op-table entries are declared: ``Sample``/``ErrorInput``/``DT`` (one call's arguments),
the sample generators (``unary_samples``, ``binary_samples``, ``reduce_samples``), ``OpInfo``
and the registry ``OPS_ALL`` with its one-line declarers (``entry``, ``unary``, ``binary``,
``compare``), the NumPy references and helpers the family files share, and the markers
applied across families (``known_bug``, ``reduce_0d``). The family files (op_table_<family>.py)
import from here; :mod:`ember.testing.op_table` gathers them into the table.

Adding an op is usually one line::

    unary("exp", np.exp)
    binary("atan2", np.arctan2, ints=False)

>>> from ember.testing.op_info import Sample
>>> Sample((1, 2), dict(dim=0))
(1, 2, dim=0)
"""
import builtins
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


# --------------------------------------------------------------------------- helpers shared by family files
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


def _inplace_copy(name):
    def call(lib, x, *args):
        y = x.clone()
        r = getattr(y, name)(*args)
        assert r is y
        return y
    return call


# --------------------------------------------------------------------------- small helpers of the family files
def _m(rng, shape, dtype, low=-3.0, high=3.0, layout="c", **kw):
    """A random array (``make_array`` with the layout as a keyword)."""
    return make_array(rng, shape, dtype, low, high, layout=layout, **kw)


def _ip(name):
    """``call`` for an in-place method on a copy of the first argument (which it must return)."""
    def call(lib, x, *args, **kwargs):
        y = x.clone()
        assert getattr(y, name)(*args, **kwargs) is y
        return y
    return call


def _err(*args, exc=RuntimeError, **kwargs):
    """An error input: the call with ``args``/``kwargs`` raises ``exc``."""
    return ErrorInput(Sample(tuple(args), kwargs), exc)


# --------------------------------------------------------------------------- markers applied across families
def _add_errors(names, fn):
    for o in OPS_ALL:
        if o.name in names and o.errors is None:
            o.errors = fn


def reduce_0d(name, ref, dtypes=FLOAT, **kw):
    """A reduction over ``dim=0``/``-1`` of a 0-d tensor (PyTorch allows it)."""
    return entry(name + "_0d_dim", ref, lambda dt, rng: [
        Sample((make_array(rng, (), dt),), dict(dim=0)), Sample((make_array(rng, (), dt),), dict(dim=-1)),
        Sample((make_array(rng, (), dt),), dict(dim=0, keepdim=True))],
        call=_default_call(name), needs=(name,), dtypes=dtypes, **kw)


def known_bug(names, check, reason):
    """Mark a check of some entries as a known failure (reported to the op's owner)."""
    for o in OPS_ALL:
        if o.name in names:
            o.xfail.setdefault(check, reason)


class _Pre:
    """A ready-made tensor standing in for an array in a sample (used by second-order checks)."""

    def __init__(self, t):
        self.t = t
