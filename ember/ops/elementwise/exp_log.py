"""Exponentials, logarithms and powers: exp2, expm1, log2, log10, log1p, logit, logaddexp,
logaddexp2, xlogy and float_power, with their in-place forms.

Forward on arrays (in float32 for half precision; float32 log2/log10 via float64), backward
in Tensor ops.

>>> x = ember.tensor([0., 1.], requires_grad=True)
>>> ember.log1p(x).sum().backward(); x.grad
tensor([1.0000, 0.5000])
>>> ember.xlogy(ember.tensor([0., 2.]), ember.tensor([0., 3.]))
tensor([0.0000, 2.1972])
"""
import builtins
import math

from .._util import np, D, Tensor, Op
from .arithmetic import _out, _needs
from .elementwise_more import (_LN2, _LN10, _tn, _flt, _ign, _check_tensor, _unary, _not_impl,
                               _fbin, _float_dt, _prep, _run, _bin, _inplace, _u_inplace,
                               _export_inplace, where)

__all__ = ["exp2", "expm1", "log2", "log10", "log1p", "logit", "logaddexp", "logaddexp2", "xlogy",
           "float_power"]


def _via64(fn):
    """``fn`` computed in float64 for float32 input (NumPy's float32 log2/log10 are off by an
    ulp at exact powers), rounded back."""
    def g(a):
        if a.dtype == np.float32:
            return fn(a.astype(np.float64)).astype(np.float32)
        return fn(a)
    return g


_log2_64, _log10_64 = _via64(np.log2), _via64(np.log10)


# ---------------------------------------------------------------- exp / log
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
    return _out(_unary(Exp2, input, "exp2"), out, input)


def expm1(input, *, out=None):
    """``exp(input) - 1``, accurate near zero.

    >>> ember.expm1(ember.tensor([0., 1.]))
    tensor([0.0000, 1.7183])
    """
    return _out(_unary(Expm1, input, "expm1"), out, input)


def log2(input, *, out=None):
    """Base-2 logarithm.

    >>> ember.log2(ember.tensor([1., 8.]))
    tensor([0., 3.])
    """
    return _out(_unary(Log2, input, "log2"), out, input)


def log10(input, *, out=None):
    """Base-10 logarithm.

    >>> ember.log10(ember.tensor([1., 100.]))
    tensor([0., 2.])
    """
    return _out(_unary(Log10, input, "log10"), out, input)


def log1p(input, *, out=None):
    """``log(1 + input)``, accurate near zero.

    >>> ember.log1p(ember.tensor([0., 1.]))
    tensor([0.0000, 0.6931])
    """
    return _out(_unary(Log1p, input, "log1p"), out, input)


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when eps is given.

    >>> ember.logit(ember.tensor([0.5, 0.75]))
    tensor([0.0000, 1.0986])
    """
    return _out(_unary(Logit, input, "logit", None if eps is None else builtins.float(eps)), out, input)


# ---------------------------------------------------------------- logaddexp / logaddexp2 / xlogy
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


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` computed stably.

    >>> ember.logaddexp(ember.tensor([0., 100.]), ember.tensor([0., 100.]))
    tensor([  0.6931, 100.6931])
    """
    return _out(_bin(Logaddexp, input, other, "logaddexp", True), out, input, other)


def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)`` computed stably.

    >>> ember.logaddexp2(ember.tensor([1.]), ember.tensor([1.]))
    tensor([2.])
    """
    return _out(_bin(Logaddexp2, input, other, "logaddexp2", True), out, input, other)


def xlogy(input, other, *, out=None):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.xlogy(ember.tensor([0., 2.]), ember.tensor([0., 3.]))
    tensor([0.0000, 2.1972])
    """
    a, b, dt = _prep(input, other, "xlogy", float_op=True)
    if isinstance(b, Tensor):
        return _out(_run(Xlogy, (a, b), dt), out, input, other)
    return _out(_run(Xlogy, (a,), b, dt), out, input, other)


# ---------------------------------------------------------------- float_power
def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in double precision (float64, or complex128).

    >>> ember.float_power(ember.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=torch.float64)
    """
    with _ign():  # pow warns on 0 ** -1 and negative ** fraction; torch gives inf/NaN silently
        return _float_power(input, exponent, out)


def _float_power(input, exponent, out):
    from .arithmetic import pow as _pow

    def up(x):
        if isinstance(x, Tensor):
            t = D.complex128 if x._data.dtype.kind == "c" else D.float64
            return x if x._data.dtype == t.np else x.to(t)
        if isinstance(x, builtins.complex):
            return x
        return builtins.float(x)
    if isinstance(exponent, Tensor) and not isinstance(input, Tensor):
        if isinstance(input, builtins.complex):
            return _out(_pow(input, exponent.to(D.complex128)), out, input, exponent)
        return _out(_pow(up(input), up(exponent)), out, input, exponent)
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
    return _out(_pow(a, b), out, input, exponent)


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


# ---------------------------------------------------------------- Tensor methods
_UNARY = {"exp2": exp2, "expm1": expm1, "log2": log2, "log10": log10, "log1p": log1p,
          "logit": logit}

TENSOR_METHODS = dict(_UNARY)
TENSOR_METHODS.update({k + "_": _u_inplace(v) for k, v in _UNARY.items()})
TENSOR_METHODS.update({"xlogy": xlogy, "xlogy_": _inplace(xlogy, "xlogy"), "logaddexp": logaddexp,
                       "logaddexp2": logaddexp2, "float_power": float_power,
                       "float_power_": float_power_})

# Top-level in-place functions (``ember.log2_(t)``), the same objects as the Tensor methods.
_TOP_INPLACE = {n: "ember.tensor([0.5])" for n in (
    "exp2_", "expm1_", "log10_", "log1p_", "log2_", "logit_")}
_TOP_INPLACE["xlogy_"] = "ember.tensor([1.5]), 2.0"
_export_inplace(globals(), _TOP_INPLACE)
