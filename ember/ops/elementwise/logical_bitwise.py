"""Logical and bitwise ops (no gradient): logical_and/or/xor/not, bitwise_and/or/xor/not,
bitwise_left_shift/right_shift, their in-place forms and the ``& | ^ ~ << >>`` operators.

Logical ops give bool tensors; bitwise ops keep the promoted integer (or bool) dtype, and
shifts past the width give 0 (or -1), as PyTorch. One table row per op (see
declare_nograd.py), so each enters through ``apply_op``.

>>> ember.tensor([12, 10]) & 6
tensor([4, 2])
>>> ember.logical_or(ember.tensor([1, 0, 0]), ember.tensor([0., 1., 0.]))
tensor([ True,  True, False])
"""
import builtins

from .._util import np, Tensor, apply_op, as_tensor_like
from ..inplace.history import inplace_op
from .arithmetic import _ucall, _bin_cache
from .declare_nograd import nograd
from .operands import (binary_result, _SCALARS, _not_impl, _check_tensor, _wrap_int, _lift, _run, _bshape_error)
from .inplace_forms import _broadcast_inplace_check, _inplace_precheck, _u_inplace, _r

__all__ = ["logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift"]


# ---------------------------------------------------------------- argument handling
def _logical(cls, input, other):
    if input.__class__ is not Tensor or other.__class__ is not Tensor:  # (subclasses: the slow check)
        _check_tensor(input, _FNAMES[cls])
        _check_tensor(other, _FNAMES[cls], 2, "other")
    try:
        return apply_op(cls, (input, other))
    except ValueError:
        err = _bshape_error(input._data.shape, other._data.shape)
        if err is not None:
            raise err from None
        raise


def _unary_call(cls, input):
    if input.__class__ is not Tensor:
        _check_tensor(input, _FNAMES[cls])
    return apply_op(cls, (input,))


def _bitwise(cls, input, other):
    if other.__class__ is Tensor and input.__class__ is Tensor:  # two tensors of one shape: the fast path
        ad, bd = input._data, other._data
        r = _bin_cache.get((ad.dtype, ad.ndim == 0, bd.dtype, bd.ndim == 0))
        if r is not None and ad.shape == bd.shape:
            c = r[0]._cat
            if c < 2 and (c == 1 or not cls._shift):
                return apply_op(cls, (input, other), r[0].np)
    if not isinstance(input, Tensor):
        if isinstance(other, Tensor) and isinstance(input, _SCALARS):
            input = _lift(input, other)
        else:
            _check_tensor(input, _FNAMES[cls])
    if not isinstance(other, Tensor) and not isinstance(other, _SCALARS):
        other = as_tensor_like(other)
    dt = binary_result(input, other)[0]
    if dt._cat >= 2 or (cls._shift and dt._cat != 1):
        _not_impl(cls._kernel, dt.np)
    if other.__class__ is Tensor or isinstance(other, Tensor):
        if input._data.shape == other._data.shape:
            return apply_op(cls, (input, other), dt.np)
        return _run(cls, (input, other), dt.np)
    if other.__class__ in (builtins.int, builtins.bool) and dt._cat == 1 and not cls._shift:
        other = _wrap_int(other, dt.np)
    return apply_op(cls, (input,), other, dt.np)


# ---------------------------------------------------------------- forwards on arrays
def _ufunc_forward(ufunc):
    def forward(ctx, a, b):
        return ufunc(a, b)
    return forward


def _bitwise_forward(ufunc):
    def forward(ctx, a, b, npdt):
        try:
            return ufunc(a, b, dtype=npdt, casting="unsafe")
        except TypeError:  # NumPy refuses the input casts: see _ucall
            return _ucall(ufunc, a, b, npdt, casting="unsafe")
    return forward


def _bitwise_not(ctx, a):
    if a.dtype.kind not in "biu":
        _not_impl("bitwise_not_cpu", a.dtype)
    return np.invert(a)


def _shift_forward(left):
    def forward(ctx, a, b, npdt):
        a = a.astype(npdt, copy=False)
        b = np.asarray(b).astype(npdt, copy=False)
        bits = npdt.itemsize * 8
        neg = b < 0
        s = np.clip(b, 0, bits - 1)
        if left:
            r = np.where(neg | (b >= bits), np.zeros((), npdt), np.left_shift(a, s))
        else:  # past the width (or negative): 0, or -1 for negative signed values
            r = np.right_shift(a, np.where(neg, bits - 1, s))
            if npdt.kind == "u":
                r = np.where(neg | (b >= bits), np.zeros((), npdt), r)
        return np.asarray(r).astype(npdt, copy=False)
    return forward


# ---------------------------------------------------------------- the table
_ROWS = {  # name: (forward, argument handling, arity, docstring)
    "logical_and": (_ufunc_forward(np.logical_and), _logical, 2,
                    """Elementwise logical AND of the truth values (nonzero is True); a bool tensor.

    >>> ember.logical_and(ember.tensor([1, 0, 2]), ember.tensor([True, True, False]))
    tensor([ True, False, False])
    """),
    "logical_or": (_ufunc_forward(np.logical_or), _logical, 2, """Elementwise logical OR.

    >>> ember.logical_or(ember.tensor([1, 0, 0]), ember.tensor([0., 1., 0.]))
    tensor([ True,  True, False])
    """),
    "logical_xor": (_ufunc_forward(np.logical_xor), _logical, 2, """Elementwise logical XOR.

    >>> ember.logical_xor(ember.tensor([1, 0, 1]), ember.tensor([1, 1, 0]))
    tensor([False,  True,  True])
    """),
    "logical_not": (lambda ctx, a: np.logical_not(a), _unary_call, 1,
                    """Elementwise logical NOT; a bool tensor.

    >>> ember.logical_not(ember.tensor([0., 2.]))
    tensor([ True, False])
    """),
    "bitwise_and": (_bitwise_forward(np.bitwise_and), _bitwise, 2,
                    """Elementwise bitwise AND of integer or bool tensors (``&``).

    >>> ember.bitwise_and(ember.tensor([12, 10]), 6)
    tensor([4, 2])
    """),
    "bitwise_or": (_bitwise_forward(np.bitwise_or), _bitwise, 2, """Elementwise bitwise OR (``|``).

    >>> ember.bitwise_or(ember.tensor([12, 10]), 1)
    tensor([13, 11])
    """),
    "bitwise_xor": (_bitwise_forward(np.bitwise_xor), _bitwise, 2, """Elementwise bitwise XOR (``^``).

    >>> ember.bitwise_xor(ember.tensor([True, False]), ember.tensor([True, True]))
    tensor([False,  True])
    """),
    "bitwise_not": (_bitwise_not, _unary_call, 1, """Elementwise bitwise NOT (``~``); logical NOT for bool tensors.

    >>> ember.bitwise_not(ember.tensor([0, -3]))
    tensor([-1,  2])
    """),
    "bitwise_left_shift": (_shift_forward(True), _bitwise, 2,
                           """``input << other`` for integer tensors (shifts past the width give 0).

    >>> ember.bitwise_left_shift(ember.tensor([1, 3]), 2)
    tensor([ 4, 12])
    """),
    "bitwise_right_shift": (_shift_forward(False), _bitwise, 2,
                            """``input >> other``, arithmetic for signed integers.

    >>> ember.bitwise_right_shift(ember.tensor([-8, 8]), 2)
    tensor([-2,  2])
    """),
}
TABLE = {n: nograd(n, fw, call, arity=k, doc=d, module=__name__) for n, (fw, call, k, d) in _ROWS.items()}
_FNAMES = {cls: n for n, (cls, _) in TABLE.items()}
for _n, (_cls, _) in TABLE.items():  # what _bitwise needs to know of a row's op
    _cls._shift = "shift" in _n
    _cls._kernel = {"bitwise_left_shift": "lshift_cpu", "bitwise_right_shift": "rshift_cpu"}.get(_n, _n + "_cpu")

(logical_and, logical_or, logical_xor, logical_not, bitwise_and, bitwise_or, bitwise_xor, bitwise_not,
 bitwise_left_shift, bitwise_right_shift) = (f for _, f in TABLE.values())
_BitwiseNot = TABLE["bitwise_not"][0]


def _invert(self):
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return apply_op(_BitwiseNot, (self,))


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
