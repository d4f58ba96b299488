"""Batching samples: ``default_collate`` and ``default_convert``.

>>> ember.utils.data.default_collate([(ember.tensor([1.]), 0), (ember.tensor([2.]), 1)])
[tensor([[1.],
        [2.]]), tensor([0, 1])]
"""
import collections.abc

from ..._backend import np
from ..._tensor import Tensor, _wrap
from ... import _dtype as D

__all__ = ["default_collate", "default_convert"]

_BAD = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")


def _stack(tensors):
    first = tensors[0]._data
    dt = first.dtype
    if any(t._data.dtype != dt for t in tensors):     # torch.stack promotes (torch's rules)
        from ..._dtype import promote_types
        r = tensors[0].dtype
        for t in tensors[1:]:
            r = promote_types(r, t.dtype)
        dt = r.np
    out = np.empty((len(tensors),) + first.shape, dtype=dt)
    for i, t in enumerate(tensors):
        d = t._data
        if d.shape != first.shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first.shape)} at "
                               f"entry 0 and {list(d.shape)} at entry {i}")
        out[i] = d
    return _wrap(out)


def default_collate(batch):
    """Stack a list of samples into a batch, recursing into tuples, lists, dicts and
    namedtuples: tensors and arrays are stacked, Python floats become float64 and ints
    int64 tensors, strings stay a list.

    >>> ember.utils.data.default_collate([{"x": 1.5}, {"x": 2.5}])
    {'x': tensor([1.5000, 2.5000], dtype=torch.float64)}
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch)
    if isinstance(elem, (str, bytes)):   # (NumPy's str_ too)
        return batch
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SaUO":
            raise TypeError(_BAD.format(elem.dtype))
        return _stack([_wrap(np.asarray(b)) for b in batch])
    if isinstance(elem, np.generic):
        return _wrap(np.array(batch))
    if isinstance(elem, bool):
        return _wrap(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):   # ember.tensor's rules: a float among the ints makes a float32 batch
        a = np.array(batch)
        if a.dtype.kind in "iu":
            return _wrap(a.astype(np.int64, copy=False))
        from ..._creation import tensor
        return tensor(list(batch))
    if isinstance(elem, float):
        return _wrap(np.array(batch, dtype=np.float64))
    if isinstance(elem, collections.abc.MutableMapping):   # a copy of the first sample's mapping type
        import copy
        out = copy.copy(elem)
        out.update({k: default_collate([d[k] for d in batch]) for k in elem})
        return out
    if isinstance(elem, collections.abc.Mapping):
        try:
            return type(elem)({k: default_collate([d[k] for d in batch]) for k in elem})
        except TypeError:
            return {k: default_collate([d[k] for d in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        n = len(elem)
        if any(len(e) != n for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(s) for s in zip(*batch)]   # (strings come back as those tuples)
        if isinstance(elem, tuple):
            return transposed
        try:
            return type(elem)(transposed)
        except TypeError:
            return transposed
    raise TypeError(_BAD.format(type(elem)))


def default_convert(data):
    """Turn NumPy arrays (recursively) into tensors, leaving everything else alone.

    >>> ember.utils.data.default_convert({"a": np.zeros(2)})
    {'a': tensor([0., 0.], dtype=torch.float64)}
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray) and data.dtype.kind not in "SaUO":
        return _wrap(data)
    if isinstance(data, np.generic):
        return _wrap(np.asarray(data))
    if isinstance(data, collections.abc.MutableMapping):
        import copy
        out = copy.copy(data)
        out.update({k: default_convert(v) for k, v in data.items()})
        return out
    if isinstance(data, collections.abc.Mapping):
        try:
            return type(data)({k: default_convert(v) for k, v in data.items()})
        except TypeError:
            return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
