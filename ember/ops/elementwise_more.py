"""The rest of the elementwise family: more unary math (erf/erfc/erfinv and the gamma family
in pure NumPy, rounding ...), clamp, binary math (maximum, atan2, remainder, lerp, where ...),
logical and bitwise ops, and predicates. Forward on arrays, backward in Tensor ops (so double
backward works), PyTorch's type promotion, error types and in-place forms.

>>> x = ember.tensor([-2., 0.5, 3.], requires_grad=True)
>>> y = x.clamp(-1, 1).erf().sum(); y.backward(); x.grad
tensor([0.0000, 0.8788, 0.0000])
"""
import builtins
import math

from ._util import np, D, Tensor, _wrap, Op, apply_op, _state, to_float_np, as_tensor_like, grad_on
from ._util import _TORCH_NAMES as _TNAME
from .inplace import inplace_op
from .elementwise import _out, _needs, _ucall, _as_np

binary_result = D.binary_result
_SCALARS = (builtins.int, builtins.float, builtins.bool, builtins.complex, np.generic)
_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_RSQRTPI = 2.0 / math.sqrt(math.pi)

__all__ = [
    "exp2", "expm1", "log2", "log10", "log1p", "tan", "asin", "arcsin", "acos", "arccos", "atan",
    "arctan", "sinh", "cosh", "asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "erf",
    "erfc", "erfinv", "sign", "sgn", "floor", "ceil", "round", "trunc", "fix", "frac", "logit",
    "sinc", "deg2rad", "rad2deg", "positive", "lgamma", "digamma", "polygamma", "mvlgamma",
    "clamp", "clip", "clamp_min", "clamp_max", "clamp_", "clip_", "clamp_min_", "clamp_max_",
    "maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2",
    "remainder", "fmod", "floor_divide", "copysign", "xlogy", "float_power", "lerp", "addcmul",
    "addcdiv", "where",
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    "isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit", "isclose",
    "allclose", "equal", "nan_to_num", "nan_to_num_", "heaviside", "gcd", "lcm", "ldexp",
    "nextafter", "frexp",
]


# ---------------------------------------------------------------- helpers
def _tn(npdt):
    return _TNAME.get(D.NP2DT[npdt].name, str(npdt))


_CNAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
          "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
          "bool": "bool", "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def _cname(npdt):
    """The C++ type name PyTorch uses in some dtype messages."""
    n = D.NP2DT[npdt].name
    return _CNAME.get(n, n)


def _not_impl(kernel, npdt):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{_tn(npdt)}\'')


# Floating-point warnings off inside ops (PyTorch gives inf/NaN silently). np.errstate costs
# several microseconds per use; on NumPy 2 the same state is one context variable, set and
# reset directly here (falling back to np.errstate elsewhere).
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _EXTOBJ
    with np.errstate(all="ignore"):
        _IGNORE = _EXTOBJ.get()
except (ImportError, AttributeError):  # pragma: no cover - NumPy 1.x
    _EXTOBJ = None


class _Ign:
    __slots__ = ("tok",)

    def __enter__(self):
        self.tok = _EXTOBJ.set(_IGNORE)

    def __exit__(self, *exc):
        _EXTOBJ.reset(self.tok)


def _ign():
    """A context in which NumPy's floating-point warnings are ignored."""
    return _Ign() if _EXTOBJ is not None else np.errstate(all="ignore")


def _flt(fn, a):
    """``fn`` on ``a`` as floats: ints/bool go to the default float dtype; half precision
    is computed in float32 and rounded back, as PyTorch does."""
    a = to_float_np(a)
    dt = a.dtype
    if _EXTOBJ is None:  # pragma: no cover - NumPy 1.x
        with np.errstate(all="ignore"):
            r = fn(a) if dt.itemsize >= 4 or dt.kind == "c" else fn(a.astype(np.float32)).astype(dt)
    else:
        tok = _EXTOBJ.set(_IGNORE)
        try:
            r = fn(a) if dt.itemsize >= 4 or dt.kind == "c" else fn(a.astype(np.float32)).astype(dt)
        finally:
            _EXTOBJ.reset(tok)
    return r if r.__class__ is np.ndarray else np.asarray(r)


def _via64(fn):
    """``fn`` computed in float64 for float32 input (NumPy's float32 log2/log10 are off by an
    ulp at exact powers), rounded back."""
    def g(a):
        if a.dtype == np.float32:
            return fn(a.astype(np.float64)).astype(np.float32)
        return fn(a)
    return g


_log2_64, _log10_64 = _via64(np.log2), _via64(np.log10)


def _zeros(g):
    return _wrap(np.zeros_like(g._data))


def _check_tensor(x, fname, pos=1, argname="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                        f"not {type(x).__name__}")


def _unary(cls, input, fname, *args):
    _check_tensor(input, fname)
    return apply_op(cls, (input,), *args)


def _bshape_error(*shapes):
    """PyTorch's message for shapes that do not broadcast (or None if they do)."""
    try:
        np.broadcast_shapes(*shapes)
        return None
    except ValueError:
        pass
    nd = builtins.max(len(s) for s in shapes)
    shapes = [(1,) * (nd - len(s)) + tuple(s) for s in shapes]
    for i in range(nd - 1, -1, -1):
        for j in range(1, len(shapes)):
            x, y = shapes[0][i], shapes[j][i]
            if x != y and x != 1 and y != 1:
                return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                                    f"({y}) at non-singleton dimension {i}")
        if any(s[i] != 1 for s in shapes):  # a later operand against the broadcast so far
            sizes = [s[i] for s in shapes if s[i] != 1]
            if len(set(sizes)) > 1:
                return RuntimeError(f"The size of tensor a ({sizes[0]}) must match the size of "
                                    f"tensor b ({sizes[1]}) at non-singleton dimension {i}")
    return None


def _run(cls, tensors, *args):
    """``apply_op`` turning NumPy's broadcast ValueError into PyTorch's RuntimeError."""
    try:
        return apply_op(cls, tensors, *args)
    except ValueError:
        err = _bshape_error(*[t._data.shape for t in tensors])
        if err is not None:
            raise err from None
        raise


def _prep(input, other, fname, tensor_other=False, scalar_input=True, float_op=False):
    """Normalise a binary op's operands: a Tensor, a Tensor or Python scalar, and the
    result dtype by PyTorch's promotion. ``float_op``: the op computes in floating point (a
    negative Python int is not wrapped into an unsigned dtype)."""
    if not isinstance(input, Tensor):
        if isinstance(other, Tensor) and isinstance(input, _SCALARS) and not tensor_other \
                and scalar_input:
            input = _lift(input, other, float_op)
        else:
            _check_tensor(input, fname)
    if not isinstance(other, Tensor):
        if tensor_other:
            _check_tensor(other, fname, 2, "other")
        if not isinstance(other, _SCALARS):
            other = as_tensor_like(other)
    dt = binary_result(input, other)[0]
    if not float_op and dt._cat == 1 and other.__class__ in (builtins.int, builtins.bool):
        other = _wrap_int(other, dt.np)
    return input, other, dt


def _wrap_int(x, npdt):
    """A Python int as a NumPy scalar of integer dtype ``npdt``, wrapping like a C cast
    (``-1`` meets uint8 as 255, as in PyTorch; NumPy 2 would raise OverflowError)."""
    if x.__class__ is builtins.int:
        D._int64_scalar(x)  # PyTorch's OverflowError beyond 64 bits
    return np.array(x).astype(npdt)[()]


def _lift(x, other, float_op=False):
    """A Python scalar on the left of a tensor op, as a 0-d array of the dtype it promotes to
    as a wrapped number (``7 % uint8_tensor`` stays uint8)."""
    dt = D.result_type(x, other)
    if float_op:
        dt = _float_dt(dt)
    if x.__class__ is builtins.int:
        D._int64_scalar(x)
    with _ign():
        return _wrap(np.array(x).astype(dt.np))


def _bin(cls, input, other, fname, tensor_other=False):
    a, b, dt = _prep(input, other, fname, tensor_other)
    if isinstance(b, Tensor):
        return _run(cls, (a, b), dt)
    return _run(cls, (a,), b, dt)


def _arr(x):
    return x._data if isinstance(x, Tensor) else x


def _check_int_zero(b, dt):
    if dt._cat <= 1:
        if isinstance(b, np.ndarray):
            if b.size and not b.all():
                raise RuntimeError("ZeroDivisionError")
        elif b == 0:
            raise RuntimeError("ZeroDivisionError")


def _broadcast_inplace_check(s, r):
    ss, rs = s._data.shape, r._data.shape
    if ss != rs and np.broadcast_shapes(ss, rs) != ss:
        raise RuntimeError(f"output with shape {list(ss)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(ss, rs))}")


def _inplace_precheck(self, operands, dtype_check=True):
    """PyTorch checks an in-place op's output before its kernel: the operands must broadcast
    to ``self``'s shape, and their promoted dtype must cast to ``self``'s."""
    d = self._data
    for o in operands:
        if isinstance(o, Tensor) and o._data.shape != d.shape:
            _broadcast_inplace_check(self, o)
    if dtype_check and operands:
        dt = D.result_type(self, *[o for o in operands if isinstance(o, (Tensor,) + _SCALARS)])
        if dt._cat > D.NP2DT[d.dtype]._cat:
            from ._util import check_cast
            check_cast(dt.np, d.dtype)


def _inplace(fn, name=None):
    """The in-place form ``t.name_(...)`` of out-of-place ``fn``."""
    def method(self, *args, **kw):
        others = [x for x in args if isinstance(x, Tensor)]
        others += [x for x in kw.values() if isinstance(x, Tensor)]
        _inplace_precheck(self, others)

        def f(s):
            r = fn(s, *args, **kw)
            _broadcast_inplace_check(s, r)
            return r
        return inplace_op(self, f, *others)
    method.__name__ = (name or fn.__name__) + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


# ---------------------------------------------------------------- erf / erfc / erfinv on arrays
# Polynomials in t on [-1, 1] (lowest power first) from Chebyshev fits computed with mpmath at 40
# digits; the *_64 sets are accurate to about 1e-17 of the function, the *_32 sets (used for
# float32 and narrower inputs) to about 1e-9. Pieces:
#   erf(x)   = x * ERF_A(2 x^2 - 1)                         |x| < 1
#   erfc(x)  = exp(-x^2) * ERFCX_B((2x - 5) / 3)            1 <= x < 4
#   erfc(x)  = exp(-x^2) / x * ERFCX_C(8 / x - 1)           x >= 4
#   erfinv(y) = y * ERFINV_A((2w - 5) / 5)                  w = -log((1-|y|)(1+|y|)) < 5
#   erfinv(y) = y * ERFINV_B((2s - sqrt5 - 6.1) / (6.1 - sqrt5))   s = sqrt(w) >= sqrt(5)
_ERF_A_64 = (
    0.9654687386698673, -0.1405360890227171, 0.019852496688984218, -0.0022854855611441132,
    0.00021751715603563404, -1.7537169441124826e-05, 1.2233827638116999e-06, -7.51156928660089e-08,
    4.115751497588646e-09, -2.035228404899467e-10, 9.211251258348265e-12, -3.8078827395263415e-13)
_ERF_A_32 = (
    0.9654687386375511, -0.14053609728153707, 0.01985249772277959, -0.002285419528892305,
    0.00021751198975739192, -1.766908081175121e-05, 1.2316401734510412e-06)
_ERFCX_B_64 = (
    0.2108063640611436, -0.111521020184692, 0.05611049344497801, -0.02700529666459401,
    0.012489373879489724, -0.005570706178867454, 0.002403647685964829, -0.0010058314519202892,
    0.00040908483792941074, -0.00016201169059209907, 6.257940420393677e-05, -2.360975286720816e-05,
    8.711201821318613e-06, -3.146852852984381e-06, 1.1141561537966831e-06, -3.871096904175594e-07,
    1.3201348382558373e-07, -4.403441175313726e-08, 1.4502216998284751e-08,
    -4.8962945204994696e-09, 1.5656980006465935e-09, -3.692721097012829e-10,
    1.1327762212572682e-10, -7.931796424241829e-11, 2.4073141058818404e-11)
_ERFCX_B_32 = (
    0.210806364054626, -0.11152102074917349, 0.05611049427315793, -0.027005275783577243,
    0.012489356649520137, -0.005570928958827954, 0.0024037838271308938, -0.0010047884624158226,
    0.00040855915028200935, -0.000164497451054655, 6.367237126412143e-05, -2.0489641032795232e-05,
    7.473544980204097e-06, -5.058179245400006e-06, 1.8130125777610892e-06)
_ERFCX_C_64 = (
    0.5598813296070474, -0.008424825196312678, -0.003842866650410161, 0.00034326472664470277,
    5.551282972209511e-05, -1.4924206794958329e-05, -1.921239144638902e-07, 6.270851856170161e-07,
    -8.43829089120601e-08, -1.8620221503908177e-08, 8.204167727061454e-09, -4.3664362299058113e-10,
    -4.675030728239188e-10, 1.3636788989573502e-10, 6.364990320585226e-12, -1.2521512911516866e-11,
    1.4353030708007014e-12, 5.407034409682144e-13)
_ERFCX_C_32 = (
    0.559881330134348, -0.008424824520958185, -0.0038428837734432496, 0.00034325573152775286,
    5.5600555176150376e-05, -1.4891893743175147e-05, -3.393915417971377e-07, 5.842346211430195e-07)
_ERFINV_A_64 = (
    1.501409351110792, 0.6166006918604175, -0.026108235777397546, -0.019573561059547235,
    0.00852540095093571, -0.00048789839832821423, -0.0008341356436274527, 0.00029219068516379794,
    2.0472417318135177e-05, -4.143207161087569e-05, 8.652724308992296e-06, 2.851653340750412e-06,
    -1.8538776245567707e-06, 1.358328533200264e-07, 1.9955253577447374e-07, -7.089712161469048e-08,
    -6.723947932139946e-09, 1.1039320695967966e-08, -1.9762731377249387e-09,
    -9.755337189136466e-10, 4.4154081401624544e-10, 3.858161126784112e-11, -3.8266700213012684e-11)
_ERFINV_A_32 = (
    1.5014093517282388, 0.6166006919867009, -0.026108280762080514, -0.019573564270649057,
    0.008525934497817092, -0.0004878764749554979, -0.0008364687382200096, 0.00029213577974979843,
    2.5157435365049296e-05, -4.140043618074984e-05, 4.149577433493437e-06, 2.931137042117709e-06)
_ERFINV_B_64 = (
    4.009444665977673, 1.9509933647585973, 0.003251573515124713, -0.004918271566286827,
    0.0033576233124100237, -0.0020688913477299115, 0.001512510402091065, -0.001495731208423837,
    0.0016837743860598968, -0.0017373032828261817, 0.001442021417308442, -0.0008211025101323585,
    0.00011883870307853398, 0.00036878369958689094, -0.00049438612168788, 0.00033214844306163083,
    -8.366036190316794e-05, -7.991592137691528e-05, 0.00011082787699745444, -6.513237831582006e-05,
    1.4315940618986478e-05, 1.4812009896316773e-05, -2.1780282371265447e-05, 7.677459376349041e-06,
    8.127995483064674e-06, -3.5953591067462703e-06, -6.924585846547275e-06, 2.7847161609357727e-06,
    4.467015196292148e-06, -2.2810353212086373e-06, -1.3194822956874575e-06, 8.269329822802304e-07,
    1.4819448123792995e-07, -1.1037555401337043e-07)
_ERFINV_B_32 = (
    4.009444665967293, 1.950993392967529, 0.0032515722625183095, -0.0049196610993599505,
    0.003357754054146792, -0.00204884003454057, 0.0015098942762881466, -0.001626329176890026,
    0.0017058340113353112, -0.001283497600686378, 0.0013443777143435046, -0.0017205945198989522,
    0.0003670038760285984, 0.001383110147453578, -0.000864505752689765, -0.00024951639453830917,
    0.00022422765531586136)

_SQRT5 = math.sqrt(5.0)


def _horner(t, coefs):
    r = np.full_like(t, coefs[-1])
    for c in coefs[-2::-1]:
        r *= t
        r += c
    return r


_HI_MASK = {np.dtype(np.float64): (np.uint64, np.uint64(0xFFFFFFFFF8000000)),
            np.dtype(np.float32): (np.uint32, np.uint32(0xFFFFF000))}


def _exp_neg_sq(x):
    """exp(-x*x) without the rounding error of x*x: x = hi + lo where hi keeps the top half
    of the mantissa bits, so hi*hi is exact."""
    if not x.flags.c_contiguous:
        x = x.copy()
    ui, mask = _HI_MASK[x.dtype]
    hi = (x.view(ui) & mask).view(x.dtype)
    lo = x - hi
    return np.exp(-hi * hi) * np.exp(-lo * (x + hi))


def _erfc_b(ax, short):
    """exp(-x^2) * erfcx(x) with x clipped to [1, 4] (NaN stays NaN)."""
    xb = np.clip(ax, 1.0, 4.0)
    return _exp_neg_sq(xb) * _horner((2.0 * xb - 5.0) / 3.0, _ERFCX_B_32 if short else _ERFCX_B_64)


def _erfc_c(ax, short):
    """erfc(x) for x >= 4 (clipped at 40, where it underflows to 0)."""
    xc = np.clip(ax, 4.0, 40.0)
    return _exp_neg_sq(xc) / xc * _horner(8.0 / xc - 1.0, _ERFCX_C_32 if short else _ERFCX_C_64)


def _tail_idx(ax):
    """Flat indices of |x| >= 4 (rare in practice: gathered, not masked)."""
    return np.flatnonzero(ax >= 4.0)


def _erf_np(x):
    """erf of a float array: float64-accurate for float64 input; float32 and narrower inputs
    are computed in float32 with the shorter coefficient sets (within 2 ulp: erf is GELU's hot
    path).

    The two main pieces are evaluated on the whole (clipped) array and selected with
    ``where``: cheaper than gathering and scattering by a random mask."""
    short = x.dtype != np.float64
    x = np.asarray(x, dtype=np.float32 if short else np.float64)
    coef = _ERF_A_32 if short else _ERF_A_64
    ax = np.abs(x)
    if not x.size or ax.max() < 1.0:
        return x * _horner(2.0 * x * x - 1.0, coef)
    u = np.minimum(x * x, 1.0)
    out = np.where(ax < 1.0, x * _horner(2.0 * u - 1.0, coef), np.copysign(1.0 - _erfc_b(ax, short), x))
    if not short:  # float32: erfc(4) < 2**-25, so the clipped piece already rounds to +-1
        idx = _tail_idx(ax)
        if idx.size:
            flat = out.reshape(-1)
            xs = x.reshape(-1)[idx]
            flat[idx] = np.copysign(1.0 - _erfc_c(np.abs(xs), short), xs)
    return out


def _erfc_np(x):
    """erfc of a float array, computed in float64 (the shorter coefficient sets for float32 and
    narrower input); relative accuracy in the right tail."""
    short = x.dtype != np.float64
    x = np.asarray(x, dtype=np.float64)
    coef = _ERF_A_32 if short else _ERF_A_64
    ax = np.abs(x)
    u = np.minimum(x * x, 1.0)
    a = 1.0 - x * _horner(2.0 * u - 1.0, coef)
    if not x.size or ax.max() < 1.0:
        return a
    b = _erfc_b(ax, short)
    out = np.where(ax < 1.0, a, np.where(x > 0, b, 2.0 - b))
    idx = _tail_idx(ax)
    if idx.size:
        flat = out.reshape(-1)
        xs = x.reshape(-1)[idx]
        c = _erfc_c(np.abs(xs), short)
        flat[idx] = np.where(xs > 0, c, 2.0 - c)
    return out


def _erfinv_np(y):
    """erfinv of a float array, computed in float64 (shorter coefficient sets for float32 and
    narrower input): polynomial in w = -log(1 - y^2) (or sqrt(w) in the
    tails, gathered); +-inf at +-1, NaN outside [-1, 1]."""
    short = y.dtype != np.float64
    y = np.asarray(y, dtype=np.float64)
    ay = np.abs(y)
    with _ign():
        w = -np.log((1.0 - ay) * (1.0 + ay))
        out = y * _horner((2.0 * np.minimum(w, 5.0) - 5.0) / 5.0, _ERFINV_A_32 if short else _ERFINV_A_64)
        idx = np.flatnonzero((w >= 5.0) & np.isfinite(w))
        if idx.size:
            s = np.sqrt(w.reshape(-1)[idx])
            t = (2.0 * s - (_SQRT5 + 6.1)) / (6.1 - _SQRT5)
            out.reshape(-1)[idx] = y.reshape(-1)[idx] * _horner(t, _ERFINV_B_32 if short else _ERFINV_B_64)
        out = np.where(ay == 1.0, np.copysign(np.inf, y), out)
        out = np.where(ay > 1.0, np.nan, out)
    return out


_erf64, _erfc64, _erfinv64 = _erf_np, _erfc_np, _erfinv_np


def _cast_like(fn, kernel):
    def g(a):
        if a.dtype.kind == "c":
            _not_impl(kernel, a.dtype)
        return fn(a).astype(a.dtype, copy=False)
    return g


# ---------------------------------------------------------------- lgamma / digamma / polygamma on arrays
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
# Stirling series: B_2k / (2k (2k-1)) for k = 1..7
_LGAMMA_C = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
# digamma asymptotic series: B_2k / (2k) for k = 1..7
_DIGAMMA_C = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
_SHIFT = 10.0


def _poly(z, coefs):
    """sum_k coefs[k] * z**k by Horner's rule."""
    r = np.full_like(z, coefs[-1])
    for c in coefs[-2::-1]:
        r = r * z + c
    return r


def _sinpi(x):
    """sin(pi x) with exact argument reduction (x - 2 round(x / 2) lies in [-1, 1])."""
    r = x - 2.0 * np.round(0.5 * x)
    return np.sin(math.pi * r)


def _tanpi(x):
    r = x - np.round(x)  # tan has period 1
    return np.tan(math.pi * r)


def _lgamma_pos(y):
    """log Gamma(y) for y >= 0.5: recurrence up to >= 10, then Stirling's series."""
    z = y.copy()
    prod = np.ones_like(y)
    for _ in range(int(_SHIFT) + 1):
        m = z < _SHIFT
        if not m.any():
            break
        prod = np.where(m, prod * z, prod)
        z = np.where(m, z + 1.0, z)
    w = 1.0 / (z * z)
    series = _poly(w, _LGAMMA_C) / z
    return (z - 0.5) * np.log(z) - z + _HALF_LOG_2PI + series - np.log(prod)


def _lgamma64(x):
    x = np.asarray(x, dtype=np.float64)
    with _ign():
        neg = x < 0.5
        y = np.where(neg, 1.0 - x, x)
        r = _lgamma_pos(np.where(np.isnan(y), 1.0, y))
        refl = np.log(math.pi / np.abs(_sinpi(x))) - r
        out = np.where(neg, refl, r)
        out = np.where((x <= 0) & (x == np.floor(x)), np.inf, out)
        out = np.where((x == 1.0) | (x == 2.0), 0.0, out)
        out = np.where(np.isinf(x), np.inf, out)
        out = np.where(np.isnan(x), np.nan, out)
    return out


def _digamma_pos(y):
    """psi(y) for y > 0: recurrence psi(y) = psi(y + 1) - 1/y up to >= 10, then the series."""
    z = y.copy()
    acc = np.zeros_like(y)
    for _ in range(int(_SHIFT) + 1):
        m = z < _SHIFT
        if not m.any():
            break
        acc = np.where(m, acc - 1.0 / z, acc)
        z = np.where(m, z + 1.0, z)
    w = 1.0 / (z * z)
    return np.log(z) - 0.5 / z - w * _poly(w, _DIGAMMA_C) + acc


def _digamma64(x):
    x = np.asarray(x, dtype=np.float64)
    with _ign():
        neg = x < 0
        y = np.where(neg, 1.0 - x, x)
        y = np.where((y > 0) & np.isfinite(y), y, 1.0)
        r = _digamma_pos(y)
        out = np.where(neg, r - math.pi / _tanpi(x), r)
        out = np.where(neg & (x == np.floor(x)), np.nan, out)
        out = np.where(x == 0, np.copysign(np.inf, -x), out)
        out = np.where(x == np.inf, np.inf, out)
        out = np.where(np.isnan(x) | (x == -np.inf), np.nan, out)
    return out


def _hurwitz_zeta(s, x):
    """zeta(s, x) = sum_k (x + k)^-s for integer s >= 2: direct terms up to x + k >= N, then
    the Euler-Maclaurin tail."""
    target = _SHIFT + s
    lo = np.nanmin(x) if x.size else target
    if lo < -1e5:
        raise NotImplementedError("ember: polygamma for inputs below -1e5 is not implemented")
    acc = np.zeros_like(x)
    z = x.copy()
    while True:
        m = z < target
        if not m.any():
            break
        acc = np.where(m, acc + z ** -s, acc)
        z = np.where(m, z + 1.0, z)
    # tail: z^(1-s)/(s-1) + z^-s / 2 + sum_j B_2j / (2j)! * s (s+1) ... (s+2j-2) z^(-s-2j+1)
    tail = z ** (1 - s) / (s - 1) + 0.5 * z ** -s
    bern = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
    rising = float(s)
    fact = 2.0
    zp = z ** (-s - 1)
    for j, b in enumerate(bern, start=1):
        tail = tail + (b / fact) * rising * zp
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        fact *= (2 * j + 1) * (2 * j + 2)
        zp = zp / (z * z)
    return acc + tail


def _polygamma64(n, x):
    x = np.asarray(x, dtype=np.float64)
    if n == 0:
        return _digamma64(x)
    with _ign():
        xs = np.where(np.isfinite(x), x, 1.0)
        out = ((-1.0) ** (n + 1)) * math.factorial(n) * _hurwitz_zeta(n + 1, xs)
        out = np.where((x <= 0) & (x == np.floor(x)), np.inf if n % 2 else np.nan, out)
        out = np.where(x == np.inf, 0.0, out)
        out = np.where(np.isnan(x) | (x == -np.inf), np.nan, out)
    return out


# ---------------------------------------------------------------- unary math
class Exp2(Op):
    @staticmethod
    def forward(ctx, a):
        out = _flt(np.exp2, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out * _LN2


class Expm1(Op):
    @staticmethod
    def forward(ctx, a):
        out = _flt(np.expm1, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out + 1)


class Log2(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(_log2_64, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * _LN2)


class Log10(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(_log10_64, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * _LN10)


class Log1p(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.log1p, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a + 1)


class Tan(Op):
    @staticmethod
    def forward(ctx, a):
        out = _flt(np.tan, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out * out + 1)


class Asin(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.arcsin, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (1 - a * a).rsqrt()


class Acos(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.arccos, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * (1 - a * a).rsqrt()


class Atan(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.arctan, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (a * a + 1)


class Sinh(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.sinh, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * cosh(a)


class Cosh(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.cosh, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * sinh(a)


class Asinh(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.arcsinh, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a * a + 1).rsqrt()


class Acosh(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.arccosh, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a * a - 1).rsqrt()


class Atanh(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.arctanh, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / (1 - a * a)


class Erf(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(_cast_like(_erf64, "erf_vml_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * _TWO_RSQRTPI * (-a * a).exp()


class Erfc(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(_cast_like(_erfc64, "erfc_vml_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * -_TWO_RSQRTPI * (-a * a).exp()


class Erfinv(Op):
    @staticmethod
    def forward(ctx, a):
        out = _flt(_cast_like(_erfinv64, "erfinv_cpu"), a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (0.5 * math.sqrt(math.pi)) * (out * out).exp()


class Sinc(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(np.sinc, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        pa = a * math.pi
        with _ign():
            d = (pa * pa.cos() - pa.sin()) / (pa * a)
            return g * where(a == 0, 0.0, d)


class Deg2rad(Op):
    @staticmethod
    def forward(ctx, a):
        return _flt(np.deg2rad, a)

    @staticmethod
    def backward(ctx, g):
        return g * (math.pi / 180.0)


class Rad2deg(Op):
    @staticmethod
    def forward(ctx, a):
        return _flt(np.rad2deg, a)

    @staticmethod
    def backward(ctx, g):
        return g * (180.0 / math.pi)


class Logit(Op):
    @staticmethod
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps

        def f(z):
            if eps is not None:
                z = np.clip(z, eps, 1.0 - eps)
            return np.log(z / (1.0 - z))
        return _flt(f, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        eps = ctx.eps
        with _ign():
            d = g / (a * (1 - a))
        if eps is None:
            return where((a < 0) | (a > 1), math.nan, d)
        return where((a < eps) | (a > 1 - eps), 0.0, d)


def exp2(input, *, out=None):
    """``2 ** input``.

    >>> ember.exp2(ember.tensor([0., 3.]))
    tensor([1., 8.])
    """
    return _out(_unary(Exp2, input, "exp2"), out)


def expm1(input, *, out=None):
    """``exp(input) - 1``, accurate near zero.

    >>> ember.expm1(ember.tensor([0., 1.]))
    tensor([0.0000, 1.7183])
    """
    return _out(_unary(Expm1, input, "expm1"), out)


def log2(input, *, out=None):
    """Base-2 logarithm.

    >>> ember.log2(ember.tensor([1., 8.]))
    tensor([0., 3.])
    """
    return _out(_unary(Log2, input, "log2"), out)


def log10(input, *, out=None):
    """Base-10 logarithm.

    >>> ember.log10(ember.tensor([1., 100.]))
    tensor([0., 2.])
    """
    return _out(_unary(Log10, input, "log10"), out)


def log1p(input, *, out=None):
    """``log(1 + input)``, accurate near zero.

    >>> ember.log1p(ember.tensor([0., 1.]))
    tensor([0.0000, 0.6931])
    """
    return _out(_unary(Log1p, input, "log1p"), out)


def tan(input, *, out=None):
    """Tangent.

    >>> ember.tan(ember.tensor([0., 1.]))
    tensor([0.0000, 1.5574])
    """
    return _out(_unary(Tan, input, "tan"), out)


def asin(input, *, out=None):
    """Arcsine (``arcsin`` is an alias).

    >>> ember.asin(ember.tensor([0., 1.]))
    tensor([0.0000, 1.5708])
    """
    return _out(_unary(Asin, input, "asin"), out)


def acos(input, *, out=None):
    """Arccosine (``arccos`` is an alias).

    >>> ember.acos(ember.tensor([1., 0.]))
    tensor([0.0000, 1.5708])
    """
    return _out(_unary(Acos, input, "acos"), out)


def atan(input, *, out=None):
    """Arctangent (``arctan`` is an alias).

    >>> ember.atan(ember.tensor([0., 1.]))
    tensor([0.0000, 0.7854])
    """
    return _out(_unary(Atan, input, "atan"), out)


def sinh(input, *, out=None):
    """Hyperbolic sine.

    >>> ember.sinh(ember.tensor([0., 1.]))
    tensor([0.0000, 1.1752])
    """
    return _out(_unary(Sinh, input, "sinh"), out)


def cosh(input, *, out=None):
    """Hyperbolic cosine.

    >>> ember.cosh(ember.tensor([0., 1.]))
    tensor([1.0000, 1.5431])
    """
    return _out(_unary(Cosh, input, "cosh"), out)


def asinh(input, *, out=None):
    """Inverse hyperbolic sine (``arcsinh`` is an alias).

    >>> ember.asinh(ember.tensor([0., 1.]))
    tensor([0.0000, 0.8814])
    """
    return _out(_unary(Asinh, input, "asinh"), out)


def acosh(input, *, out=None):
    """Inverse hyperbolic cosine (``arccosh`` is an alias).

    >>> ember.acosh(ember.tensor([1., 2.]))
    tensor([0.0000, 1.3170])
    """
    return _out(_unary(Acosh, input, "acosh"), out)


def atanh(input, *, out=None):
    """Inverse hyperbolic tangent (``arctanh`` is an alias).

    >>> ember.atanh(ember.tensor([0., 0.5]))
    tensor([0.0000, 0.5493])
    """
    return _out(_unary(Atanh, input, "atanh"), out)


def erf(input, *, out=None):
    """The error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt`` (float64-accurate).

    >>> ember.erf(ember.tensor([0., 1., -2.]))
    tensor([ 0.0000,  0.8427, -0.9953])
    """
    return _out(_unary(Erf, input, "erf"), out)


def erfc(input, *, out=None):
    """The complementary error function ``1 - erf(input)``, accurate in the tails.

    >>> ember.erfc(ember.tensor([0., 1.]))
    tensor([1.0000, 0.1573])
    """
    return _out(_unary(Erfc, input, "erfc"), out)


def erfinv(input, *, out=None):
    """The inverse error function on ``(-1, 1)``; ``±1`` give ``±inf``.

    >>> ember.erfinv(ember.tensor([0., 0.5, 1.]))
    tensor([0.0000, 0.4769,    inf])
    """
    return _out(_unary(Erfinv, input, "erfinv"), out)


def sinc(input, *, out=None):
    """Normalised sinc ``sin(pi x) / (pi x)``, 1 at 0.

    >>> ember.sinc(ember.tensor([0., 0.5]))
    tensor([1.0000, 0.6366])
    """
    return _out(_unary(Sinc, input, "sinc"), out)


def deg2rad(input, *, out=None):
    """Degrees to radians.

    >>> ember.deg2rad(ember.tensor([180.]))
    tensor([3.1416])
    """
    return _out(_unary(Deg2rad, input, "deg2rad"), out)


def rad2deg(input, *, out=None):
    """Radians to degrees.

    >>> ember.rad2deg(ember.tensor([3.14159265]))
    tensor([180.])
    """
    return _out(_unary(Rad2deg, input, "rad2deg"), out)


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when eps is given.

    >>> ember.logit(ember.tensor([0.5, 0.75]))
    tensor([0.0000, 1.0986])
    """
    return _out(_unary(Logit, input, "logit", None if eps is None else builtins.float(eps)), out)


class Lgamma(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(_cast_like(_lgamma64, "lgamma_vml_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * digamma(a)


class Digamma(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(_cast_like(_digamma64, "digamma_vml_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * polygamma(1, a)


class Polygamma(Op):
    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return _flt(_cast_like(lambda x: _polygamma64(n, x), "polygamma"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, a)


def lgamma(input, *, out=None):
    """``log |Gamma(input)|`` (inf at the poles 0, -1, -2, ...).

    >>> ember.lgamma(ember.tensor([0.5, 1., 5.]))
    tensor([0.5724, 0.0000, 3.1781])
    """
    return _out(_unary(Lgamma, input, "lgamma"), out)


def digamma(input, *, out=None):
    """The digamma function ``psi = d/dx log Gamma(x)``.

    >>> ember.digamma(ember.tensor([1., 0.5]))
    tensor([-0.5772, -1.9635])
    """
    return _out(_unary(Digamma, input, "digamma"), out)


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of the digamma function.

    >>> ember.polygamma(1, ember.tensor([1., 0.5]))
    tensor([1.6449, 4.9348])
    """
    n = builtins.int(n)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input, out=out)
    return _out(_unary(Polygamma, input, "polygamma", n), out)


def mvlgamma(input, p):
    """The multivariate log-gamma ``p(p-1)/4 log(pi) + sum_i lgamma(input - i/2)``.

    >>> ember.mvlgamma(ember.tensor([2.5]), 2)
    tensor([0.8570])
    """
    _check_tensor(input, "mvlgamma")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = input if input._data.dtype.kind in "fV" else input.to(D._default[0])
    r = lgamma(x)
    for i in range(1, p):
        r = r + lgamma(x - 0.5 * i)
    return r + p * (p - 1) / 4 * math.log(math.pi)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


# ---------------------------------------------------------------- sign and rounding (zero grad)
def _sign_np(a):
    """sign with PyTorch's ``(0 < a) - (a < 0)``: NaN gives 0."""
    out = np.asarray(np.sign(a))
    if a.dtype.kind in "iu":
        return out
    if a.dtype.kind in "fV":
        np.copyto(out, 0, where=np.isnan(a))
        out += 0.0  # -0. -> 0.
    return out


class Sign(Op):
    @staticmethod
    def forward(ctx, a):
        k = a.dtype.kind
        if k == "b":
            return a.copy()
        if k == "c":
            raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                      "numbers. Please use torch.sgn instead.")
        return _sign_np(a)

    @staticmethod
    def backward(ctx, g):
        return _zeros(g)


class Sgn(Op):
    @staticmethod
    def forward(ctx, a):
        k = a.dtype.kind
        if k == "b":
            return a.copy()
        if k == "c":
            ab = np.abs(a)
            with _ign():
                return np.where(ab == 0, 0, a / ab).astype(a.dtype)
        return _sign_np(a)

    @staticmethod
    def backward(ctx, g):
        if g._data.dtype.kind == "c":
            raise NotImplementedError("ember: the gradient of sgn for complex inputs is not implemented")
        return _zeros(g)


def _rounder(ufunc, kernel, name):
    class R(Op):
        _name = name + "Backward0"

        @staticmethod
        def forward(ctx, a):
            k = a.dtype.kind
            if k in "iu":
                return a.copy()
            if k == "b":
                _not_impl(kernel, a.dtype)
            if k == "c":
                raise NotImplementedError(f"{name.lower()} is not supported for complex inputs")
            return ufunc(a)

        @staticmethod
        def backward(ctx, g):
            return _zeros(g)
    R.__name__ = R.__qualname__ = name
    return R


Floor = _rounder(np.floor, "floor_vml_cpu", "Floor")
Ceil = _rounder(np.ceil, "ceil_vml_cpu", "Ceil")
Trunc = _rounder(np.trunc, "trunc_vml_cpu", "Trunc")


class Round(Op):
    @staticmethod
    def forward(ctx, a, decimals):
        k = a.dtype.kind
        if k == "b" or (k in "iu" and decimals != 0):
            _not_impl("round_cpu", a.dtype)
        if k == "c":
            raise NotImplementedError("round is not supported for complex inputs")
        if k in "iu":
            return a.copy()
        if decimals == 0:
            return np.rint(a)
        with _ign():
            return np.round(a, decimals)

    @staticmethod
    def backward(ctx, g):
        return _zeros(g)


class Round1(Round):
    _name = "RoundBackward1"


class Frac(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind not in "fV":
            _not_impl("frac_cpu", a.dtype)
        with _ign():
            return a - np.trunc(a)

    @staticmethod
    def backward(ctx, g):
        return g


def sign(input, *, out=None):
    """-1, 0 or 1 by the sign of each element (bool stays bool).

    >>> ember.sign(ember.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
    """
    return _out(_unary(Sign, input, "sign"), out)


def sgn(input, *, out=None):
    """``sign`` extended to complex numbers: ``z / |z|`` (0 at 0).

    >>> ember.sgn(ember.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
    """
    return _out(_unary(Sgn, input, "sgn"), out)


def floor(input, *, out=None):
    """Round down; integer tensors are returned unchanged (as a copy).

    >>> ember.floor(ember.tensor([-1.5, 1.5]))
    tensor([-2.,  1.])
    """
    return _out(_unary(Floor, input, "floor"), out)


def ceil(input, *, out=None):
    """Round up.

    >>> ember.ceil(ember.tensor([-1.5, 1.5]))
    tensor([-1.,  2.])
    """
    return _out(_unary(Ceil, input, "ceil"), out)


def trunc(input, *, out=None):
    """Round toward zero (``fix`` is an alias).

    >>> ember.trunc(ember.tensor([-1.5, 1.5]))
    tensor([-1.,  1.])
    """
    return _out(_unary(Trunc, input, "trunc"), out)


fix = trunc


def round(input, *, decimals=0, out=None):
    """Round half to even, to ``decimals`` decimal places (negative: left of the point).

    >>> ember.round(ember.tensor([0.5, 1.5, 1.2345]))
    tensor([0., 2., 1.])
    >>> ember.round(ember.tensor([1.2345]), decimals=2)
    tensor([1.2300])
    """
    return _out(_unary(Round if decimals == 0 else Round1, input, "round", builtins.int(decimals)), out)


def frac(input, *, out=None):
    """The fractional part ``input - trunc(input)``, keeping the sign.

    >>> ember.frac(ember.tensor([-1.25, 2.5]))
    tensor([-0.2500,  0.5000])
    """
    return _out(_unary(Frac, input, "frac"), out)


def positive(input):
    """Returns ``input`` itself (``+input``); an error for bool tensors.

    >>> ember.positive(ember.tensor([-1., 2.]))
    tensor([-1.,  2.])
    """
    _check_tensor(input, "positive")
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# ---------------------------------------------------------------- clamp
class Clamp(Op):
    """clamp with scalar bounds: the gradient passes where ``min <= x <= max``."""

    _name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi, npdt):
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        x = a if a.dtype == npdt else a.astype(npdt)
        out = x
        if lo is not None:
            out = _ucall(np.maximum, out, lo, npdt, casting="unsafe")
        if hi is not None:
            out = _ucall(np.minimum, out, hi, npdt, casting="unsafe")
        return out if out.__class__ is np.ndarray else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lo, hi = ctx.lo, ctx.hi
        m = None
        if lo is not None:
            m = a >= lo
        if hi is not None:
            m = (a <= hi) if m is None else m & (a <= hi)
        return where(m, g, 0.0)


class ClampMin(Clamp):
    _name = "ClampMinBackward0"


class ClampMax(Clamp):
    _name = "ClampMaxBackward0"


class ClampT(Op):
    """clamp with tensor bounds (either may be absent: ``has`` says which)."""

    _name = "ClampBackward0"

    @staticmethod
    def forward(ctx, a, *rest):
        *bounds, has, npdt = rest
        ctx.save_for_backward(a, *bounds)
        ctx.has = has
        it = iter(bounds)
        lo = next(it) if has[0] else None
        hi = next(it) if has[1] else None
        out = a if a.dtype == npdt else a.astype(npdt)
        if lo is not None:
            out = _ucall(np.maximum, out, lo, npdt, casting="unsafe")
        if hi is not None:
            out = _ucall(np.minimum, out, hi, npdt, casting="unsafe")
        return out if out.__class__ is np.ndarray else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        saved = ctx.saved_tensors
        a, has = saved[0], ctx.has
        it = iter(saved[1:])
        lo = next(it) if has[0] else None
        hi = next(it) if has[1] else None
        m = None
        if lo is not None:
            m = a >= lo
        if hi is not None:
            m = (a <= hi) if m is None else m & (a <= hi)
        grads = [where(m, g, 0.0) if _needs(ctx, 0) else None]
        if lo is not None:
            if not _needs(ctx, 1):
                grads.append(None)
            elif hi is not None:
                grads.append(where((a < lo) & (lo < hi), g, 0.0))
            else:
                grads.append(where(a < lo, g, 0.0))
        if hi is not None:
            if not _needs(ctx, len(grads)):
                grads.append(None)
            elif lo is not None:
                grads.append(where((a > hi) | (hi < lo), g, 0.0))
            else:
                grads.append(where(a > hi, g, 0.0))
        return tuple(grads)


class ClampMinT(ClampT):
    _name = "ClampMinBackward1"


class ClampMaxT(ClampT):
    _name = "ClampMaxBackward1"


def _clamp(input, min, max, fname, cls, clsT):
    _check_tensor(input, fname)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [b for b in (min, max) if b is not None]
    if any(isinstance(b, Tensor) for b in bounds):
        bounds = [b if isinstance(b, Tensor) else as_tensor_like(b) for b in bounds]
        dt = D.result_type(input, *bounds)
        if dt._cat == 0 and len(bounds) == 2:  # one bool bound is a logical max/min
            _not_impl("clamp_cpu", dt.np)
        return _run(clsT, (input, *bounds), (min is not None, max is not None), dt.np)
    dt = D.result_type(input, *bounds)
    if input._data.dtype.kind == "b" and dt._cat == 0:
        _not_impl("clamp_scalar_cpu" if len(bounds) == 2 else
                  "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu", dt.np)
    if dt._cat == 1:  # PyTorch's checked conversion of integer bounds (uint8 takes -255..255)
        min = D.checked_int(min, dt) if min.__class__ in (builtins.int, builtins.bool) else min
        max = D.checked_int(max, dt) if max.__class__ in (builtins.int, builtins.bool) else max
    else:  # ints beyond 64 bits, finite numbers beyond a floating dtype's range: overflow errors
        min = min if min is None else D.checked_fill(min, dt)
        max = max if max is None else D.checked_fill(max, dt)
    return apply_op(cls, (input,), min, max, dt.np)


def clamp(input, min=None, max=None, *, out=None):
    """Limit each element to ``[min, max]`` (numbers or tensors; either may be None).

    The gradient flows to ``input`` where ``min <= input <= max`` (bounds included).

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=-1, max=1)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    return _out(_clamp(input, min, max, "clamp", Clamp, ClampT), out)


clip = clamp


def clamp_min(input, min, *, out=None):
    """``clamp(input, min=min)``.

    >>> ember.clamp_min(ember.tensor([-2., 3.]), 0)
    tensor([0., 3.])
    """
    return _out(_clamp(input, min, None, "clamp_min", ClampMin, ClampMinT), out)


def clamp_max(input, max, *, out=None):
    """``clamp(input, max=max)``.

    >>> ember.clamp_max(ember.tensor([-2., 3.]), 0)
    tensor([-2.,  0.])
    """
    return _out(_clamp(input, None, max, "clamp_max", ClampMax, ClampMaxT), out)


def clamp_(input, min=None, max=None):
    """In-place :func:`clamp`; returns ``input``.

    >>> t = ember.tensor([-2., 0.5, 3.]); _ = t.clamp_(-1, 1); t
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if not isinstance(min, Tensor) and not isinstance(max, Tensor) and not grad_on(input) \
            and (input._base is None or not input._base._rg or not _state[0]):
        d = input._data
        if (min is not None or max is not None) and d.dtype.kind in "fV" or (
                d.dtype.kind in "iu" and all(isinstance(b, (builtins.int, type(None))) and
                                             not isinstance(b, builtins.bool) for b in (min, max))):
            if min is not None:
                np.maximum(d, min, out=d)
            if max is not None:
                np.minimum(d, max, out=d)
            input._bump()
            return input
    others = [b for b in (min, max) if isinstance(b, Tensor)]

    def f(s):
        r = clamp(s, min, max)
        _broadcast_inplace_check(s, r)
        return r
    return inplace_op(input, f, *others)


clip_ = clamp_


def clamp_min_(input, min):
    """In-place :func:`clamp_min`.

    >>> t = ember.tensor([-2., 3.]); _ = t.clamp_min_(0); t
    tensor([0., 3.])
    """
    return clamp_(input, min, None)


def clamp_max_(input, max):
    """In-place :func:`clamp_max`.

    >>> t = ember.tensor([-2., 3.]); _ = t.clamp_max_(0); t
    tensor([-2.,  0.])
    """
    return clamp_(input, None, max)


# ---------------------------------------------------------------- maximum / minimum / fmax / fmin
class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.maximum, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        h = where(a == b, g / 2, g)
        return (where(a < b, 0.0, h) if _needs(ctx, 0) else None,
                where(a > b, 0.0, h) if _needs(ctx, 1) else None)


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.minimum, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        h = where(a == b, g / 2, g)
        return (where(a > b, 0.0, h) if _needs(ctx, 0) else None,
                where(a < b, 0.0, h) if _needs(ctx, 1) else None)


class Fmax(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.fmax, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        m = (a >= b) | isnan(b)
        return where(m, g, 0.0), where(m, 0.0, g)


class Fmin(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.fmin, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        m = (a <= b) | isnan(b)
        return where(m, g, 0.0), where(m, 0.0, g)


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors (NaN propagates; ties split the gradient).

    >>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([3., 5.])
    """
    return _out(_bin(Maximum, input, other, "maximum", True), out)


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors.

    >>> ember.minimum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """
    return _out(_bin(Minimum, input, other, "minimum", True), out)


def fmax(input, other, *, out=None):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN).

    >>> ember.fmax(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([3., 2.])
    """
    return _out(_bin(Fmax, input, other, "fmax", True), out)


def fmin(input, other, *, out=None):
    """Elementwise minimum ignoring NaN.

    >>> ember.fmin(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """
    return _out(_bin(Fmin, input, other, "fmin", True), out)


# ---------------------------------------------------------------- binary float math
def _float_dt(dt):
    return D._default[0] if dt._cat < 2 else dt


def _fbin(ufunc, a, b, dt):
    """``ufunc`` computed in float dtype ``dt`` (half via float32)."""
    npdt = dt.np
    with _ign():
        if npdt.itemsize >= 4 or npdt.kind == "c":
            r = ufunc(a, b, dtype=npdt)
        else:
            a = a.astype(np.float32) if isinstance(a, np.ndarray) else a
            b = b.astype(np.float32) if isinstance(b, np.ndarray) else b
            r = ufunc(a, b, dtype=np.float32).astype(npdt)
    return r if r.__class__ is np.ndarray else np.asarray(r)


class Atan2(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _fbin(np.arctan2, a, b, _float_dt(dt))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        r = g / (a * a + b * b)
        return (r * b if _needs(ctx, 0) else None), (-r * a if _needs(ctx, 1) else None)


class Hypot(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat < 2:
            _not_impl("hypot_cpu", dt.np)
        out = _fbin(np.hypot, a, b, dt)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        r = g / out
        return (r * a if _needs(ctx, 0) else None), (r * b if _needs(ctx, 1) else None)


class Logaddexp(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat < 2:
            _not_impl("logaddexp_cpu", dt.np)
        ctx.save_for_backward(a, b)
        return _fbin(np.logaddexp, a, b, dt)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return (g / ((b - a).exp() + 1) if _needs(ctx, 0) else None,
                g / ((a - b).exp() + 1) if _needs(ctx, 1) else None)


class Logaddexp2(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat < 2:
            _not_impl("logaddexp2_cpu", dt.np)
        ctx.save_for_backward(a, b)
        return _fbin(np.logaddexp2, a, b, dt)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return (g / (exp2(b - a) + 1) if _needs(ctx, 0) else None,
                g / (exp2(a - b) + 1) if _needs(ctx, 1) else None)


class Copysign(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        out = _fbin(np.copysign, a, b, _float_dt(dt))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        ratio = sign(a) * sign(out)  # out / a, 0 where a == 0; constant pieces
        return (g * ratio if _needs(ctx, 0) else None), (_zeros(g) if _needs(ctx, 1) else None)


class Copysign1(Copysign):
    _name = "CopysignBackward1"


class Xlogy(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        fdt = _float_dt(dt).np
        with _ign():
            out = _fbin(np.multiply, a, np.log(np.asarray(b, dtype=fdt)), _float_dt(dt))
            out = np.where((np.asarray(a) == 0) & ~np.isnan(b), np.zeros((), fdt), out)
        return out.astype(fdt, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = gb = None
        if _needs(ctx, 0):
            ga = where((a == 0) & (b <= 0), 0.0, xlogy(g, b))
        if _needs(ctx, 1):
            with _ign():
                gb = g * a / b
        return ga, gb


def atan2(input, other, *, out=None):
    """The angle of the point ``(other, input)``, i.e. ``atan(input / other)`` in the right
    quadrant (``arctan2`` is an alias).

    >>> ember.atan2(ember.tensor([1., -1.]), ember.tensor([-1., -1.]))
    tensor([ 2.3562, -2.3562])
    """
    return _out(_bin(Atan2, input, other, "atan2", True), out)


arctan2 = atan2


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)`` without overflow.

    >>> ember.hypot(ember.tensor([3.]), ember.tensor([4.]))
    tensor([5.])
    """
    return _out(_bin(Hypot, input, other, "hypot", True), out)


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` computed stably.

    >>> ember.logaddexp(ember.tensor([0., 100.]), ember.tensor([0., 100.]))
    tensor([  0.6931, 100.6931])
    """
    return _out(_bin(Logaddexp, input, other, "logaddexp", True), out)


def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)`` computed stably.

    >>> ember.logaddexp2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([2.])
    """
    return _out(_bin(Logaddexp2, input, other, "logaddexp2", True), out)


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a float result).

    >>> ember.copysign(ember.tensor([1, 2]), -1.)
    tensor([-1., -2.])
    """
    a, b, dt = _prep(input, other, "copysign", scalar_input=False, float_op=True)
    if isinstance(b, Tensor):
        return _out(_run(Copysign, (a, b), dt), out)
    return _out(_run(Copysign1, (a,), b, dt), out)


def xlogy(input, other, *, out=None):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.xlogy(ember.tensor([0., 2.]), ember.tensor([0., 3.]))
    tensor([0.0000, 2.1972])
    """
    a, b, dt = _prep(input, other, "xlogy", float_op=True)
    if isinstance(b, Tensor):
        return _out(_run(Xlogy, (a, b), dt), out)
    return _out(_run(Xlogy, (a,), b, dt), out)


# ---------------------------------------------------------------- remainder / fmod / division
class Remainder(Op):
    _name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat == 0:
            _not_impl("remainder_cpu", dt.np)
        _check_int_zero(b, dt)
        ctx.save_for_backward(a, b)
        with _ign():
            return _ucall(np.remainder, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = None
        if _needs(ctx, 1):
            gb = -g * floor_divide(a, b)
        return g, gb


class Remainder0(Remainder):
    _name = "RemainderBackward0"


class Fmod(Op):
    _name = "FmodBackward1"

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat == 0:
            _not_impl("fmod_cpu", dt.np)
        _check_int_zero(b, dt)
        ctx.save_for_backward(a, b)
        with _ign():
            return _ucall(np.fmod, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = None
        if _needs(ctx, 1):
            gb = -g * _div_trunc(a, b)
        return g, gb


class Fmod0(Fmod):
    _name = "FmodBackward0"


class DivFloor(Op):
    """Floor division; its gradient is zero, as for ``div(rounding_mode='floor')``."""

    _name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat == 0:
            _not_impl("div_floor_cpu", dt.np)
        _check_int_zero(b, dt)
        with _ign():
            return _ucall(np.floor_divide, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        return _zeros(g), (_zeros(g) if _needs(ctx, 1) else None)


class DivTrunc(DivFloor):
    _name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat == 0:
            _not_impl("div_trunc_cpu", dt.np)
        _check_int_zero(b, dt)
        npdt = dt.np
        with _ign():
            if dt._cat >= 2:
                return np.trunc(_ucall(np.true_divide, a, b, npdt))
            q = _ucall(np.floor_divide, a, b, npdt, casting="unsafe")
            r = np.subtract(a, _ucall(np.multiply, q, b, npdt, casting="unsafe"), dtype=npdt,
                            casting="unsafe")
            q += ((r != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))).astype(npdt)
            return q


def _remlike(cls, cls0, input, other, fname):
    a, b, dt = _prep(input, other, fname, scalar_input=fname != "fmod")
    if isinstance(b, Tensor):
        return _run(cls, (a, b), dt)
    return _run(cls0, (a,), b, dt)


def remainder(input, other, *, out=None):
    """Python-style modulus: the result has the sign of ``other``.

    >>> ember.remainder(ember.tensor([-3, -1, 4]), 3)
    tensor([0, 2, 1])
    """
    return _out(_remlike(Remainder, Remainder0, input, other, "remainder"), out)


def fmod(input, other, *, out=None):
    """C-style modulus: the result has the sign of ``input``.

    >>> ember.fmod(ember.tensor([-3, -1, 4]), 3)
    tensor([ 0, -1,  1])
    """
    return _out(_remlike(Fmod, Fmod0, input, other, "fmod"), out)


def floor_divide(input, other, *, out=None):
    """``floor(input / other)``, integer for integer inputs.

    >>> ember.floor_divide(ember.tensor([-7, 7]), 2)
    tensor([-4,  3])
    """
    return _out(_bin(DivFloor, input, other, "floor_divide"), out)


def _div_trunc(input, other):
    """``trunc(input / other)``: ``div(rounding_mode='trunc')``.

    >>> ember.ops.elementwise_more._div_trunc(ember.tensor([-7, 7]), 2)
    tensor([-3,  3])
    """
    return _bin(DivTrunc, input, other, "div")


# ---------------------------------------------------------------- float_power / lerp / addc*
def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in double precision (float64, or complex128).

    >>> ember.float_power(ember.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=torch.float64)
    """
    with _ign():  # pow warns on 0 ** -1 and negative ** fraction; torch gives inf/NaN silently
        return _float_power(input, exponent, out)


def _float_power(input, exponent, out):
    from .elementwise import pow as _pow

    def up(x):
        if isinstance(x, Tensor):
            t = D.complex128 if x._data.dtype.kind == "c" else D.float64
            return x if x._data.dtype == t.np else x.to(t)
        if isinstance(x, builtins.complex):
            return x
        return builtins.float(x)
    if isinstance(exponent, Tensor) and not isinstance(input, Tensor):
        if isinstance(input, builtins.complex):
            return _out(_pow(input, exponent.to(D.complex128)), out)
        return _out(_pow(up(input), up(exponent)), out)
    _check_tensor(input, "float_power")
    if isinstance(exponent, builtins.complex) or (isinstance(exponent, Tensor) and
                                                  exponent._data.dtype.kind == "c"):
        input = input.to(D.complex128)
    b = up(exponent)
    if isinstance(b, Tensor) and input._data.dtype.kind == "c":
        b = b.to(D.complex128)
    a = up(input)
    if isinstance(b, Tensor) and a._data.dtype != b._data.dtype:
        a = a.to(D.complex128)
        b = b.to(D.complex128)
    return _out(_pow(a, b), out)


def float_power_(input, exponent):
    """In-place :func:`float_power`; ``input`` must already be float64 (or complex128).

    >>> t = ember.tensor([2., 3.], dtype=ember.float64); _ = t.float_power_(2); t
    tensor([4., 9.], dtype=torch.float64)
    """
    k = input._data.dtype
    want = np.complex128 if (k.kind == "c" or isinstance(exponent, builtins.complex) or (
        isinstance(exponent, Tensor) and exponent._data.dtype.kind == "c")) else np.float64
    if k != want:
        raise RuntimeError(f"the base given to float_power_ has dtype {_tn(k)} but the operation's "
                           f"result requires dtype {_tn(np.dtype(want))}")
    return _inplace(float_power)(input, exponent)


def _lerp_np(a, e, w, npdt):
    d = _ucall(np.subtract, e, a, npdt)
    if not isinstance(w, np.ndarray):  # one branch for a scalar weight
        if builtins.abs(w) < 0.5:
            r = _ucall(np.add, a, _ucall(np.multiply, d, w, npdt), npdt)
        else:
            r = _ucall(np.subtract, e, _ucall(np.multiply, d, 1 - w, npdt), npdt)
        return r if r.__class__ is np.ndarray else np.asarray(r)
    with _ign():
        lo = _ucall(np.add, a, _ucall(np.multiply, w, d, npdt), npdt)
        hi = _ucall(np.subtract, e, _ucall(np.multiply, d, _ucall(np.subtract, 1, w, npdt), npdt), npdt)
    return np.where(np.abs(w) < 0.5, lo, hi).astype(npdt, copy=False)


class LerpS(Op):
    _name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, e, w, npdt):
        ctx.save_for_backward(a, e)
        ctx.w = w
        return _lerp_np(a, e, w, npdt)

    @staticmethod
    def backward(ctx, g):
        w = ctx.w
        return (g * (1 - w) if _needs(ctx, 0) else None), (g * w if _needs(ctx, 1) else None)


class LerpT(Op):
    _name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, e, w, npdt):
        ctx.save_for_backward(a, e, w)
        return _lerp_np(a, e, w, npdt)

    @staticmethod
    def backward(ctx, g):
        a, e, w = ctx.saved_tensors
        return (g * (1 - w) if _needs(ctx, 0) else None, g * w if _needs(ctx, 1) else None,
                g * (e - a) if _needs(ctx, 2) else None)


def lerp(input, end, weight, *, out=None):
    """Linear interpolation ``input + weight * (end - input)``; weight a number or tensor.

    >>> ember.lerp(ember.tensor([0., 10.]), ember.tensor([10., 20.]), 0.25)
    tensor([ 2.5000, 12.5000])
    """
    _check_tensor(input, "lerp")
    _check_tensor(end, "lerp", 2, "end")
    adt = input._data.dtype
    for what, x in (("end", end), ("weight", weight)):
        if isinstance(x, Tensor) and x._data.dtype != adt:
            raise RuntimeError(f"expected dtype {_cname(adt)} for `{what}` but got dtype "
                               f"{_cname(x._data.dtype)}")
    if adt.kind not in "fcV":
        _not_impl("lerp_kernel_scalar" if not isinstance(weight, Tensor) else "lerp_kernel_tensor", adt)
    if isinstance(weight, Tensor):
        return _out(_run(LerpT, (input, end, weight), adt), out)
    return _out(_run(LerpS, (input, end), weight, adt), out)


class Addcmul(Op):
    @staticmethod
    def forward(ctx, a, t1, t2, value, npdt):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        p = _ucall(np.multiply, t1, t2, npdt)
        if value != 1:
            p = _ucall(np.multiply, p, value, npdt)
        return _ucall(np.add, a, p, npdt)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        gv = g * v if v != 1 else g
        return (g if _needs(ctx, 0) else None, gv * t2 if _needs(ctx, 1) else None,
                gv * t1 if _needs(ctx, 2) else None)


class Addcdiv(Op):
    @staticmethod
    def forward(ctx, a, t1, t2, value, npdt):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        with _ign():
            p = _ucall(np.true_divide, t1, t2, npdt)
        if value != 1:
            p = _ucall(np.multiply, p, value, npdt)
        return _ucall(np.add, a, p, npdt)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        gv = g * v if v != 1 else g
        return (g if _needs(ctx, 0) else None, gv / t2 if _needs(ctx, 1) else None,
                -gv * t1 / (t2 * t2) if _needs(ctx, 2) else None)


def _addc(cls, input, tensor1, tensor2, value, fname):
    _check_tensor(input, fname)
    _check_tensor(tensor1, fname, 2, "tensor1")
    _check_tensor(tensor2, fname, 3, "tensor2")
    dt = D.result_type(input, tensor1, tensor2)
    if dt._cat == 0:
        _not_impl("addcmul_cpu_out" if cls is Addcmul else "addcdiv_cpu_out", dt.np)
    if cls is Addcdiv and tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    if dt._cat <= 1 and isinstance(value, builtins.float):
        raise RuntimeError("For integral input tensors, argument value must not be a floating point number.")
    return _run(cls, (input, tensor1, tensor2), value, dt.np)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``.

    >>> ember.addcmul(ember.tensor([1., 1.]), ember.tensor([2., 3.]), ember.tensor([4., 5.]), value=0.5)
    tensor([5.0000, 8.5000])
    """
    return _out(_addc(Addcmul, input, tensor1, tensor2, value, "addcmul"), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``.

    >>> ember.addcdiv(ember.tensor([1., 1.]), ember.tensor([2., 3.]), ember.tensor([4., 6.]), value=2)
    tensor([2., 2.])
    """
    return _out(_addc(Addcdiv, input, tensor1, tensor2, value, "addcdiv"), out)


# ---------------------------------------------------------------- where
class Where(Op):
    @staticmethod
    def forward(ctx, x, y, cond, npdt):
        ctx.save_for_backward(cond)
        if x.dtype != y.dtype:  # cast first: NumPy does not promote ml_dtypes' bfloat16
            x, y = _as_np(x, npdt), _as_np(y, npdt)
        return np.where(cond, x, y).astype(npdt, copy=False)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        z = np.zeros((), g._data.dtype)
        gx = _wrap(np.where(cond._data, g._data, z)) if _needs(ctx, 0) else None
        gy = _wrap(np.where(cond._data, z, g._data)) if _needs(ctx, 1) else None
        if _state[0]:  # create_graph: keep the graph through g
            gx = where(cond, g, 0.0) if gx is not None else None
            gy = where(cond, 0.0, g) if gy is not None else None
        return gx, gy


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other`` (either may be a number).
    With only ``condition``, the indices of its nonzero elements (``nonzero(as_tuple=True)``).

    >>> ember.where(ember.tensor([True, False]), ember.tensor([1., 2.]), 0)
    tensor([1., 0.])
    >>> ember.where(ember.tensor([0, 3, 5]) > 1)
    (tensor([1, 2]),)
    """
    if input is None and other is None:
        c = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(_wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(np.atleast_1d(c) if c.ndim == 0 else c))
    if input is None or other is None:
        raise TypeError("where() missing required argument 'input' or 'other'")
    if not isinstance(condition, Tensor):
        condition = as_tensor_like(condition)
    c = condition._data
    if c.dtype.kind != "b":
        if c.dtype == np.uint8:
            import warnings
            warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and "
                          "will be removed in a future version of PyTorch. Use a boolean condition instead.")
            c = c.astype(bool)
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                               f"with dtype {_tn(c.dtype)}")
    dt = D.result_type(input, other)
    npdt = dt.np
    x = input if isinstance(input, Tensor) else _wrap(np.asarray(_where_scalar(input, dt), dtype=npdt))
    y = other if isinstance(other, Tensor) else _wrap(np.asarray(_where_scalar(other, dt), dtype=npdt))
    try:
        r = apply_op(Where, (x, y), c, npdt)
    except ValueError:
        err = _bshape_error(c.shape, x._data.shape, y._data.shape)
        if err is not None:
            raise err from None
        raise
    return _out(r, out)


_where_scalar = D.checked_scalar


def _where_method(self, condition, other):
    """``self.where(condition, other)`` is ``where(condition, self, other)``."""
    return where(condition, self, other)


# ---------------------------------------------------------------- logical and bitwise (no grad)
def _logical(ufunc, input, other, fname):
    _check_tensor(input, fname)
    _check_tensor(other, fname, 2, "other")
    try:
        return _wrap(ufunc(input._data, other._data))
    except ValueError:
        err = _bshape_error(input._data.shape, other._data.shape)
        if err is not None:
            raise err from None
        raise


def logical_and(input, other, *, out=None):
    """Elementwise logical AND of the truth values (nonzero is True); a bool tensor.

    >>> ember.logical_and(ember.tensor([1, 0, 2]), ember.tensor([True, True, False]))
    tensor([ True, False, False])
    """
    return _out(_logical(np.logical_and, input, other, "logical_and"), out)


def logical_or(input, other, *, out=None):
    """Elementwise logical OR.

    >>> ember.logical_or(ember.tensor([1, 0, 0]), ember.tensor([0., 1., 0.]))
    tensor([ True,  True, False])
    """
    return _out(_logical(np.logical_or, input, other, "logical_or"), out)


def logical_xor(input, other, *, out=None):
    """Elementwise logical XOR.

    >>> ember.logical_xor(ember.tensor([1, 0, 1]), ember.tensor([1, 1, 0]))
    tensor([False,  True,  True])
    """
    return _out(_logical(np.logical_xor, input, other, "logical_xor"), out)


def logical_not(input, *, out=None):
    """Elementwise logical NOT; a bool tensor.

    >>> ember.logical_not(ember.tensor([0., 2.]))
    tensor([ True, False])
    """
    _check_tensor(input, "logical_not")
    return _out(_wrap(np.logical_not(input._data)), out)


def _bitwise(ufunc, input, other, kernel, fname):
    if not isinstance(input, Tensor):
        if isinstance(other, Tensor) and isinstance(input, _SCALARS):
            input = _lift(input, other)
        else:
            _check_tensor(input, fname)
    if not isinstance(other, Tensor) and not isinstance(other, _SCALARS):
        other = as_tensor_like(other)
    dt = binary_result(input, other)[0]
    if dt._cat >= 2:
        _not_impl(kernel, dt.np)
    b = _arr(other)
    try:
        if b.__class__ in (builtins.int, builtins.bool) and dt._cat == 1:
            b = _wrap_int(b, dt.np)
        return _wrap(_ucall(ufunc, input._data, b, dt.np, casting="unsafe"))
    except ValueError:
        err = _bshape_error(input._data.shape, np.shape(b))
        if err is not None:
            raise err from None
        raise


def bitwise_and(input, other, *, out=None):
    """Elementwise bitwise AND of integer or bool tensors (``&``).

    >>> ember.bitwise_and(ember.tensor([12, 10]), 6)
    tensor([4, 2])
    """
    return _out(_bitwise(np.bitwise_and, input, other, "bitwise_and_cpu", "bitwise_and"), out)


def bitwise_or(input, other, *, out=None):
    """Elementwise bitwise OR (``|``).

    >>> ember.bitwise_or(ember.tensor([12, 10]), 1)
    tensor([13, 11])
    """
    return _out(_bitwise(np.bitwise_or, input, other, "bitwise_or_cpu", "bitwise_or"), out)


def bitwise_xor(input, other, *, out=None):
    """Elementwise bitwise XOR (``^``).

    >>> ember.bitwise_xor(ember.tensor([True, False]), ember.tensor([True, True]))
    tensor([False,  True])
    """
    return _out(_bitwise(np.bitwise_xor, input, other, "bitwise_xor_cpu", "bitwise_xor"), out)


def bitwise_not(input, *, out=None):
    """Elementwise bitwise NOT (``~``); logical NOT for bool tensors.

    >>> ember.bitwise_not(ember.tensor([0, -3]))
    tensor([-1,  2])
    """
    _check_tensor(input, "bitwise_not")
    d = input._data
    if d.dtype.kind not in "biu":
        _not_impl("bitwise_not_cpu", d.dtype)
    return _out(_wrap(np.invert(d)), out)


def _shift(left, input, other, fname):
    kernel = "lshift_cpu" if left else "rshift_cpu"
    if not isinstance(input, Tensor):
        if isinstance(other, Tensor) and isinstance(input, _SCALARS):
            input = _lift(input, other)
        else:
            _check_tensor(input, fname)
    if not isinstance(other, Tensor) and not isinstance(other, _SCALARS):
        other = as_tensor_like(other)
    dt = binary_result(input, other)[0]
    if dt._cat != 1:
        _not_impl(kernel, dt.np)
    npdt = dt.np
    a = input._data.astype(npdt, copy=False)
    b = np.asarray(_arr(other)).astype(npdt, copy=False)
    bits = npdt.itemsize * 8
    try:
        neg = b < 0
        s = np.clip(b, 0, bits - 1)
        if left:
            r = np.where(neg | (b >= bits), np.zeros((), npdt), np.left_shift(a, s))
        else:  # past the width (or negative): 0, or -1 for negative signed values
            r = np.right_shift(a, np.where(neg, bits - 1, s))
            if npdt.kind == "u":
                r = np.where(neg | (b >= bits), np.zeros((), npdt), r)
    except ValueError:
        err = _bshape_error(a.shape, b.shape)
        if err is not None:
            raise err from None
        raise
    r = np.asarray(r).astype(dt.np, copy=False)
    return _wrap(r)


def bitwise_left_shift(input, other, *, out=None):
    """``input << other`` for integer tensors (shifts past the width give 0).

    >>> ember.bitwise_left_shift(ember.tensor([1, 3]), 2)
    tensor([ 4, 12])
    """
    return _out(_shift(True, input, other, "bitwise_left_shift"), out)


def bitwise_right_shift(input, other, *, out=None):
    """``input >> other``, arithmetic for signed integers.

    >>> ember.bitwise_right_shift(ember.tensor([-8, 8]), 2)
    tensor([-2,  2])
    """
    return _out(_shift(False, input, other, "bitwise_right_shift"), out)


def _invert(self):
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


def _inplace_logical(fn):
    def method(self, other):
        _inplace_precheck(self, (other,), dtype_check=not fn.__name__.startswith("logical"))

        def f(s):
            r = fn(s, other)
            _broadcast_inplace_check(s, r)
            return r
        return inplace_op(self, f)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}` (keeps the dtype of ``self``)."
    return method


# ---------------------------------------------------------------- heaviside / gcd / lcm / ldexp / nextafter / frexp
def _two_tensors(input, other, fname):
    _check_tensor(input, fname)
    _check_tensor(other, fname, 2, "other")
    err = _bshape_error(input._data.shape, other._data.shape)
    if err is not None:
        raise err
    return input._data, other._data


def heaviside(input, values, *, out=None):
    """The Heaviside step: 0 where ``input < 0``, ``values`` where it is 0, 1 where ``> 0``.

    >>> ember.heaviside(ember.tensor([-1.5, 0., 2.]), ember.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    a, v = _two_tensors(input, values, "heaviside")
    if a.dtype != v.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if a.dtype.kind == "c":
        _not_impl("heaviside_cpu", a.dtype)
    r = np.asarray(np.where(a == 0, v, (a > 0).astype(a.dtype)).astype(a.dtype, copy=False))
    return _out(apply_op(Heaviside, (input, values), r), out)


class Heaviside(Op):
    """Records the node PyTorch records: the output requires grad, backward is an error."""

    _name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, v, r):
        return r

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


class Nextafter(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        with _ign():
            r = np.nextafter(a, b, dtype=dt.np)
        return r if r.__class__ is np.ndarray else np.asarray(r)

    @staticmethod
    def backward(ctx, g):
        return g, (_zeros(g) if _needs(ctx, 1) else None)


def _gcdlike(ufunc, input, other, fname):
    a, b = _two_tensors(input, other, fname)
    dt = binary_result(input, other)[0]
    if dt._cat != 1:
        _not_impl(fname + "_cpu", dt.np)
    return _wrap(np.asarray(ufunc(a.astype(dt.np, copy=False), b.astype(dt.np, copy=False))))


def gcd(input, other, *, out=None):
    """Greatest common divisor of integer tensors (always >= 0).

    >>> ember.gcd(ember.tensor([12, -18, 0]), ember.tensor([8, 12, 5]))
    tensor([4, 6, 5])
    """
    return _out(_gcdlike(np.gcd, input, other, "gcd"), out)


def lcm(input, other, *, out=None):
    """Least common multiple of integer tensors (always >= 0).

    >>> ember.lcm(ember.tensor([12, -18, 0]), ember.tensor([8, 12, 5]))
    tensor([24, 36,  0])
    """
    return _out(_gcdlike(np.lcm, input, other, "lcm"), out)


class Ldexp(Op):
    @staticmethod
    def forward(ctx, a, b, npdt):
        if b.dtype.kind == "b" and a.dtype.kind == "f":
            _not_impl("ldexp_cpu_exp", b.dtype)
        with _ign():
            p = np.exp2(b, dtype=b.dtype if b.dtype.kind == "f" and b.dtype.itemsize >= 4 else npdt)
            if b.dtype == np.float16:
                p = np.exp2(b.astype(np.float32)).astype(np.float16)
            out = _ucall(np.multiply, a, p, npdt)
        ctx.save_for_backward(p, out)
        return out if out.__class__ is np.ndarray else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        p, out = ctx.saved_tensors
        return (g * p if _needs(ctx, 0) else None), (g * out * _LN2 if _needs(ctx, 1) else None)


def ldexp(input, other, *, out=None):
    """``input * 2 ** other`` (a float result).

    >>> ember.ldexp(ember.tensor([1., 3.]), ember.tensor([2, 3]))
    tensor([ 4., 24.])
    """
    _two_tensors(input, other, "ldexp")
    dt = _float_dt(binary_result(input, other)[0])
    return _out(_run(Ldexp, (input, other), dt.np), out)


def nextafter(input, other, *, out=None):
    """The next representable float after ``input`` towards ``other`` (gradient: identity in
    ``input``, as torch).

    >>> ember.nextafter(ember.tensor([1.], dtype=ember.float64), ember.tensor([2.], dtype=ember.float64)) - 1
    tensor([2.2204e-16], dtype=torch.float64)
    """
    _two_tensors(input, other, "nextafter")
    dt = binary_result(input, other)[0]
    if dt._cat != 2:
        _not_impl("nextafter_cpu", dt.np)
    return _out(_run(Nextafter, (input, other), dt), out)


class Frexp(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind not in "fV":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        with _ign():
            m, e = np.frexp(a if a.dtype.itemsize >= 2 and a.dtype.kind == "f" else a.astype(np.float32))
        m = np.asarray(m).astype(a.dtype, copy=False)
        e = np.asarray(e).astype(np.int32, copy=False)
        with _ign():
            ctx.save_for_backward(np.ldexp(1.0, -e).astype(a.dtype))
        ctx.mark_non_differentiable(e)
        return m, e

    @staticmethod
    def backward(ctx, gm, ge=None):
        scale, = ctx.saved_tensors
        return gm * scale


def frexp(input, *, out=None):
    """Split ``input`` into a mantissa in ``[0.5, 1)`` (by magnitude) and an int32 exponent
    with ``input = mantissa * 2 ** exponent``.

    >>> ember.frexp(ember.tensor([8., -3.]))
    torch.return_types.frexp(
    mantissa=tensor([ 0.5000, -0.7500]),
    exponent=tensor([4, 2], dtype=torch.int32))
    """
    from ..return_types import frexp as _rt
    _check_tensor(input, "frexp")
    m, e = apply_op(Frexp, (input,))
    if out is not None:
        _out(m, out[0])
        _out(e, out[1])
        return _rt(tuple(out))
    return _rt((m, e))


# ---------------------------------------------------------------- predicates (no grad)
def isnan(input):
    """True where ``input`` is NaN.

    >>> ember.isnan(ember.tensor([1., float('nan')]))
    tensor([False,  True])
    """
    _check_tensor(input, "isnan")
    d = input._data
    if d.dtype.kind in "biu":
        return _wrap(np.zeros(d.shape, bool))
    return _wrap(np.isnan(d))


def isinf(input):
    """True where ``input`` is +inf or -inf.

    >>> ember.isinf(ember.tensor([1., float('-inf')]))
    tensor([False,  True])
    """
    _check_tensor(input, "isinf")
    d = input._data
    if d.dtype.kind in "biu":
        return _wrap(np.zeros(d.shape, bool))
    return _wrap(np.isinf(d))


def isposinf(input, *, out=None):
    """True where ``input`` is +inf.

    >>> ember.isposinf(ember.tensor([float('inf'), float('-inf')]))
    tensor([ True, False])
    """
    _check_tensor(input, "isposinf")
    d = input._data
    if d.dtype.kind in "biu":
        return _out(_wrap(np.zeros(d.shape, bool)), out)
    return _out(_wrap(d == np.inf), out)


def isneginf(input, *, out=None):
    """True where ``input`` is -inf.

    >>> ember.isneginf(ember.tensor([float('inf'), float('-inf')]))
    tensor([False,  True])
    """
    _check_tensor(input, "isneginf")
    d = input._data
    if d.dtype.kind in "biu":
        return _out(_wrap(np.zeros(d.shape, bool)), out)
    return _out(_wrap(d == -np.inf), out)


def isfinite(input):
    """True where ``input`` is neither inf nor NaN.

    >>> ember.isfinite(ember.tensor([1., float('inf'), float('nan')]))
    tensor([ True, False, False])
    """
    _check_tensor(input, "isfinite")
    d = input._data
    if d.dtype.kind in "biu":
        return _wrap(np.ones(d.shape, bool))
    return _wrap(np.isfinite(d))


def isreal(input):
    """True where ``input`` has zero imaginary part (everywhere for real dtypes).

    >>> ember.isreal(ember.tensor([1+0j, 1j]))
    tensor([ True, False])
    """
    _check_tensor(input, "isreal")
    d = input._data
    if d.dtype.kind == "c":
        return _wrap(d.imag == 0)
    return _wrap(np.ones(d.shape, bool))


def signbit(input, *, out=None):
    """True where the sign bit is set (including ``-0.``).

    >>> ember.signbit(ember.tensor([-0., 0., -2.]))
    tensor([ True, False,  True])
    """
    _check_tensor(input, "signbit")
    d = input._data
    if d.dtype.kind == "b" or d.dtype.kind == "u":
        return _out(_wrap(np.zeros(d.shape, bool)), out)
    if d.dtype.kind == "i":
        return _out(_wrap(d < 0), out)
    if d.dtype.kind == "c":
        raise RuntimeError("signbit is not implemented for complex tensors.")
    return _out(_wrap(np.signbit(d if d.dtype.itemsize >= 2 and d.dtype.kind == "f"
                                 else d.astype(np.float32))), out)


def _same_dtype(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{_tn(a._data.dtype)} did not match {_tn(b._data.dtype)}")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (inf equal to itself).

    >>> ember.isclose(ember.tensor([1., 1.1]), ember.tensor([1.000001, 1.]))
    tensor([ True, False])
    """
    _check_tensor(input, "isclose")
    _check_tensor(other, "isclose", 2, "other")
    _same_dtype(input, other)
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = input._data, other._data
    err = _bshape_error(a.shape, b.shape)
    if err is not None:
        raise err
    if a.dtype.kind == "b":
        return _wrap(np.broadcast_to(a == b, np.broadcast_shapes(a.shape, b.shape)).copy())
    if a.dtype.kind in "iu":
        a, b = a.astype(np.float64), b.astype(np.float64)
    elif a.dtype.itemsize < 4 and a.dtype.kind == "f" or a.dtype.kind == "V":
        a, b = a.astype(np.float32), b.astype(np.float32)
    with _ign():
        r = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return _wrap(np.asarray(r))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element of ``input`` is close to ``other`` (a Python bool).

    >>> ember.allclose(ember.tensor([1., 2.]), ember.tensor([1., 2.000001]))
    True
    """
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both tensors have the same shape and the same values (a Python bool).

    >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1., 2.]))
    True
    """
    _check_tensor(input, "equal")
    _check_tensor(other, "equal", 2, "other")
    a, b = input._data, other._data
    if a.shape != b.shape:
        return False
    return builtins.bool(np.array_equal(a, b))


class NanToNum(Op):
    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        if a.dtype.kind in "biu":
            return a.copy()
        if a.dtype.kind == "V":  # ml_dtypes' bfloat16: NumPy's nan_to_num leaves it unchanged
            import ml_dtypes
            fi = ml_dtypes.finfo(a.dtype)
            out = a.copy()
            out[np.isnan(a)] = nan
            out[np.isposinf(a)] = fi.max if posinf is None else posinf
            out[np.isneginf(a)] = fi.min if neginf is None else neginf
            return out
        return np.nan_to_num(a, copy=True, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return where(isfinite(a), g, 0.0)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN by ``nan``, +inf/-inf by ``posinf``/``neginf`` (default: the dtype's
    largest/smallest finite value).

    >>> ember.nan_to_num(ember.tensor([float('nan'), float('inf'), 1.]), posinf=9.)
    tensor([0., 9., 1.])
    """
    _check_tensor(input, "nan_to_num")
    return _out(apply_op(NanToNum, (input,), nan, posinf, neginf), out)


def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    """In-place :func:`nan_to_num`.

    >>> t = ember.tensor([float('nan'), 1.]); _ = t.nan_to_num_(); t
    tensor([0., 1.])
    """
    return inplace_op(input, lambda s: nan_to_num(s, nan, posinf, neginf))


# ---------------------------------------------------------------- Tensor methods and dunders
def _u_inplace(fn):
    def method(self, *args, **kw):
        return inplace_op(self, lambda s: fn(s, *args, **kw))
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


def _r(fn):
    def r(self, other):
        return fn(other, self)
    r.__name__ = "__r" + fn.__name__ + "__"
    return r


_UNARY = {"exp2": exp2, "expm1": expm1, "log2": log2, "log10": log10, "log1p": log1p, "tan": tan,
          "asin": asin, "arcsin": asin, "acos": acos, "arccos": acos, "atan": atan, "arctan": atan,
          "sinh": sinh, "cosh": cosh, "asinh": asinh, "arcsinh": asinh, "acosh": acosh,
          "arccosh": acosh, "atanh": atanh, "arctanh": atanh, "erf": erf, "erfc": erfc,
          "erfinv": erfinv, "sign": sign, "sgn": sgn, "floor": floor, "ceil": ceil, "round": round,
          "trunc": trunc, "fix": trunc, "frac": frac, "logit": logit, "sinc": sinc,
          "deg2rad": deg2rad, "rad2deg": rad2deg, "nan_to_num": nan_to_num, "lgamma": lgamma,
          "digamma": digamma}
_BINARY = {"atan2": atan2, "arctan2": atan2, "hypot": hypot, "remainder": remainder,
           "fmod": fmod, "floor_divide": floor_divide, "copysign": copysign, "xlogy": xlogy,
           "lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv}

TENSOR_METHODS = dict(_UNARY)
TENSOR_METHODS.update({k + "_": _u_inplace(v) for k, v in _UNARY.items() if k != "nan_to_num"})
TENSOR_METHODS.update(_BINARY)
TENSOR_METHODS.update({k + "_": _inplace(v, k) for k, v in _BINARY.items()})
TENSOR_METHODS.update({
    "positive": positive, "nan_to_num_": nan_to_num_, "mvlgamma": mvlgamma,
    "polygamma": lambda self, n: polygamma(n, self),
    "polygamma_": lambda self, n: inplace_op(self, lambda s: polygamma(n, s)),
    "mvlgamma_": lambda self, p: inplace_op(self, lambda s: mvlgamma(s, p)), "float_power": float_power,
    "float_power_": float_power_, "logaddexp": logaddexp, "logaddexp2": logaddexp2,
    "clamp": clamp, "clip": clamp, "clamp_min": clamp_min, "clamp_max": clamp_max,
    "clamp_": clamp_, "clip_": clamp_, "clamp_min_": clamp_min_, "clamp_max_": clamp_max_,
    "maximum": maximum, "minimum": minimum, "fmax": fmax, "fmin": fmin, "where": _where_method,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "logical_not": logical_not, "logical_and_": _inplace_logical(logical_and),
    "logical_or_": _inplace_logical(logical_or), "logical_xor_": _inplace_logical(logical_xor),
    "logical_not_": _u_inplace(logical_not),
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "bitwise_not": bitwise_not, "bitwise_left_shift": bitwise_left_shift,
    "bitwise_right_shift": bitwise_right_shift,
    "bitwise_and_": _inplace_logical(bitwise_and), "bitwise_or_": _inplace_logical(bitwise_or),
    "bitwise_xor_": _inplace_logical(bitwise_xor), "bitwise_not_": _u_inplace(bitwise_not),
    "bitwise_left_shift_": _inplace_logical(bitwise_left_shift),
    "bitwise_right_shift_": _inplace_logical(bitwise_right_shift),
    "isnan": isnan, "isinf": isinf, "isposinf": isposinf, "isneginf": isneginf,
    "isfinite": isfinite, "isreal": isreal, "signbit": signbit, "isclose": isclose,
    "allclose": allclose, "equal": equal,
    "__and__": bitwise_and, "__or__": bitwise_or, "__xor__": bitwise_xor, "__invert__": _invert,
    "__rand__": _r(bitwise_and), "__ror__": _r(bitwise_or), "__rxor__": _r(bitwise_xor),
    "__iand__": _inplace_logical(bitwise_and), "__ior__": _inplace_logical(bitwise_or),
    "__ixor__": _inplace_logical(bitwise_xor),
    "__mod__": remainder, "__rmod__": _r(remainder), "__imod__": _inplace(remainder),
    "__floordiv__": floor_divide, "__rfloordiv__": _r(floor_divide),
    "__ifloordiv__": _inplace(floor_divide),
    "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift,
    "__rlshift__": _r(bitwise_left_shift), "__rrshift__": _r(bitwise_right_shift),
    "__ilshift__": _inplace_logical(bitwise_left_shift),
    "__irshift__": _inplace_logical(bitwise_right_shift),
    "__pos__": positive,
    "heaviside": heaviside, "gcd": gcd, "lcm": lcm, "ldexp": ldexp, "nextafter": nextafter,
    "frexp": frexp, "heaviside_": _inplace(heaviside), "gcd_": _inplace(gcd), "lcm_": _inplace(lcm),
    "ldexp_": _inplace(ldexp), "nextafter_": _inplace(nextafter),
})

# Top-level in-place functions (``ember.erf_(t)``), the same objects as the Tensor methods.
_TOP_INPLACE = {n: "ember.tensor([0.5])" for n in (
    "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "asin_", "asinh_", "atan_", "atanh_", "ceil_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_",
    "expm1_", "fix_", "floor_", "frac_", "log10_", "log1p_", "log2_", "logit_", "rad2deg_",
    "round_", "sinc_", "sinh_", "tan_", "trunc_")}
_TOP_INPLACE.update({"gcd_": "ember.tensor([12]), ember.tensor([8])",
                     "lcm_": "ember.tensor([4]), ember.tensor([6])",
                     "ldexp_": "ember.tensor([1.5]), ember.tensor([2])",
                     "xlogy_": "ember.tensor([1.5]), 2.0"})
for _n, _ex in _TOP_INPLACE.items():
    _f = TENSOR_METHODS[_n]
    _f.__doc__ = (f"In-place :func:`{_n[:-1]}` (also ``Tensor.{_n}``); returns its first argument.\n\n"
                  f"    >>> args = ({_ex},)\n"
                  f"    >>> ember.{_n}(*args) is args[0]\n"
                  f"    True\n")
    _f.__qualname__ = _f.__name__ = _n
    globals()[_n] = _f
    __all__.append(_n)
del _n, _ex, _f
