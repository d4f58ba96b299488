"""Reading and writing the values of a quantized tensor: Python numbers out (``item``,
``float(q)``), numbers and float tensors in (``fill_``, ``copy_``, ``q[i] = v``), each value
quantized with the tensor's own scale and zero point, as PyTorch does. Bound as methods of
``ember._quantized.QTensor``; the generic Tensor versions would read or write the raw integers.

>>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 0.5]), 0.1, 10, ember.quint8)
>>> q[1].item(), q.clone().fill_(0.26).int_repr()
(0.5, tensor([13, 13], dtype=torch.uint8))
"""
from ._backend import np
from ._tensor import Tensor

__all__ = ["item", "tolist", "to_bool", "fill_", "zero_", "new_zeros", "new_factory", "no_grad_hook",
           "no_retain_grad", "copy_", "setitem"]


def item(self):
    """The (dequantized) value of a one-element quantized tensor, a Python float.

    >>> ember.quantize_per_tensor(ember.tensor([0.26]), 0.1, 0, ember.qint8).item()
    0.30000001192092896
    """
    if self._data.size != 1:
        raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
    return float(self.dequantize()._data.reshape(()))


def tolist(self):
    """PyTorch's error: a quantized tensor has no Python-list form (dequantize first).

    >>> q = ember.quantize_per_tensor(ember.tensor([1.0]), 0.1, 0, ember.qint8)
    >>> q.dequantize().tolist()
    [1.0]
    """
    raise RuntimeError("load_scalar: invalid type")


def to_bool(self):
    """``bool(q)``: whether the one (dequantized) value is nonzero.

    >>> bool(ember.quantize_per_tensor(ember.tensor([-1.0]), 0.1, 10, ember.quint8))
    True
    """
    if self._data.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.dequantize()._data.reshape(()))


def _quantize(self, values):
    """``values`` (float32 array) as this tensor's integers."""
    from . import _quantized as Q
    if self._qscheme is not Q.per_tensor_affine:
        raise NotImplementedError("ember: writing values into a per-channel quantized tensor is "
                                  "not built")
    lo, hi = Q._RANGE[self._qdtype.name]
    with np.errstate(divide="ignore"):
        inv = np.float32(1.0) / np.float32(self._qscale)
    return Q._round_affine(np.asarray(values, np.float32), inv, self._qzp, lo, hi).astype(
        self._data.dtype)


def _number(value):
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return float(value.dequantize()._data if value.is_quantized else value._data)
    return float(value)


def fill_(self, value):
    """Fill with ``value`` quantized by the tensor's scale and zero point.

    >>> q = ember.quantize_per_tensor(ember.zeros(2), 0.1, 10, ember.quint8)
    >>> q.fill_(0.5).int_repr()
    tensor([15, 15], dtype=torch.uint8)
    """
    self._data[...] = _quantize(self, _number(value))
    self._bump()
    return self


def zero_(self):
    """PyTorch's NotImplementedError (it has no quantized ``zero_``; ``fill_(0.)`` writes the
    zero point).

    >>> q = ember.quantize_per_tensor(ember.ones(1), 0.1, 10, ember.quint8)
    >>> q.fill_(0.).int_repr()
    tensor([10], dtype=torch.uint8)
    """
    from ._quantized_dispatch import not_implemented
    raise not_implemented("aten::zero_")


def new_zeros(self, *size, **kwargs):
    """PyTorch's NotImplementedError (``aten::zero_``) for ``q.new_zeros(...)`` without a
    dtype; with a non-quantized ``dtype=`` the plain tensor of zeros.

    >>> q = ember.quantize_per_tensor(ember.ones(1), 0.1, 10, ember.quint8)
    >>> q.new_zeros(2, dtype=ember.float32)
    tensor([0., 0.])
    """
    from . import _quantized as Q
    if Q.canonical(kwargs.get("dtype"), self._qdtype) in Q._QDTYPES.values():
        from ._quantized_mark import not_implemented
        raise not_implemented("aten::zero_")
    from ._creation import zeros
    return zeros(*size, **kwargs)


def new_factory(name):
    """``q.new_ones``/``new_full``/``new_empty``/``new_tensor``/``new``: with a non-quantized
    ``dtype=`` the plain factory; otherwise NotImplementedError (ember builds no quantized
    tensor from a size; quantize one instead).

    >>> q = ember.quantize_per_tensor(ember.ones(1), 0.1, 10, ember.quint8)
    >>> q.new_ones(2, dtype=ember.float32)
    tensor([1., 1.])
    """
    from ._tensor import Tensor as _T

    def method(self, *args, **kwargs):
        from . import _quantized as Q
        if Q.canonical(kwargs.get("dtype"), self._qdtype) in Q._QDTYPES.values():
            raise NotImplementedError(f"ember: Tensor.{name} of a quantized tensor is not built "
                                      "(quantize a float tensor instead)")
        return getattr(_T, name)(self.dequantize(), *args, **kwargs)
    method.__name__ = name
    return method


def no_grad_hook(self, *args, **kwargs):
    """PyTorch's error: a quantized tensor never requires grad, so it takes no hooks.

    >>> q = ember.quantize_per_tensor(ember.ones(1), 0.1, 10, ember.quint8)
    >>> q.requires_grad
    False
    """
    raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")


def no_retain_grad(self):
    """PyTorch's error: a quantized tensor never requires grad."""
    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")


def copy_(self, src, non_blocking=False):
    """Copy ``src`` in: a float32 tensor of the same shape is quantized with this tensor's
    scale and zero point; a quantized tensor of the same dtype gives its integers (as PyTorch).

    >>> q = ember.quantize_per_tensor(ember.zeros(2), 0.1, 10, ember.quint8)
    >>> q.copy_(ember.tensor([0.5, -1.0])).int_repr()
    tensor([15,  0], dtype=torch.uint8)
    """
    if src.is_quantized:
        if src.dtype is not self.dtype:
            raise RuntimeError("Expected self.scalar_type() == src.scalar_type() to be true, but "
                               "got false.")
        ints = src._data
    else:
        if src._data.dtype != np.float32:
            raise RuntimeError("Quantized copy only works with kFloat as source Tensor")
        ints = _quantize(self, src._data)
    if ints.shape != self._data.shape:
        raise RuntimeError("Quantized copy only works with Tensors with the same shape")
    self._data[...] = ints
    self._bump()
    return self


def setitem(self, idx, value):
    """``q[idx] = value``: a number or float32 tensor quantized with the tensor's scale and zero
    point (a quantized tensor of the same dtype gives its integers).

    >>> q = ember.quantize_per_tensor(ember.zeros(3), 0.1, 10, ember.quint8)
    >>> q[1] = 0.5; q.int_repr()
    tensor([10, 15, 10], dtype=torch.uint8)
    """
    if isinstance(idx, Tensor):
        idx = idx._data
    elif isinstance(idx, tuple):
        idx = tuple(i._data if isinstance(i, Tensor) else i for i in idx)
    if isinstance(value, Tensor) and value.is_quantized:
        if value.dtype is not self.dtype:
            raise RuntimeError("Expected self.scalar_type() == src.scalar_type() to be true, but "
                               "got false.")
        ints = value._data
    else:
        ints = _quantize(self, value._data if isinstance(value, Tensor) else float(value))
    self._data[idx] = ints
    self._bump()
