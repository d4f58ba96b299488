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
from .quiet_float import _flt, _ign, _fbin
from .operands import _unary, _not_impl, _float_dt, _bin
from .inplace_forms import _inplace, _u_inplace, _export_inplace
from .declare import unary
from .ternary import where

__all__ = ["tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "sinh", "cosh", "asinh",
           "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "sinc", "deg2rad", "rad2deg",
           "atan2", "arctan2", "hypot"]


def _rad2deg(a):
    """``a * (180 / pi)`` with the constant in ``a``'s dtype, as PyTorch computes it (NumPy's
    ``rad2deg`` rounds differently and runs ~20x slower on float32)."""
    return np.multiply(a, a.dtype.type(180.0 / math.pi)) if a.dtype.kind == "f" else np.rad2deg(a)


def _deg2rad(a):
    """``a * (pi / 180)`` with the constant in ``a``'s dtype (PyTorch's arithmetic)."""
    return np.multiply(a, a.dtype.type(math.pi / 180.0)) if a.dtype.kind == "f" else np.deg2rad(a)


# ---------------------------------------------------------------- trig and hyperbolic functions
# One row per op (see declare.py): name, array function, what backward needs, gradient formula
# written once for arrays and Tensors (xp is NumPy or ember), docstring.
_ROWS = [
    ("tan", lambda a: _flt(np.tan, a), "output", lambda ctx, xp, g, y: g * (y * y + 1), """Tangent.

    >>> ember.tan(ember.tensor([0., 1.]))
    tensor([0.0000, 1.5574])
    """),
    ("asin", lambda a: _flt(np.arcsin, a), "input",
     lambda ctx, xp, g, a: g * (1 / xp.sqrt(1 - a * a)), """Arcsine (``arcsin`` is an alias).

    >>> ember.asin(ember.tensor([0., 1.]))
    tensor([0.0000, 1.5708])
    """),
    ("acos", lambda a: _flt(np.arccos, a), "input",
     lambda ctx, xp, g, a: -g * (1 / xp.sqrt(1 - a * a)), """Arccosine (``arccos`` is an alias).

    >>> ember.acos(ember.tensor([1., 0.]))
    tensor([0.0000, 1.5708])
    """),
    ("atan", lambda a: _flt(np.arctan, a), "input", lambda ctx, xp, g, a: g / (a * a + 1),
     """Arctangent (``arctan`` is an alias).

    >>> ember.atan(ember.tensor([0., 1.]))
    tensor([0.0000, 0.7854])
    """),
    ("sinh", lambda a: _flt(np.sinh, a), "input", lambda ctx, xp, g, a: g * xp.cosh(a),
     """Hyperbolic sine.

    >>> ember.sinh(ember.tensor([0., 1.]))
    tensor([0.0000, 1.1752])
    """),
    ("cosh", lambda a: _flt(np.cosh, a), "input", lambda ctx, xp, g, a: g * xp.sinh(a),
     """Hyperbolic cosine.

    >>> ember.cosh(ember.tensor([0., 1.]))
    tensor([1.0000, 1.5431])
    """),
    ("asinh", lambda a: _flt(np.arcsinh, a), "input",
     lambda ctx, xp, g, a: g * (1 / xp.sqrt(a * a + 1)),
     """Inverse hyperbolic sine (``arcsinh`` is an alias).

    >>> ember.asinh(ember.tensor([0., 1.]))
    tensor([0.0000, 0.8814])
    """),
    ("acosh", lambda a: _flt(np.arccosh, a), "input",
     lambda ctx, xp, g, a: g * (1 / xp.sqrt(a * a - 1)),
     """Inverse hyperbolic cosine (``arccosh`` is an alias).

    >>> ember.acosh(ember.tensor([1., 2.]))
    tensor([0.0000, 1.3170])
    """),
    ("atanh", lambda a: _flt(np.arctanh, a), "input", lambda ctx, xp, g, a: g / (1 - a * a),
     """Inverse hyperbolic tangent (``arctanh`` is an alias).

    >>> ember.atanh(ember.tensor([0., 0.5]))
    tensor([0.0000, 0.5493])
    """),
    ("deg2rad", lambda a: _flt(_deg2rad, a), None, lambda ctx, xp, g: g * (math.pi / 180.0),
     """Degrees to radians.

    >>> ember.deg2rad(ember.tensor([180.]))
    tensor([3.1416])
    """),
    ("rad2deg", lambda a: _flt(_rad2deg, a), None, lambda ctx, xp, g: g * (180.0 / math.pi),
     """Radians to degrees.

    >>> ember.rad2deg(ember.tensor([3.14159265]))
    tensor([180.])
    """),
]
TABLE = {name: unary(name, fn, save=save, grad=grad, doc=doc, module=__name__)
         for name, fn, save, grad, doc in _ROWS}
(Tan, tan, _), (Asin, asin, _), (Acos, acos, _), (Atan, atan, _), (Sinh, sinh, _), \
    (Cosh, cosh, _), (Asinh, asinh, _), (Acosh, acosh, _), (Atanh, atanh, _), \
    (Deg2rad, deg2rad, _), (Rad2deg, rad2deg, _) = TABLE.values()


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


def sinc(input, *, out=None):
    """Normalised sinc ``sin(pi x) / (pi x)``, 1 at 0.

    >>> ember.sinc(ember.tensor([0., 0.5]))
    tensor([1.0000, 0.6366])
    """
    return _out(_unary(Sinc, input, "sinc"), out, input)


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
