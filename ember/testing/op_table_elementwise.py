"""Op-table entries for the rest of the elementwise ops (ops/elementwise/: ternary, trig, exp_log,
erf_gamma, rounding, clamp, division, float_bits, logical_bitwise, predicates). Imported by
:mod:`ember.testing.op_table` at this family's place in the table (entry order is kept), like
op_table_methods.py.

>>> from ember.testing.op_table import OPS_BY_NAME
>>> OPS_BY_NAME["atan2"].name
'atan2'
"""
from .._backend import np
from .op_table import (ALL, ErrorInput, FLOAT, INTS, NUM, SIGNED, Sample, UNARY_SHAPES,
                       _default_call, _inplace_copy, binary, entry, is_float, make_array,
                       method_call, npdtype, unary, unary_samples)


# --------------------------------------------------------------------------- ternary (where, lerp, addcmul, addcdiv)

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
