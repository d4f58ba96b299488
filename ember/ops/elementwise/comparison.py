"""Elementwise comparisons (no gradient): eq, ne, lt, le, gt, ge, their aliases (greater,
greater_equal, less, less_equal, not_equal) and the ``== != < <= > >=`` operators, computed in
the promoted dtype as PyTorch compares. Their in-place forms are in ops/inplace_more.py.

>>> ember.tensor([1, 2, 3]) >= 2
tensor([False,  True,  True])
>>> ember.ne(ember.tensor([1., 2.]), ember.tensor([1., 3.]))
tensor([False,  True])
"""
from .._util import np, D, Tensor, _wrap, as_tensor_like
from .arithmetic import _operands, check_broadcast, _out

binary_result = D.binary_result
_SRANGE = D.SCALAR_RANGE

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
           "not_equal"]


# ---------------------------------------------------------------- comparisons (no grad)
def _compare(ufunc, a, b):
    if not isinstance(a, Tensor):
        a = as_tensor_like(a)
    a, b = _operands(a, b)
    dt, npdt = binary_result(a, b)
    bd = getattr(b, "_data", b)
    ad = a._data
    if bd.__class__ is np.ndarray:
        if ad.shape != bd.shape:
            check_broadcast(ad.shape, bd.shape)
    elif bd.__class__ is int and not 0 <= bd <= 127:
        lo, hi = _SRANGE[dt]
        if not lo <= bd <= hi:  # compared after PyTorch's wrapping cast (uint8 < -1 is 255)
            bd = D.cast_int_scalar(bd, dt)
    if npdt is not None:  # compare in the promoted dtype, cast as PyTorch casts
        ad = ad.astype(npdt, copy=False)
        if isinstance(bd, np.ndarray):
            bd = bd.astype(npdt, copy=False)
        elif dt.name == "bfloat16":
            bd = npdt.type(bd)
    return _wrap(ufunc(ad, bd))


def eq(input, other, *, out=None):
    """Elementwise ``==`` as a bool tensor.

    >>> ember.eq(ember.tensor([1, 2]), 2)
    tensor([False,  True])
    """
    return _out(_compare(np.equal, input, other), out, input, other)


def ne(input, other, *, out=None):
    """Elementwise ``!=`` as a bool tensor.

    >>> ember.ne(ember.tensor([1, 2]), 2)
    tensor([ True, False])
    """
    return _out(_compare(np.not_equal, input, other), out, input, other)


def lt(input, other, *, out=None):
    """Elementwise ``<`` as a bool tensor.

    >>> ember.lt(ember.tensor([1, 2]), 2)
    tensor([ True, False])
    """
    return _out(_compare(np.less, input, other), out, input, other)


def le(input, other, *, out=None):
    """Elementwise ``<=`` as a bool tensor.

    >>> ember.le(ember.tensor([1, 2]), 2)
    tensor([True, True])
    """
    return _out(_compare(np.less_equal, input, other), out, input, other)


def gt(input, other, *, out=None):
    """Elementwise ``>`` as a bool tensor.

    >>> ember.gt(ember.tensor([1, 2]), 2)
    tensor([False, False])
    """
    return _out(_compare(np.greater, input, other), out, input, other)


def ge(input, other, *, out=None):
    """Elementwise ``>=`` as a bool tensor.

    >>> ember.ge(ember.tensor([1, 2]), 2)
    tensor([False,  True])
    """
    return _out(_compare(np.greater_equal, input, other), out, input, other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


# ---------------------------------------------------------------- Tensor methods and operators
TENSOR_METHODS = {
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge,
    "greater": gt, "greater_equal": ge, "less": lt, "less_equal": le, "not_equal": ne,
    "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
}
