"""Logical and bitwise ops (no gradient): logical_and/or/xor/not, bitwise_and/or/xor/not,
bitwise_left_shift/right_shift, their in-place forms and the ``& | ^ ~ << >>`` operators.

Logical ops give bool tensors; bitwise ops keep the promoted integer (or bool) dtype, and
shifts past the width give 0 (or -1), as PyTorch.

>>> ember.tensor([12, 10]) & 6
tensor([4, 2])
>>> ember.logical_or(ember.tensor([1, 0, 0]), ember.tensor([0., 1., 0.]))
tensor([ True,  True, False])
"""
import builtins

from .._util import np, Tensor, _wrap, as_tensor_like
from ..inplace.history import inplace_op
from .arithmetic import _out, _ucall
from .elementwise_more import (binary_result, _SCALARS, _not_impl, _check_tensor, _bshape_error,
                               _wrap_int, _lift, _arr, _broadcast_inplace_check, _inplace_precheck,
                               _u_inplace, _r)

__all__ = ["logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift"]


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
    return _out(_logical(np.logical_and, input, other, "logical_and"), out, input, other)


def logical_or(input, other, *, out=None):
    """Elementwise logical OR.

    >>> ember.logical_or(ember.tensor([1, 0, 0]), ember.tensor([0., 1., 0.]))
    tensor([ True,  True, False])
    """
    return _out(_logical(np.logical_or, input, other, "logical_or"), out, input, other)


def logical_xor(input, other, *, out=None):
    """Elementwise logical XOR.

    >>> ember.logical_xor(ember.tensor([1, 0, 1]), ember.tensor([1, 1, 0]))
    tensor([False,  True,  True])
    """
    return _out(_logical(np.logical_xor, input, other, "logical_xor"), out, input, other)


def logical_not(input, *, out=None):
    """Elementwise logical NOT; a bool tensor.

    >>> ember.logical_not(ember.tensor([0., 2.]))
    tensor([ True, False])
    """
    _check_tensor(input, "logical_not")
    return _out(_wrap(np.logical_not(input._data)), out, input)


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
    return _out(_bitwise(np.bitwise_and, input, other, "bitwise_and_cpu", "bitwise_and"), out, input, other)


def bitwise_or(input, other, *, out=None):
    """Elementwise bitwise OR (``|``).

    >>> ember.bitwise_or(ember.tensor([12, 10]), 1)
    tensor([13, 11])
    """
    return _out(_bitwise(np.bitwise_or, input, other, "bitwise_or_cpu", "bitwise_or"), out, input, other)


def bitwise_xor(input, other, *, out=None):
    """Elementwise bitwise XOR (``^``).

    >>> ember.bitwise_xor(ember.tensor([True, False]), ember.tensor([True, True]))
    tensor([False,  True])
    """
    return _out(_bitwise(np.bitwise_xor, input, other, "bitwise_xor_cpu", "bitwise_xor"), out, input, other)


def bitwise_not(input, *, out=None):
    """Elementwise bitwise NOT (``~``); logical NOT for bool tensors.

    >>> ember.bitwise_not(ember.tensor([0, -3]))
    tensor([-1,  2])
    """
    _check_tensor(input, "bitwise_not")
    d = input._data
    if d.dtype.kind not in "biu":
        _not_impl("bitwise_not_cpu", d.dtype)
    return _out(_wrap(np.invert(d)), out, input)


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
    return _out(_shift(True, input, other, "bitwise_left_shift"), out, input, other)


def bitwise_right_shift(input, other, *, out=None):
    """``input >> other``, arithmetic for signed integers.

    >>> ember.bitwise_right_shift(ember.tensor([-8, 8]), 2)
    tensor([-2,  2])
    """
    return _out(_shift(False, input, other, "bitwise_right_shift"), out, input, other)


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


# ---------------------------------------------------------------- Tensor methods and operators
TENSOR_METHODS = {
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
    "__and__": bitwise_and, "__or__": bitwise_or, "__xor__": bitwise_xor, "__invert__": _invert,
    "__rand__": _r(bitwise_and), "__ror__": _r(bitwise_or), "__rxor__": _r(bitwise_xor),
    "__iand__": _inplace_logical(bitwise_and), "__ior__": _inplace_logical(bitwise_or),
    "__ixor__": _inplace_logical(bitwise_xor),
    "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift,
    "__rlshift__": _r(bitwise_left_shift), "__rrshift__": _r(bitwise_right_shift),
    "__ilshift__": _inplace_logical(bitwise_left_shift),
    "__irshift__": _inplace_logical(bitwise_right_shift),
}
