"""Trigonometric and hyperbolic functions: tan, asin/acos/atan, sinh/cosh, asinh/acosh/atanh
(with their ``arc*`` aliases), sinc, deg2rad/rad2deg, and the two-argument atan2/arctan2 and
hypot, with their in-place forms.

Forward on arrays (in float32 for half precision), backward in Tensor ops.

>>> x = ember.tensor([0., 0.5], requires_grad=True)
>>> ember.atanh(x).sum().backward(); x.grad
tensor([1.0000, 1.3333])
>>> ember.atan2(ember.tensor([1.]), ember.tensor([-1.]))
tensor([2.3562])
"""
import math

from .._util import np, Op
from .arithmetic import _out, _needs
from .elementwise_more import (_flt, _ign, _unary, _not_impl, _fbin, _float_dt, _bin, _inplace,
                               _u_inplace, _export_inplace, where)

__all__ = ["tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh", "asinh",
           "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "sinc", "deg2rad", "rad2deg",
           "atan2", "arctan2", "hypot"]


# ---------------------------------------------------------------- trig and hyperbolic functions
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


def tan(input, *, out=None):
    """Tangent.

    >>> ember.tan(ember.tensor([0., 1.]))
    tensor([0.0000, 1.5574])
    """
    return _out(_unary(Tan, input, "tan"), out, input)


def asin(input, *, out=None):
    """Arcsine (``arcsin`` is an alias).

    >>> ember.asin(ember.tensor([0., 1.]))
    tensor([0.0000, 1.5708])
    """
    return _out(_unary(Asin, input, "asin"), out, input)


def acos(input, *, out=None):
    """Arccosine (``arccos`` is an alias).

    >>> ember.acos(ember.tensor([1., 0.]))
    tensor([0.0000, 1.5708])
    """
    return _out(_unary(Acos, input, "acos"), out, input)


def atan(input, *, out=None):
    """Arctangent (``arctan`` is an alias).

    >>> ember.atan(ember.tensor([0., 1.]))
    tensor([0.0000, 0.7854])
    """
    return _out(_unary(Atan, input, "atan"), out, input)


def sinh(input, *, out=None):
    """Hyperbolic sine.

    >>> ember.sinh(ember.tensor([0., 1.]))
    tensor([0.0000, 1.1752])
    """
    return _out(_unary(Sinh, input, "sinh"), out, input)


def cosh(input, *, out=None):
    """Hyperbolic cosine.

    >>> ember.cosh(ember.tensor([0., 1.]))
    tensor([1.0000, 1.5431])
    """
    return _out(_unary(Cosh, input, "cosh"), out, input)


def asinh(input, *, out=None):
    """Inverse hyperbolic sine (``arcsinh`` is an alias).

    >>> ember.asinh(ember.tensor([0., 1.]))
    tensor([0.0000, 0.8814])
    """
    return _out(_unary(Asinh, input, "asinh"), out, input)


def acosh(input, *, out=None):
    """Inverse hyperbolic cosine (``arccosh`` is an alias).

    >>> ember.acosh(ember.tensor([1., 2.]))
    tensor([0.0000, 1.3170])
    """
    return _out(_unary(Acosh, input, "acosh"), out, input)


def atanh(input, *, out=None):
    """Inverse hyperbolic tangent (``arctanh`` is an alias).

    >>> ember.atanh(ember.tensor([0., 0.5]))
    tensor([0.0000, 0.5493])
    """
    return _out(_unary(Atanh, input, "atanh"), out, input)


def sinc(input, *, out=None):
    """Normalised sinc ``sin(pi x) / (pi x)``, 1 at 0.

    >>> ember.sinc(ember.tensor([0., 0.5]))
    tensor([1.0000, 0.6366])
    """
    return _out(_unary(Sinc, input, "sinc"), out, input)


def deg2rad(input, *, out=None):
    """Degrees to radians.

    >>> ember.deg2rad(ember.tensor([180.]))
    tensor([3.1416])
    """
    return _out(_unary(Deg2rad, input, "deg2rad"), out, input)


def rad2deg(input, *, out=None):
    """Radians to degrees.

    >>> ember.rad2deg(ember.tensor([3.14159265]))
    tensor([180.])
    """
    return _out(_unary(Rad2deg, input, "rad2deg"), out, input)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


# ---------------------------------------------------------------- atan2 / hypot
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


def atan2(input, other, *, out=None):
    """The angle of the point ``(other, input)``, i.e. ``atan(input / other)`` in the right
    quadrant (``arctan2`` is an alias).

    >>> ember.atan2(ember.tensor([1., -1.]), ember.tensor([-1., -1.]))
    tensor([ 2.3562, -2.3562])
    """
    return _out(_bin(Atan2, input, other, "atan2", True), out, input, other)


arctan2 = atan2


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)`` without overflow.

    >>> ember.hypot(ember.tensor([3.]), ember.tensor([4.]))
    tensor([5.])
    """
    return _out(_bin(Hypot, input, other, "hypot", True), out, input, other)


# ---------------------------------------------------------------- Tensor methods
_UNARY = {"tan": tan, "asin": asin, "arcsin": asin, "acos": acos, "arccos": acos, "atan": atan,
          "arctan": atan, "sinh": sinh, "cosh": cosh, "asinh": asinh, "arcsinh": asinh,
          "acosh": acosh, "arccosh": acosh, "atanh": atanh, "arctanh": atanh, "sinc": sinc,
          "deg2rad": deg2rad, "rad2deg": rad2deg}
_BINARY = {"atan2": atan2, "arctan2": atan2, "hypot": hypot}

TENSOR_METHODS = dict(_UNARY)
TENSOR_METHODS.update({k + "_": _u_inplace(v) for k, v in _UNARY.items()})
TENSOR_METHODS.update(_BINARY)
TENSOR_METHODS.update({k + "_": _inplace(v, k) for k, v in _BINARY.items()})

# Top-level in-place functions (``ember.tan_(t)``), the same objects as the Tensor methods.
_TOP_INPLACE = {n: "ember.tensor([0.5])" for n in (
    "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "asin_", "asinh_", "atan_", "atanh_", "cosh_", "deg2rad_", "rad2deg_", "sinc_", "sinh_", "tan_")}
_export_inplace(globals(), _TOP_INPLACE)
