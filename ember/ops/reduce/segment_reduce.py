"""``segment_reduce``: reduce consecutive segments of a tensor along an axis (segment sizes
given by ``lengths`` or ``offsets``), written with ember reductions over slices so that the
gradient flows to ``data``."""
import builtins

from .._util import np
from ... import _tensor

__all__ = ["segment_reduce"]

_REDUCE = {"sum": "sum", "prod": "prod", "mean": "mean", "max": "amax", "amax": "amax", "min": "amin",
           "amin": "amin"}
_EMPTY = {"sum": 0.0, "prod": 1.0, "mean": float("nan"), "amax": float("-inf"), "amin": float("inf")}


def _segment(piece, axis, how, initial):
    if how == "amax":
        r = piece.amax(axis)
        return r if initial is None else r.clamp(min=initial)
    if how == "amin":
        r = piece.amin(axis)
        return r if initial is None else r.clamp(max=initial)
    if how == "prod":
        r = piece.prod(axis)
        return r if initial is None else r * initial
    s = piece.sum(axis)
    if initial is not None:
        s = s + initial
    return s / piece.shape[axis] if how == "mean" else s


def segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False,
                   initial=None):
    """Reduce (``"sum"``, ``"prod"``, ``"mean"``, ``"max"``, ``"min"``) each run of
    ``lengths[i]`` consecutive slices of ``data`` along ``axis`` (or the runs between
    ``offsets``); an empty segment gives ``initial`` (or the reduction's identity).

    >>> ember.segment_reduce(ember.tensor([1., 2., 3., 4.]), "sum", lengths=ember.tensor([1, 0, 3]))
    tensor([1., 0., 9.])
    """
    from ..shape.joining import stack
    if reduce not in _REDUCE:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    how = _REDUCE[reduce]
    if indices is not None:
        raise NotImplementedError("segment_reduce(): indices based reduction is not supported yet.")
    if data.dtype.is_floating_point is False:
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for '{data.type().split('.')[-1][:-6]}'")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined")
    if lengths is not None:
        lens = lengths._data.astype(np.int64)
        if lens.ndim != 1:
            raise NotImplementedError("segment_reduce: ember supports 1-d lengths only")
    else:
        offs = offsets._data.astype(np.int64)
        if offs.ndim != 1:
            raise NotImplementedError("segment_reduce: ember supports 1-d offsets only")
        lens = np.diff(offs)
    nd = data.dim()
    if axis < 0:
        axis += nd
    if axis != 0:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of lengths but got {axis}.")
    n = data.shape[axis]
    if not unsafe and (np.any(lens < 0) or int(lens.sum()) != n):
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                           "data.size(lengths.dim()-1) when !unsafe.")
    start = 0 if lengths is not None else int(offs[0])
    outs = []
    rest = tuple(data.shape[1:])
    for k in lens.tolist():
        if k == 0:
            v = _EMPTY[how] if initial is None else float(initial)
            outs.append(_tensor._wrap(np.full(rest, v, dtype=data._data.dtype)))
        else:
            outs.append(_segment(data.narrow(axis, start, k), axis, how, initial))
        start += k
    if not outs:
        return _tensor._wrap(np.zeros((0,) + rest, dtype=data._data.dtype))
    return stack(outs, axis)
