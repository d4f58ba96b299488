"""Questions about a tensor and the legacy constructor: ``is_same_size``, ``is_signed``,
``is_nonzero``, ``is_inference``, ``is_meta``, ``itemsize``, ``nbytes`` and ``Tensor.new``.

>>> x = ember.zeros(2, 3)
>>> x.itemsize, x.nbytes, x.is_signed(), x.is_same_size(ember.ones(2, 3))
(4, 24, True, True)
"""
from .._util import np, D, Tensor, _wrap
from ..._tensor import Size, _check_device

__all__ = ["is_same_size", "is_signed", "is_nonzero", "is_inference"]


def _need_tensor(x, fname, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def is_same_size(input, other):
    """Whether ``input`` and ``other`` have the same shape.

    >>> ember.is_same_size(ember.zeros(2, 3), ember.zeros(3, 2))
    False
    """
    _need_tensor(other, "is_same_size", "other", 1)
    return input._data.shape == other._data.shape


def is_signed(input):
    """Whether ``input``'s dtype holds negative values (floats and signed integers).

    >>> ember.tensor([1], dtype=ember.uint8).is_signed(), ember.is_signed(ember.tensor([1]))
    (False, True)
    """
    return D.NP2DT[input._data.dtype].is_signed


def is_nonzero(input):
    """The truth of a one-element tensor (NaN counts as nonzero); RuntimeError otherwise.

    >>> ember.is_nonzero(ember.tensor([0.])), ember.tensor(3).is_nonzero()
    (False, True)
    """
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()) != 0)


def is_inference(input):
    """Whether ``input`` is an inference tensor (made inside ``inference_mode``).

    >>> ember.is_inference(ember.ones(1))
    False
    >>> with ember.inference_mode():
    ...     ember.is_inference(ember.ones(1))
    True
    """
    return "_inference" in input.__dict__


@property
def _itemsize(self):
    return self._data.itemsize


@property
def _nbytes(self):
    return self._data.size * self._data.itemsize


@property
def _is_meta(self):
    return False


def new(self, *args, device=None):
    """The legacy constructor: ``x.new(2, 3)`` (uninitialised, ``x``'s dtype), ``x.new([1, 2])``
    (data), ``x.new(other)`` (an alias of ``other``, which must have ``x``'s dtype), ``x.new()``
    (empty).

    >>> ember.zeros(1, dtype=ember.float64).new([1, 2])
    tensor([1., 2.], dtype=torch.float64)
    """
    _check_device(device)
    dt = D.NP2DT[self._data.dtype]
    if not args:
        return _wrap(np.empty((0,), dt.np))
    if len(args) == 1:
        a = args[0]
        if isinstance(a, Tensor):
            if a._data.dtype != dt.np:
                rest = ("device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), "
                        "memory_format=(nullopt))")
                raise TypeError(f"expected TensorOptions(dtype={_cname(dt)}, {rest} (got TensorOptions("
                                f"dtype={_cname(D.NP2DT[a._data.dtype])}, {rest})")
            return a[...]
        if isinstance(a, Size):
            args = tuple(a)
        elif isinstance(a, (list, tuple, np.ndarray)):
            from ..._creation import tensor
            return tensor(a, dtype=dt)
        elif not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
    for i, s in enumerate(args):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {type(s).__name__}\"")
    shape = tuple(int(s) for s in args)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return _wrap(np.empty(shape, dt.np))


def _cname(dt):
    from ..elementwise.elementwise_more import _CNAME
    return _CNAME.get(dt.name, dt.name)


TENSOR_METHODS = {
    "is_same_size": is_same_size, "is_signed": is_signed, "is_nonzero": is_nonzero, "is_inference": is_inference,
    "itemsize": _itemsize, "nbytes": _nbytes, "is_meta": _is_meta, "new": new,
}
