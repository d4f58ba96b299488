"""PyTorch applies integer indices before advanced (tensor) indices; NumPy counts ints as advanced,
which changes where the broadcast index dims go when ints separate index arrays (``x[1, :, idx]``).

>>> from ember._backend import np
>>> from ember.ops.index.int_index_split import split_int_adv
>>> split_int_adv((1, slice(None), np.array([0, 2])))
((1, slice(None, None, None), slice(None, None, None)), (slice(None, None, None), array([0, 2])))
"""
from ..._backend import np


def split_int_adv(nidx):
    """PyTorch applies integer indices first, as selects (NumPy counts them as advanced indices, which
    moves the broadcast dims elsewhere): an index mixing ints and index arrays, split into the basic
    part and the advanced rest, or None when there is nothing to split."""
    has_int = has_arr = False
    for i in nidx:
        if i.__class__ is int:
            has_int = True
        elif isinstance(i, np.ndarray):
            if i.dtype.kind == "b" and i.ndim == 0:
                return None
            has_arr = True
        elif isinstance(i, bool):
            return None
    if not (has_int and has_arr):
        return None
    first, rest = [], []
    for i in nidx:
        if i.__class__ is int:
            first.append(i)
        elif isinstance(i, np.ndarray):
            first.extend([slice(None)] * (i.ndim if i.dtype.kind == "b" else 1))
            rest.append(i)
        elif i is None:
            first.append(None)
            rest.append(slice(None))
        elif i is Ellipsis:
            first.append(i)
            rest.append(i)
        else:
            first.append(i)
            rest.append(slice(None))
    return tuple(first), tuple(rest)
