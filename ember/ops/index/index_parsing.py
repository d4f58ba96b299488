"""Reading an index as PyTorch does: ints, slices, None, Ellipsis, integer/bool tensors and
lists normalised to NumPy's form (0-d integer tensors act as ints), and NumPy's IndexError
translated into PyTorch's wording.

>>> from ember.ops.index.index_parsing import _norm_index
>>> _norm_index((0, slice(1, None), ember.tensor(2)))
((0, slice(1, None, None), 2), True)
"""
from .._util import np, Tensor

_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
              "indices (got {})")


def _seq_as_tuple(lst):
    """PyTorch (like old NumPy) reads a short list holding sequences/slices/None as a tuple."""
    if len(lst) >= 32:
        return False
    for e in lst:
        if e is None or e is Ellipsis or isinstance(e, (Tensor, list, tuple, slice, np.ndarray)):
            return True
    return False


def _norm_index(idx, shape=None):
    """Convert an index (ints, slices, None, Ellipsis, tensors, lists) to NumPy's form.

    Returns (numpy_index, is_basic). 0-d integer tensors act as ints, as in PyTorch.
    """
    if not isinstance(idx, tuple):
        if isinstance(idx, list) and _seq_as_tuple(idx):
            import warnings
            warnings.warn("Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
                          "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq].", UserWarning,
                          stacklevel=3)
            idx = tuple(idx)
        else:
            idx = (idx,)
    out = []
    basic = True
    for i in idx:
        c = i.__class__
        if c is int or c is slice and i.step is None:
            out.append(i if c is int or (i.start is None or i.start.__class__ is int) and (
                i.stop is None or i.stop.__class__ is int) else _slice(i))
        elif isinstance(i, Tensor):
            d = i._data
            k = d.dtype.kind
            if k == "b":
                basic = False
                out.append(d)
            elif k in "iu":
                if d.dtype == np.uint8:
                    import warnings
                    warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                                  "torch.bool instead.", UserWarning, stacklevel=3)
                    basic = False
                    out.append(d.astype(bool))
                elif d.ndim == 0:
                    out.append(int(d))
                else:
                    basic = False
                    out.append(d)
            else:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif isinstance(i, (list, tuple, np.ndarray, range)):
            try:
                a = np.asarray([x.item() if isinstance(x, Tensor) else x for x in i]
                               if isinstance(i, (list, tuple, range)) else i)
            except ValueError:
                raise IndexError("too many indices") from None
            if a.size == 0:
                a = a.astype(np.int64)
            elif a.dtype.kind not in "iub":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            basic = False
            out.append(a)
        elif isinstance(i, slice):
            out.append(_slice(i))
        elif i is None or i is Ellipsis:
            out.append(i)
        elif isinstance(i, (bool, np.bool_)):
            basic = False
            out.append(bool(i))
        else:
            try:
                out.append(i.__index__())
            except (AttributeError, TypeError):
                raise IndexError(_BAD_INDEX.format(type(i).__name__)) from None
    return tuple(out), basic


def _slice(i):
    step = _as_int(i.step)
    if step is not None:
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step < 0:
            raise ValueError("step must be greater than zero")
    return slice(_as_int(i.start), _as_int(i.stop), step)


def _as_int(v):
    if v is None or isinstance(v, int):
        return v
    try:
        return v.__index__()
    except (AttributeError, TypeError):
        raise TypeError("slice indices must be integers or None or have an __index__ method") from None


def _index_error(e, shape, idx):
    """Translate NumPy's IndexError for ``a[idx]`` into PyTorch's wording."""
    msg = str(e)
    if msg.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {len(shape)}")
    if msg.startswith("boolean index did not match"):
        dim = 0
        items = idx if isinstance(idx, tuple) else (idx,)
        n_ell = len(shape) - sum(1 if not isinstance(i, np.ndarray) else max(i.ndim, 1 if i.dtype.kind != "b"
                                  else i.ndim) for i in items if i is not None and i is not Ellipsis)
        for i in items:
            if i is Ellipsis:
                dim += max(n_ell, 0)
            elif i is None:
                continue
            elif isinstance(i, np.ndarray) and i.dtype.kind == "b":
                for j, m in enumerate(i.shape):
                    if dim + j >= len(shape) or shape[dim + j] != m:
                        return IndexError(f"The shape of the mask {list(i.shape)} at index {j} does not match "
                                          f"the shape of the indexed tensor {list(shape)} at index {dim + j}")
                dim += i.ndim
            else:
                dim += 1
    if msg.startswith("shape mismatch: indexing arrays could not be broadcast"):
        items = idx if isinstance(idx, tuple) else (idx,)
        shapes = ", ".join(str(list(i.shape)) for i in items if isinstance(i, np.ndarray) and i.dtype.kind != "b")
        return IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}")
    return IndexError(msg.replace("axis", "dimension").replace("array", "tensor"))


def _index(a, idx):
    """``a[idx]`` with PyTorch's IndexError wording."""
    try:
        r = a[idx]
    except IndexError as e:
        raise _index_error(e, a.shape, idx) from None
    if r.__class__ is not np.ndarray:  # all-integer index: NumPy gives a scalar copy, torch a 0-d view
        r = a[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
    return r
