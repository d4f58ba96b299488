"""Tensor creation: ``tensor``, ``as_tensor``, ``from_numpy``, ``zeros``/``ones``/``full``/
``empty`` and their ``_like`` forms, ``arange``, ``linspace``, ``logspace``, ``eye``.

>>> ember.tensor([1, 2]).dtype, ember.tensor([1., 2.]).dtype
(torch.int64, torch.float32)
"""
import math

from ._backend import np, ndarray
from . import _dtype as D
from ._tensor import Tensor, _wrap, _check_device

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty",
           "zeros_like", "ones_like", "full_like", "empty_like", "arange", "linspace",
           "logspace", "eye", "scalar_tensor", "empty_strided"]


def _known(npdt):
    """True for a NumPy dtype ember has a dtype for (bfloat16 registered on first sight)."""
    try:
        D.NP2DT[npdt]
        return True
    except KeyError:
        return False


def _infer_dtype(data):
    """PyTorch's dtype for nested Python data: bool < int64 < default float < complex."""
    cat = -1
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            cat = max(cat, x.dtype._cat)
        elif isinstance(x, bool) or isinstance(x, np.bool_):
            cat = max(cat, 0)
        elif isinstance(x, (int, np.integer)):
            cat = max(cat, 1)
        elif isinstance(x, (float, np.floating)):
            cat = max(cat, 2)
        elif isinstance(x, (complex, np.complexfloating)):
            cat = max(cat, 3)
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
    if cat == 0:
        return D.bool
    if cat == 3:
        return D._default[0].to_complex()
    if cat == 2 or cat == -1:
        return D._default[0]
    return D.int64


def _size_arg(size, fn="zeros"):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _finish(t, requires_grad):
    if requires_grad:
        if t._data.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (nested lists, scalars, arrays, tensors).

    Python floats give float32 (the default dtype), ints int64, bools bool; a NumPy
    array keeps its dtype.

    >>> ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    tensor([[1., 2.],
            [3., 4.]], requires_grad=True)
    """
    _check_device(device)
    if isinstance(data, Tensor):
        arr = data._data.copy()
        if dtype is not None:
            arr = arr.astype(D.to_dtype(dtype).np)
        return _finish(_wrap(arr), requires_grad)
    if dtype is not None:
        dt = D.to_dtype(dtype)
    elif isinstance(data, ndarray):
        if not _known(data.dtype):
            raise TypeError(f"can't convert np.ndarray of type {data.dtype}. The only supported types "
                            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
                            "int8, uint8, and bool.")
        return _finish(_wrap(np.array(data)), requires_grad)
    elif isinstance(data, np.generic):
        return _finish(_wrap(np.array(data)), requires_grad)
    else:
        dt = _infer_dtype(data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat_first(data)):
        data = _tensors_to_lists(data)
    try:
        arr = np.array(data, dtype=dt.np)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists: {e}") from None
    except OverflowError:
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow") from None
    return _finish(_wrap(arr), requires_grad)


def _flat_first(data):
    x = data
    while isinstance(x, (list, tuple)) and x:
        yield from (y for y in x if isinstance(y, Tensor))
        x = x[0]


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        if data._data.ndim == 0:
            return data.item()
        return data._data
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def as_tensor(data, dtype=None, device=None):
    """Like :func:`tensor` but shares memory with a tensor or NumPy array when it can.

    >>> a = np.zeros(2, dtype=np.float32); ember.as_tensor(a)[0] = 1.; a
    array([1., 0.], dtype=float32)
    """
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, ndarray) and (dtype is None or D.to_dtype(dtype).np == data.dtype):
        if _known(data.dtype):
            return _wrap(data)
    return tensor(data, dtype=dtype)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``torch.asarray``: share memory where possible, copy when asked or needed."""
    t = tensor(obj, dtype=dtype) if copy else as_tensor(obj, dtype=dtype, device=device)
    return _finish(t, requires_grad)


def from_numpy(ndarray_):
    """A tensor sharing memory with a NumPy array (writes are seen by both).

    >>> a = np.arange(3); t = ember.from_numpy(a); t[0] = 7; a
    array([7, 1, 2])
    """
    if not isinstance(ndarray_, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")
    if not _known(ndarray_.dtype):
        raise TypeError(f"can't convert np.ndarray of type {ndarray_.dtype}. The only supported types "
                        "are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
                        "int8, uint8, and bool.")
    return _wrap(ndarray_)


def _dt(dtype):
    return D._default[0].np if dtype is None else D.to_dtype(dtype).np


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of zeros; ``size`` as varargs or one tuple.

    >>> ember.zeros(2, 3).shape
    torch.Size([2, 3])
    """
    _check_device(device)
    return _finish(_wrap(np.zeros(_size_arg(size), dtype=_dt(dtype))), requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of ones.

    >>> ember.ones(2, dtype=ember.int64)
    tensor([1, 1])
    """
    _check_device(device)
    return _finish(_wrap(np.ones(_size_arg(size), dtype=_dt(dtype))), requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    """An uninitialised tensor.

    >>> ember.empty(2, 3).shape
    torch.Size([2, 3])
    """
    _check_device(device)
    return _finish(_wrap(np.empty(_size_arg(size), dtype=_dt(dtype))), requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor (the strides are taken as C-contiguous)."""
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """A tensor filled with ``fill_value``; its dtype is inferred from the value.

    >>> ember.full((2,), 7)
    tensor([7, 7])
    """
    _check_device(device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dt = D.to_dtype(dtype) if dtype is not None else D.scalar_dtype(fill_value)
    return _finish(_wrap(np.full(_size_arg((size,) if isinstance(size, int) else tuple(size)),
                                 fill_value, dtype=dt.np)), requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor of the default float dtype (or ``dtype``)."""
    return _finish(_wrap(np.asarray(s, dtype=_dt(dtype))), requires_grad)


def _like(input, dtype):
    return input._data.dtype if dtype is None else D.to_dtype(dtype).np


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Zeros with the shape (and dtype) of ``input``.

    >>> ember.zeros_like(ember.ones(2, dtype=ember.int64))
    tensor([0, 0])
    """
    return _finish(_wrap(np.zeros(input._data.shape, dtype=_like(input, dtype))), requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Ones with the shape (and dtype) of ``input``."""
    return _finish(_wrap(np.ones(input._data.shape, dtype=_like(input, dtype))), requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Uninitialised, with the shape (and dtype) of ``input``."""
    return _finish(_wrap(np.empty(input._data.shape, dtype=_like(input, dtype))), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """``fill_value`` with the shape (and dtype) of ``input``."""
    return _finish(_wrap(np.full(input._data.shape, fill_value, dtype=_like(input, dtype))), requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 when all are ints.

    >>> ember.arange(5), ember.arange(0, 1, 0.25)
    (tensor([0, 1, 2, 3, 4]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    """
    _check_device(device)
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dt = D.int64 if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) or isinstance(v, bool)
                            for v in (start, end, step)) else D._default[0]
    else:
        dt = D.to_dtype(dtype)
    n = max(int(math.ceil((end - start) / step)), 0)
    if dt._cat >= 2:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (np.arange(n, dtype=np.int64) * int(step) + int(start)).astype(dt.np) if all(
            isinstance(v, (int, np.integer)) for v in (start, step)) else \
            np.floor(start + np.arange(n) * step).astype(dt.np)
    return _finish(_wrap(arr), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> ember.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _check_device(device)
    start, end = _num(start), _num(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = D.to_dtype(dtype) if dtype is not None else D._default[0]
    if dt._cat >= 2:
        arr = np.linspace(start, end, steps, dtype=np.float64).astype(dt.np)
    else:
        arr = np.linspace(start, end, steps, dtype=np.float64).astype(dt.np)
    return _finish(_wrap(arr), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``base ** linspace(start, end, steps)``.

    >>> ember.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    _check_device(device)
    dt = D.to_dtype(dtype) if dtype is not None else D._default[0]
    arr = np.power(float(base), np.linspace(_num(start), _num(end), steps, dtype=np.float64)).astype(dt.np)
    return _finish(_wrap(arr), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The identity matrix, ``n x m``.

    >>> ember.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    _check_device(device)
    return _finish(_wrap(np.eye(n, n if m is None else m, dtype=_dt(dtype))), requires_grad)


def _zeros_np(shape, npdt):
    return _wrap(np.zeros(shape, dtype=npdt))
