"""Finding elements and their positions: ``isin`` (membership in a set of values),
``nonzero_static`` (nonzero positions padded to a fixed count) and ``unravel_index``
(flat indices to coordinates). None is differentiable (the results are bools and indices).
"""
import builtins
import numbers

from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np
from ... import _tensor

__all__ = ["isin", "nonzero_static", "unravel_index"]


def _values(x, name):
    Tensor = _tensor.Tensor
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, (numbers.Number, np.generic)):
        return np.asarray(x)
    raise TypeError(f"isin() received an invalid combination of arguments - got ({type(x).__name__}) for "
                    f"'{name}'")


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor shaped like ``elements``: True where the element equals one of
    ``test_elements`` (either may be a number); ``invert`` flips the answer.

    >>> ember.isin(ember.tensor([1, 2, 3]), ember.tensor([2, 5]))
    tensor([False,  True, False])
    """
    if getattr(elements, "_rg", None) is _QM:
        raise _q_refuse("aten::isin.Tensor_Tensor_out")
    Tensor = _tensor.Tensor
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: expected at least one Tensor")
    e = _values(elements, "elements")
    t = _values(test_elements, "test_elements")
    if e.dtype.kind == "c" or t.dtype.kind == "c":
        raise NotImplementedError("isin: complex values are not supported (as in PyTorch)")
    if e.dtype.kind == "b" or t.dtype.kind == "b":
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    if e.size * t.size <= 4096 and e.ndim:   # small: one broadcast comparison (np.isin sorts)
        r = (e[..., None] == t.reshape(-1)).any(-1)
        if invert:
            np.logical_not(r, out=r)
    else:
        r = np.isin(e, t, invert=invert)
    return _tensor._wrap(np.asarray(r, dtype=bool))


def nonzero_static(input, *, size, fill_value=-1):
    """The ``(size, ndim)`` indices of nonzero elements (as ``nonzero``), cut to ``size``
    rows or padded with rows of ``fill_value``.

    >>> ember.nonzero_static(ember.tensor([0, 1, 0, 2]), size=3)
    tensor([[ 1],
            [ 3],
            [-1]])
    """
    size = int(size)
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer")
    a = input._data
    nz = np.argwhere(a) if a.ndim else np.zeros((1 if a else 0, 0), np.int64)
    out = np.full((size, a.ndim), int(fill_value), dtype=np.int64)
    k = builtins.min(size, nz.shape[0])
    out[:k] = nz[:k]
    return _tensor._wrap(out)


def unravel_index(indices, shape):
    """Coordinates in an array of ``shape`` of the flat ``indices`` (an integer tensor):
    a tuple of tensors shaped like ``indices``, one per dim. Indices wrap around as in
    PyTorch (each coordinate is taken modulo its size).

    >>> ember.unravel_index(ember.tensor([4, 1]), (2, 3))
    (tensor([1, 0]), tensor([1, 1]))
    """
    if getattr(indices, "_rg", None) is _QM:
        raise _q_refuse("aten::unravel_index")
    Tensor = _tensor.Tensor
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a Tensor, but got {type(indices).__name__}")
    a = indices._data
    if a.dtype.kind not in "iu" or a.dtype == np.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, numbers.Integral):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if builtins.any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape:
        raise RuntimeError("ZeroDivisionError")  # PyTorch's wording for a size-0 dim
    a = a.astype(np.int64)
    coords = []
    for s in reversed(shape):
        coords.append(np.mod(a, s))
        a = np.floor_divide(a, s)
    return tuple(_tensor._wrap(np.asarray(c, dtype=np.int64)) for c in reversed(coords))


TENSOR_METHODS = {"nonzero_static": nonzero_static}
