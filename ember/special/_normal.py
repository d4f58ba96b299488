"""The standard normal distribution's functions on float64 arrays: erfcx (scaled complementary
error function), ndtr (CDF), log_ndtr and ndtri (its inverse), built on ember's erf/erfc
kernels so that the tails keep relative accuracy.
"""
import math

from .._backend import np
from ..ops.elementwise import erf_gamma as _EG

_SQRT1_2 = math.sqrt(0.5)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def erfcx_np(x):
    """exp(x^2) erfc(x): direct below 1, the polynomial pieces of erfc divided by exp(-x^2)
    above (so large x neither overflows nor underflows)."""
    x = np.asarray(x, np.float64)
    out = np.empty(x.shape)
    with np.errstate(all="ignore"):
        lo = x < 1
        v = x[lo]
        out[lo] = np.exp(v * v) * _EG._erfc_np(v)
        mid = (x >= 1) & (x < 4)
        out[mid] = _EG._horner((2.0 * x[mid] - 5.0) / 3.0, _EG._ERFCX_B_64)
        hi = x >= 4
        v = x[hi]
        out[hi] = np.where(np.isinf(v), 0.0, _EG._horner(8.0 / v - 1.0, _EG._ERFCX_C_64) / v)
    out[np.isnan(x)] = np.nan
    return out


def ndtr_np(x):
    x = np.asarray(x, np.float64)
    return 0.5 * _EG._erfc_np(-x * _SQRT1_2)


def log_ndtr_np(x):
    """log(ndtr(x)): log1p(-ndtr(-x)) for x > -1, the erfcx form in the left tail."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        right = np.log1p(-0.5 * _EG._erfc_np(x * _SQRT1_2))
        z = -x * _SQRT1_2
        left = np.log(0.5 * erfcx_np(z)) - z * z
        out = np.where(x > -1, right, left)
    out[x == -np.inf] = -np.inf
    return out


def ndtri_np(p):
    """The inverse normal CDF: sqrt(2) erfinv(2q - 1) as a first guess (an asymptotic one in
    the far tail), then Newton steps on log_ndtr(x) = log(q), q = min(p, 1 - p)."""
    p = np.asarray(p, np.float64)
    with np.errstate(all="ignore"):
        upper = p > 0.5
        q = np.where(upper, 1.0 - p, p)     # exact for p in [1/2, 1] (Sterbenz)
        x = math.sqrt(2.0) * _EG._erfinv_np(2.0 * q - 1.0)
        tiny = q < 1e-10
        lq = np.log(q)
        guess = -np.sqrt(-2.0 * lq - np.log(-2.0 * lq) - math.log(2 * math.pi))
        x = np.where(tiny, guess, x)
        for _ in range(3):
            f = log_ndtr_np(x) - lq
            d = np.exp(-0.5 * x * x - _LOG_SQRT_2PI - log_ndtr_np(x))    # pdf / cdf
            step = f / d
            x = np.where(np.isfinite(step) & (q > 0), x - step, x)
        x = np.where(upper, -x, x)
        x = np.where(p == 0, -np.inf, x)
        x = np.where(p == 1, np.inf, x)
        x = np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)
    return x


# ---------------------------------------------------------------- public functions
from ..autograd.function import Op, apply_op              # noqa: E402
from ..ops.elementwise.elementwise_more import _flt, _check_tensor     # noqa: E402
from ._dispatch import put, float_kernel                    # noqa: E402

_TWO_RSQRTPI = 2.0 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT_2_PI = math.sqrt(2 / math.pi)


class Erfcx(Op):
    _name = "SpecialErfcxBackward0"

    @staticmethod
    def forward(ctx, a):
        r = _flt(float_kernel(erfcx_np, "erfcx_cpu"), a)
        ctx.save_for_backward(a, r)
        return r

    @staticmethod
    def backward(ctx, g):
        a, r = ctx.saved_tensors
        return g * (2 * a * r - _TWO_RSQRTPI)


class LogNdtr(Op):
    _name = "SpecialLogNdtrBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(float_kernel(log_ndtr_np, "log_ndtr_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (_SQRT_2_PI / apply_op(Erfcx, (a * -_SQRT1_2,)))


class Ndtri(Op):
    _name = "SpecialNdtriBackward0"

    @staticmethod
    def forward(ctx, a):
        r = _flt(float_kernel(ndtri_np, "ndtri_cpu"), a)
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return g * (_SQRT_2PI * (r * r * 0.5).exp())


def erfcx(input, *, out=None):
    """The scaled complementary error function ``exp(x^2) * erfc(x)``.

    >>> ember.special.erfcx(ember.tensor([0., 1., 100.]))
    tensor([1.0000, 0.4276, 0.0056])
    """
    _check_tensor(input, "erfcx")
    return put(apply_op(Erfcx, (input,)), out)


def ndtr(input, *, out=None):
    """The standard normal CDF, ``(1 + erf(x / sqrt(2))) / 2``.

    >>> ember.special.ndtr(ember.tensor([-1., 0., 1.]))
    tensor([0.1587, 0.5000, 0.8413])
    """
    _check_tensor(input, "ndtr")
    from ..ops.elementwise.erf_gamma import erf
    x = input if input._data.dtype.kind in "fcV" else input.to(_default_float())
    return put((1 + erf(x * _SQRT1_2)) * 0.5, out)


def _default_float():
    from .. import _dtype
    return _dtype._default[0]


def log_ndtr(input, *, out=None):
    """``log(ndtr(x))``, accurate in the left tail.

    >>> ember.special.log_ndtr(ember.tensor([-10., 0.]))
    tensor([-53.2313,  -0.6931])
    """
    _check_tensor(input, "log_ndtr")
    return put(apply_op(LogNdtr, (input,)), out)


def ndtri(input, *, out=None):
    """The inverse of :func:`ndtr` (the standard normal quantile function).

    >>> ember.special.ndtri(ember.tensor([0.025, 0.5, 0.975]))
    tensor([-1.9600,  0.0000,  1.9600])
    """
    _check_tensor(input, "ndtri")
    return put(apply_op(Ndtri, (input,)), out)
