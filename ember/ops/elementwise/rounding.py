"""Sign, step and rounding functions: sign, sgn, heaviside, floor, ceil, round, trunc/fix,
frac and positive, with their in-place forms.

Forward on arrays. Sign and rounding have a zero gradient (frac's is the identity, heaviside's
backward raises, as in PyTorch); integer tensors round to a copy of themselves.

>>> ember.round(ember.tensor([0.5, 1.5, -2.7]))
tensor([ 0.,  2., -3.])
>>> ember.heaviside(ember.tensor([-1., 0., 2.]), ember.tensor([0.5]))
tensor([0.0000, 0.5000, 1.0000])
"""
import builtins

from .._util import np, Op, apply_op
from .arithmetic import _out
from .operands import _not_impl, _zeros, _check_tensor, _unary, _two_tensors
from .quiet_float import _ign
from .inplace_forms import _inplace, _u_inplace, _export_inplace

__all__ = ["sign", "sgn", "floor", "ceil", "round", "trunc", "fix", "frac", "positive", "heaviside"]


# ---------------------------------------------------------------- sign and rounding (zero grad)
def _sign_np(a):
    """sign with PyTorch's ``(0 < a) - (a < 0)``: NaN gives 0 (float32/64 computed so: 2.6x
    faster than NumPy's ``sign`` and its NaN and -0 fix-ups)."""
    if a.dtype.kind == "f" and a.dtype.itemsize >= 4:
        return np.subtract(a > 0, a < 0, dtype=a.dtype)
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
    return _out(_unary(Sign, input, "sign"), out, input)


def sgn(input, *, out=None):
    """``sign`` extended to complex numbers: ``z / |z|`` (0 at 0).

    >>> ember.sgn(ember.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
    """
    return _out(_unary(Sgn, input, "sgn"), out, input)


def floor(input, *, out=None):
    """Round down; integer tensors are returned unchanged (as a copy).

    >>> ember.floor(ember.tensor([-1.5, 1.5]))
    tensor([-2.,  1.])
    """
    return _out(_unary(Floor, input, "floor"), out, input)


def ceil(input, *, out=None):
    """Round up.

    >>> ember.ceil(ember.tensor([-1.5, 1.5]))
    tensor([-1.,  2.])
    """
    return _out(_unary(Ceil, input, "ceil"), out, input)


def trunc(input, *, out=None):
    """Round toward zero (``fix`` is an alias).

    >>> ember.trunc(ember.tensor([-1.5, 1.5]))
    tensor([-1.,  1.])
    """
    return _out(_unary(Trunc, input, "trunc"), out, input)


fix = trunc


def round(input, *, decimals=0, out=None):
    """Round half to even, to ``decimals`` decimal places (negative: left of the point).

    >>> ember.round(ember.tensor([0.5, 1.5, 1.2345]))
    tensor([0., 2., 1.])
    >>> ember.round(ember.tensor([1.2345]), decimals=2)
    tensor([1.2300])
    """
    return _out(_unary(Round if decimals == 0 else Round1, input, "round", builtins.int(decimals)), out, input)


def frac(input, *, out=None):
    """The fractional part ``input - trunc(input)``, keeping the sign.

    >>> ember.frac(ember.tensor([-1.25, 2.5]))
    tensor([-0.2500,  0.5000])
    """
    return _out(_unary(Frac, input, "frac"), out, input)


def positive(input):
    """Returns ``input`` itself (``+input``); an error for bool tensors.

    >>> ember.positive(ember.tensor([-1., 2.]))
    tensor([-1.,  2.])
    """
    _check_tensor(input, "positive")
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# ---------------------------------------------------------------- heaviside
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
    return _out(apply_op(Heaviside, (input, values), r), out, input, values)


class Heaviside(Op):
    """Records the node PyTorch records: the output requires grad, backward is an error."""

    _name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, v, r):
        return r

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


# ---------------------------------------------------------------- Tensor methods
_UNARY = {"sign": sign, "sgn": sgn, "floor": floor, "ceil": ceil, "round": round, "trunc": trunc,
          "fix": trunc, "frac": frac}

TENSOR_METHODS = dict(_UNARY)
TENSOR_METHODS.update({k + "_": _u_inplace(v) for k, v in _UNARY.items()})
TENSOR_METHODS.update({"positive": positive, "__pos__": positive, "heaviside": heaviside,
                       "heaviside_": _inplace(heaviside)})

# Top-level in-place functions (``ember.floor_(t)``), the same objects as the Tensor methods.
_TOP_INPLACE = {n: "ember.tensor([0.5])" for n in (
    "ceil_", "fix_", "floor_", "frac_", "round_", "trunc_")}
_export_inplace(globals(), _TOP_INPLACE)
