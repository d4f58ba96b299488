"""Predicates and NaN handling (no gradient except nan_to_num's): isnan, isinf, isposinf,
isneginf, isfinite, isreal, signbit, the closeness tests isclose/allclose/equal, and
nan_to_num/nan_to_num_.

>>> ember.isfinite(ember.tensor([1., float('inf'), float('nan')]))
tensor([ True, False, False])
>>> ember.nan_to_num(ember.tensor([float('nan'), 1.]))
tensor([0., 1.])
"""
import builtins

from ..._quantized_mark import QUANTIZED as _QM
from .._util import np, _wrap, Op, apply_op
from ..inplace.history import inplace_op
from .arithmetic import _out
from .operands import _tn, _check_tensor, _bshape_error
from .quiet_float import _ign
from .ternary import where

__all__ = ["isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit", "isclose",
           "allclose", "equal", "nan_to_num", "nan_to_num_"]


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
        return _out(_wrap(np.zeros(d.shape, bool)), out, input)
    return _out(_wrap(d == np.inf), out, input)


def isneginf(input, *, out=None):
    """True where ``input`` is -inf.

    >>> ember.isneginf(ember.tensor([float('inf'), float('-inf')]))
    tensor([False,  True])
    """
    _check_tensor(input, "isneginf")
    d = input._data
    if d.dtype.kind in "biu":
        return _out(_wrap(np.zeros(d.shape, bool)), out, input)
    return _out(_wrap(d == -np.inf), out, input)


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
        return _out(_wrap(np.zeros(d.shape, bool)), out, input)
    if d.dtype.kind == "i":
        return _out(_wrap(d < 0), out, input)
    if d.dtype.kind == "c":
        raise RuntimeError("signbit is not implemented for complex tensors.")
    return _out(_wrap(np.signbit(d if d.dtype.itemsize >= 2 and d.dtype.kind == "f"
                                 else d.astype(np.float32))), out, input)


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
    if input._rg is _QM or other._rg is _QM:  # quantized: same scheme, parameters and integers
        return _q_equal(input, other)
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
        if a.dtype.kind == "f" and a.dtype.itemsize >= 4 and a.size and a.flags.c_contiguous:
            fin = np.isfinite(a)            # (NumPy's nan_to_num: 4x slower without non-finites)
            r = a.copy()
            if fin.all():
                return r
            dt, fi = a.dtype, np.finfo(a.dtype)
            with np.errstate(over="ignore"):
                nv, hi, lo = (dt.type(v) for v in (nan, fi.max if posinf is None else posinf,
                                                   fi.min if neginf is None else neginf))
            i = np.flatnonzero(~fin)                       # (usually few: fixed by index)
            v = r.reshape(-1)[i]
            r.reshape(-1)[i] = np.where(np.isnan(v), nv, np.where(v > 0, hi, lo))
            return r
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
    return _out(apply_op(NanToNum, (input,), nan, posinf, neginf), out, input)


def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    """In-place :func:`nan_to_num`.

    >>> t = ember.tensor([float('nan'), 1.]); _ = t.nan_to_num_(); t
    tensor([0., 1.])
    """
    return inplace_op(input, lambda s: nan_to_num(s, nan, posinf, neginf))


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {
    "isnan": isnan, "isinf": isinf, "isposinf": isposinf, "isneginf": isneginf,
    "isfinite": isfinite, "isreal": isreal, "signbit": signbit, "isclose": isclose,
    "allclose": allclose, "equal": equal, "nan_to_num": nan_to_num, "nan_to_num_": nan_to_num_,
}


def _q_equal(a, b):
    if not (a.is_quantized and b.is_quantized):
        raise RuntimeError("equal(): quantized and non-quantized tensors cannot be compared")
    same = a.dtype is b.dtype and a.qscheme() is b.qscheme() and a._data.shape == b._data.shape
    if same and a.qscheme().name == "per_tensor_affine":
        same = (a.q_scale(), a.q_zero_point()) == (b.q_scale(), b.q_zero_point())
    elif same:
        same = (a.q_per_channel_axis() == b.q_per_channel_axis() and
                np.array_equal(a._qscales, b._qscales) and np.array_equal(a._qzps, b._qzps))
    return builtins.bool(same and np.array_equal(a._data, b._data))
