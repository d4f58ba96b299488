"""Division with rounding and its remainders: remainder (Python's sign), fmod (C's sign),
floor_divide and trunc division (``div(rounding_mode=...)``), and the integer gcd/lcm, with
their in-place forms and the ``%``/``//`` operators.

Forward on arrays (integer division by zero raises, as PyTorch), backward in Tensor ops.

>>> ember.tensor([-7, 7]) % 3
tensor([2, 1])
>>> ember.fmod(ember.tensor([-7., 7.]), 3)
tensor([-1.,  1.])
"""
from .._util import np, Tensor, _wrap, Op
from .operands import (binary_result, _not_impl, _zeros, _run, _prep, _bin, _check_int_zero,
                       _two_tensors, _out, _needs, _ucall)
from .quiet_float import _ign
from .inplace_forms import _inplace, _r, _export_inplace
from . import float_mod as _fm

__all__ = ["remainder", "fmod", "floor_divide", "gcd", "lcm"]

_FAST_MIN = 512     # float32 results with at least this many elements: ``float_mod``'s kernels (smaller:
                    # NumPy's calls, cheaper to start; the same results, zeros of remainder signed as torch)


def _zeros_signed_by(r, a):
    """A floating remainder's zeros with ``a``'s sign (NumPy gives them the divisor's), as
    PyTorch's ``remainder`` (``fmod`` then ``+ b`` only where nonzero)."""
    if r.__class__ is np.ndarray:
        return np.copysign(r, np.asarray(a, r.dtype), out=r, where=r == 0)
    return np.copysign(r, np.asarray(a, r.dtype), dtype=r.dtype) if r == 0 else r


def _f32_pair(a, b, dt):
    """a and b as float32 (an array, or a float32 scalar for a 0-d operand) when the result is
    float32 and large enough for ``float_mod``, else None."""
    if dt.np != _fm._F32:
        return None
    a, b = np.asarray(a), np.asarray(b)
    if max(a.size, b.size) < _FAST_MIN or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
        return None
    a = a.astype(np.float32, copy=False) if a.ndim else np.float32(a)
    b = b.astype(np.float32, copy=False) if b.ndim else np.float32(b)
    return a, b


# ---------------------------------------------------------------- remainder / fmod / division
class Remainder(Op):
    _name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt._cat == 0:
            _not_impl("remainder_cpu", dt.np)
        _check_int_zero(b, dt)
        ctx.save_for_backward(a, b)
        p = _f32_pair(a, b, dt)
        if p is not None:
            return _fm.remainder32(*p)
        with _ign():
            r = _ucall(np.remainder, a, b, dt.np, casting="unsafe")
            return _zeros_signed_by(r, a) if dt.np.kind == "f" else r

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
        p = _f32_pair(a, b, dt)
        if p is not None:
            return _fm.fmod32(*p)
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
        p = _f32_pair(a, b, dt)
        if p is not None:
            return _fm.floor_divide32(*p)
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
    return _out(_remlike(Remainder, Remainder0, input, other, "remainder"), out, input, other)


def fmod(input, other, *, out=None):
    """C-style modulus: the result has the sign of ``input``.

    >>> ember.fmod(ember.tensor([-3, -1, 4]), 3)
    tensor([ 0, -1,  1])
    """
    return _out(_remlike(Fmod, Fmod0, input, other, "fmod"), out, input, other)


def floor_divide(input, other, *, out=None):
    """``floor(input / other)``, integer for integer inputs.

    >>> ember.floor_divide(ember.tensor([-7, 7]), 2)
    tensor([-4,  3])
    """
    return _out(_bin(DivFloor, input, other, "floor_divide"), out, input, other)


def _div_trunc(input, other):
    """``trunc(input / other)``: ``div(rounding_mode='trunc')``.

    >>> ember.ops.elementwise.division._div_trunc(ember.tensor([-7, 7]), 2)
    tensor([-3,  3])
    """
    return _bin(DivTrunc, input, other, "div")


# ---------------------------------------------------------------- gcd / lcm
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
    return _out(_gcdlike(np.gcd, input, other, "gcd"), out, input, other)


def lcm(input, other, *, out=None):
    """Least common multiple of integer tensors (always >= 0).

    >>> ember.lcm(ember.tensor([12, -18, 0]), ember.tensor([8, 12, 5]))
    tensor([24, 36,  0])
    """
    return _out(_gcdlike(np.lcm, input, other, "lcm"), out, input, other)


# ---------------------------------------------------------------- Tensor methods and operators
_BINARY = {"remainder": remainder, "fmod": fmod, "floor_divide": floor_divide}

TENSOR_METHODS = dict(_BINARY)
TENSOR_METHODS.update({k + "_": _inplace(v, k) for k, v in _BINARY.items()})
TENSOR_METHODS.update({
    "__mod__": remainder, "__rmod__": _r(remainder), "__imod__": _inplace(remainder),
    "__floordiv__": floor_divide, "__rfloordiv__": _r(floor_divide),
    "__ifloordiv__": _inplace(floor_divide),
    "gcd": gcd, "lcm": lcm, "gcd_": _inplace(gcd), "lcm_": _inplace(lcm),
})

# Top-level in-place functions (``ember.gcd_(a, b)``), the same objects as the Tensor methods.
_TOP_INPLACE = {"gcd_": "ember.tensor([12]), ember.tensor([8])",
                "lcm_": "ember.tensor([4]), ember.tensor([6])"}
_export_inplace(globals(), _TOP_INPLACE)
