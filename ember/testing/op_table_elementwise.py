"""Op-table entries for the elementwise family (ember/ops/elementwise/): arithmetic, math
functions, rounding, clamping, division, floating-point bits, logical/bitwise ops, predicates,
the ternary ops, special functions, complex numbers as real pairs and conjugation.
Imported by :mod:`ember.testing.op_table`."""
import math

from .._backend import np
from .op_info import (ALL, ErrorInput, FLOAT, INTS, NUM, SIGNED, Sample, UNARY_SHAPES, npdtype,
                      is_float, make_array, unary_samples, binary_samples, _default_call,
                      method_call, entry, unary, binary, compare, _sigmoid, _div_mode,
                      _shape_samples, _inplace_copy, _m, _err)


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
unary("digamma", None, 0.1, 5)       # forward checked against torch (tests/ops/test_op_parity.py)
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


# --------------------------------------------------------------------------- complex_ops
def _pairs(dt, rng):
    return [Sample((_m(rng, a, dt), _m(rng, b, dt))) for a, b in
            (((3,), (3,)), ((2, 3), (3,)), ((), ()), ((3, 4), (3, 1)), ((0, 3), (3,)))]


def _stack(a, b):
    a, b = np.broadcast_arrays(a, b)
    return np.stack([a, b], -1)


_NO_CHALF = {"parity_float16": "ember has no complex32 (ComplexHalf) dtype: complex/polar/view_as_complex "
                               "refuse float16 input, PyTorch gives complex32"}


# ``* 1``: PyTorch's view_as_real backward refuses the non-contiguous gradients the generic tests pass
entry("complex", _stack, _pairs, covers=("view_as_real",), method=False, xfail=dict(_NO_CHALF),
      call=lambda lib, a, b: lib.view_as_real(lib.complex(a, b)) * 1,
      errors=lambda: [_err(np.ones(2, np.float32), np.ones(2, np.float64)),
                      _err(np.ones(2, np.int64), np.ones(2, np.int64)),
                      _err(np.ones(2, np.float32), np.ones(3, np.float32))])
def _polar_pairs(dt, rng):
    """abs > 0: for negative abs PyTorch's gradient is that of |abs| (not the finite difference)."""
    return [Sample((_m(rng, a, dt, 0.2, 3.0), _m(rng, b, dt))) for a, b in
            (((3,), (3,)), ((2, 3), (3,)), ((), ()), ((3, 4), (3, 1)), ((0, 3), (3,)))]


entry("polar", lambda r, t: _stack(r * np.cos(t), r * np.sin(t)), _polar_pairs, method=False,
      call=lambda lib, a, b: lib.view_as_real(lib.polar(a, b)) * 1,
      errors=lambda: [_err(np.ones(2, np.float32), np.ones(2, np.float64))])
entry("view_as_complex", lambda x: x.copy(), lambda dt, rng: [
    Sample((_m(rng, s, dt),)) for s in ((3, 2), (2, 3, 2), (2,))], method=False, xfail=dict(_NO_CHALF),
      call=lambda lib, x: lib.view_as_real(lib.view_as_complex(x)) * 1,
      errors=lambda: [_err(np.ones(3, np.float32)), _err(np.ones((3, 2), np.int64))])
# (PyTorch refuses autograd into view_as_complex_copy's complex output)
entry("view_as_complex_copy", lambda x: x.copy(), lambda dt, rng: [
    Sample((_m(rng, s, dt),)) for s in ((3, 2), (2, 3, 2))], method=False, grad=False,
      xfail=dict(_NO_CHALF, parity_requires_grad="both libraries raise: no autograd into its complex output"),
      gradgrad=False, call=lambda lib, x: lib.view_as_real(lib.view_as_complex_copy(x)),
      errors=lambda: [_err(np.ones(3, np.float32))])
entry("view_as_real_copy", _stack, _pairs, method=False, xfail=dict(_NO_CHALF),
      call=lambda lib, a, b: lib.view_as_real_copy(lib.complex(a, b)) * 1)
entry("is_complex", lambda x: False, lambda dt, rng: [Sample((_m(rng, (2,), dt),))], grad=False, gradgrad=False,
      dtypes=("float32", "int64", "bool"), errors=lambda: [_err([1.0], exc=TypeError)])


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
