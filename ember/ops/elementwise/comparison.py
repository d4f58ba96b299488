"""Elementwise comparisons (no gradient): eq, ne, lt, le, gt, ge, their aliases (greater,
greater_equal, less, less_equal, not_equal) and the ``== != < <= > >=`` operators, computed in
the promoted dtype as PyTorch compares. One table row per op (see declare_nograd.py); the
operands are normalised as add's are (``arithmetic._binary``), so every comparison enters through
``apply_op``. Their in-place forms are in ops/inplace/comparisons.py.

>>> ember.tensor([1, 2, 3]) >= 2
tensor([False,  True,  True])
>>> ember.ne(ember.tensor([1., 2.]), ember.tensor([1., 3.]))
tensor([False,  True])
"""
from .._util import np, Tensor
from .arithmetic import _binary
from .declare_nograd import nograd

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
           "not_equal"]

def _forward(ufunc):
    def forward(ctx, a, b, npdt):
        if npdt is not None:  # compare in the promoted dtype, cast as PyTorch casts
            a = a.astype(npdt, copy=False)
            if b.__class__ is np.ndarray:
                b = b.astype(npdt, copy=False)
            elif npdt.name == "bfloat16":  # (a Python scalar: ml_dtypes' type makes it one)
                b = npdt.type(b)
        return ufunc(a, b)
    return forward


# ---------------------------------------------------------------- the table
_ROWS = {  # name: (NumPy ufunc, docstring)
    "eq": (np.equal, """Elementwise ``==`` as a bool tensor.

    >>> ember.eq(ember.tensor([1, 2]), 2)
    tensor([False,  True])
    """),
    "ne": (np.not_equal, """Elementwise ``!=`` as a bool tensor.

    >>> ember.ne(ember.tensor([1, 2]), 2)
    tensor([ True, False])
    """),
    "lt": (np.less, """Elementwise ``<`` as a bool tensor.

    >>> ember.lt(ember.tensor([1, 2]), 2)
    tensor([ True, False])
    """),
    "le": (np.less_equal, """Elementwise ``<=`` as a bool tensor.

    >>> ember.le(ember.tensor([1, 2]), 2)
    tensor([True, True])
    """),
    "gt": (np.greater, """Elementwise ``>`` as a bool tensor.

    >>> ember.gt(ember.tensor([1, 2]), 2)
    tensor([False, False])
    """),
    "ge": (np.greater_equal, """Elementwise ``>=`` as a bool tensor.

    >>> ember.ge(ember.tensor([1, 2]), 2)
    tensor([False,  True])
    """),
}
TABLE = {n: nograd(n, _forward(u), _binary, doc=d, module=__name__) for n, (u, d) in _ROWS.items()}

eq, ne, lt, le, gt, ge = (TABLE[n][1] for n in ("eq", "ne", "lt", "le", "gt", "ge"))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


# ---------------------------------------------------------------- Tensor methods and operators
def _not_comparable(other):
    """True for a right operand that ``==`` cannot take elementwise (None, a string, a list ...)."""
    return not isinstance(other, (Tensor, int, float, complex, np.generic, np.ndarray))


def _eq_operator(self, other):
    """``self == other``; an operand that is no tensor, array or number compares unequal (False),
    as in PyTorch (Python's fallback after ``NotImplemented``).

    >>> ember.tensor([1, 2]) == None
    False
    """
    try:
        return eq(self, other)
    except TypeError:
        if _not_comparable(other):
            return NotImplemented
        raise


def _ne_operator(self, other):
    """``self != other``; True for an operand that is no tensor, array or number, as in PyTorch.

    >>> ember.tensor([1, 2]) != "auto"
    True
    """
    try:
        return ne(self, other)
    except TypeError:
        if _not_comparable(other):
            return NotImplemented
        raise


TENSOR_METHODS = {
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge,
    "greater": gt, "greater_equal": ge, "less": lt, "less_equal": le, "not_equal": ne,
    "__eq__": _eq_operator, "__ne__": _ne_operator, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
}
