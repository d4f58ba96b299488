"""Tensors from data: ``tensor`` (a copy), ``as_tensor``/``asarray`` (sharing memory where they
can) and ``from_numpy``, with PyTorch's dtype inference for nested Python data (bools, ints,
floats, complex, tensors) and its errors for ragged, overflowing or unsupported input.

>>> ember.tensor([1, 2]).dtype, ember.tensor([1., 2.]).dtype, ember.tensor([True]).dtype
(torch.int64, torch.float32, torch.bool)
"""
from ._backend import np, ndarray
from . import _dtype as D
from ._tensor import Tensor, _wrap, _check_device
from ._device_context import meta_requested as _meta_device

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy"]

_SUPPORTED = ("can't convert np.ndarray of type {}. The only supported types are: float64, float32, "
              "float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")


def _known(npdt):
    """True for a NumPy dtype ember has a dtype for (bfloat16 registered on first sight)."""
    try:
        D.NP2DT[npdt]
        return True
    except KeyError:
        return False


def _check_ndarray(a):
    if not a.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported.")
    if not _known(a.dtype):
        raise TypeError(_SUPPORTED.format(a.dtype))


_SEQ = (list, tuple, range)
_F32, _F64 = np.dtype("float32"), np.dtype("float64")
_F32_MAX = float(np.finfo(np.float32).max)


def _infer_dtype(data):
    """PyTorch's dtype for nested data: Python bools/ints/floats/complexes count as bool, int64,
    the default float and its complex; tensors, NumPy scalars and arrays as their own dtype;
    the result is their promotion."""
    if data.__class__ is list:  # fast path: lists of lists of plain Python numbers
        level = [data]
        while level:
            kinds = set()
            for seq in level:
                kinds.update(map(type, seq))
            if kinds and kinds <= _PY_KINDS:
                return _PY_KINDS_DTYPE[max(_PY_KIND_RANK[k] for k in kinds)]()
            if not kinds or not kinds <= {list, tuple}:
                break
            level = [x for seq in level for x in seq]
    seen = set()
    stack = [data]
    while stack:
        x = stack.pop()
        c = x.__class__
        if c is float:
            seen.add(D._default[0])
        elif c is int:
            seen.add(D.int64)
        elif c is list or c is tuple or c is range:
            stack.extend(x)
        elif c is bool:
            seen.add(D.bool)
        elif c is complex:
            seen.add(D._default[0].to_complex())
        elif isinstance(x, Tensor):
            seen.add(x.dtype)
        elif isinstance(x, (np.generic, ndarray)):
            dt = _np_dtype(x.dtype)
            if dt is None:
                raise TypeError(_SUPPORTED.format(x.dtype))
            seen.add(dt)
        elif isinstance(x, _SEQ):
            stack.extend(x)
        elif isinstance(x, str):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        else:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    if not seen:
        return D._default[0]
    it = iter(seen)
    out = next(it)
    for dt in it:
        out = D.promote_types(out, dt)
    return out


_PY_KINDS = {bool, int, float, complex}


_PY_KIND_RANK = {bool: 0, int: 1, float: 2, complex: 3}


_PY_KINDS_DTYPE = (lambda: D.bool, lambda: D.int64, lambda: D._default[0],
                   lambda: D._default[0].to_complex())


def _np_dtype(npdt):
    try:
        return D.NP2DT[npdt]
    except KeyError:
        return None


def _is_seq(x):
    return isinstance(x, _SEQ) or (isinstance(x, (ndarray, Tensor)) and x.ndim > 0)


def _check_nested(data, dt):
    """Raise PyTorch's error for ragged or mis-nested data (shape taken from first elements)."""
    shape = []
    x = data
    while _is_seq(x):
        shape.append(len(x))
        if not len(x):
            break
        x = x[0]

    def walk(x, d):
        if d == len(shape):
            if _is_seq(x):
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer"
                                if dt._cat < 2 else f"must be real number, not {type(x).__name__}")
            return
        if not _is_seq(x):
            raise TypeError("not a sequence")
        if len(x) != shape[d]:
            raise ValueError(f"expected sequence of length {shape[d]} at dim {d} (got {len(x)})")
        for y in x:
            walk(y, d + 1)
    walk(data, 0)


def _unwrap_tensors(data):
    """Nested data with tensors replaced by Python numbers (one-element tensors only, as torch)."""
    if isinstance(data, Tensor):
        if data._data.size != 1:
            if data.dtype._cat <= 1:
                raise TypeError("only integer tensors of a single element can be converted to an index")
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data.item()
    if isinstance(data, _SEQ):
        return [_unwrap_tensors(x) for x in data]
    return data


def _has_tensor(data):
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            return True
        if isinstance(x, _SEQ):
            stack.extend(x)
    return False


def _int_overflow(dt, lo, hi):
    """Whether Python ints in [lo, hi] overflow ``dt`` (unsigned types let negatives wrap)."""
    info = np.iinfo(dt.np)
    mn = -int(info.max) if info.min == 0 else int(info.min)
    return lo < mn or hi > int(info.max)


def _from_python(data, dt):
    try:
        with np.errstate(all="ignore"):
            return np.array(data, dtype=dt.np)
    except OverflowError as e:
        if "float" in str(e):  # inf into an integer dtype
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow") from None
    except (ValueError, TypeError) as e:
        _check_nested(data, dt)
        if "NaN" in str(e) or "infinity" in str(e):
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow") from None
        raise
    # a Python int out of the dtype's range: torch lets negatives wrap into unsigned types
    try:
        wide = np.array(data, dtype=np.int64)
    except OverflowError:
        try:
            floats = np.asarray(data).dtype.kind == "f"
        except (OverflowError, ValueError):
            floats = False
        if floats:  # a float beyond the integer dtype's range
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow") from None
        raise ValueError("Overflow when unpacking long long") from None
    if wide.size and _int_overflow(dt, int(wide.min()), int(wide.max())):
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")
    return wide.astype(dt.np)


def _finish(t, requires_grad, meta=False):
    if meta:
        t._meta = True
    if requires_grad:
        if t._data.dtype.kind not in "fcV":  # V: bfloat16
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._rg = True
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (nested lists, scalars, arrays, tensors).

    Python floats give float32 (the default dtype), ints int64, bools bool; a NumPy
    array keeps its dtype. Ragged lists raise ValueError, as in PyTorch.

    >>> ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    tensor([[1., 2.],
            [3., 4.]], requires_grad=True)
    >>> ember.tensor([True, 2]), ember.tensor([1, 2.5]), ember.tensor(3)
    (tensor([1, 2]), tensor([1.0000, 2.5000]), tensor(3))
    """
    meta = _meta_device(device)
    if data.__class__ is float and dtype is None:  # a Python float (in range: no overflow to warn about)
        npdt = D._default[0].np
        if npdt is _F64 or (npdt is _F32 and -_F32_MAX <= data <= _F32_MAX):
            return _finish(_wrap(np.array(data, npdt)), requires_grad, meta)
    dt = None if dtype is None else D.to_dtype(dtype)
    if isinstance(data, Tensor):
        arr = data._data.copy() if dt is None else data._data.astype(dt.np)
        return _finish(_wrap(arr), requires_grad, meta)
    if isinstance(data, ndarray):
        _check_ndarray(data)
        arr = np.array(data) if dt is None else data.astype(dt.np)
        return _finish(_wrap(arr), requires_grad, meta)
    if isinstance(data, np.generic) and dt is None:
        if not _known(data.dtype):
            raise TypeError(_SUPPORTED.format(data.dtype))
        return _finish(_wrap(np.array(data)), requires_grad, meta)
    if dt is None:
        dt = _infer_dtype(data)
    if _has_tensor(data):
        data = _unwrap_tensors(data)
    elif isinstance(data, range):
        data = list(data)
    return _finish(_wrap(_from_python(data, dt)), requires_grad, meta)


def as_tensor(data, dtype=None, device=None):
    """Like :func:`tensor` but shares memory with a tensor or NumPy array when it can.

    >>> a = np.zeros(2, dtype=np.float32); ember.as_tensor(a)[0] = 1.; a
    array([1., 0.], dtype=float32)
    """
    _check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, ndarray) and (dtype is None or D.to_dtype(dtype).np == data.dtype):
        _check_ndarray(data)
        return _wrap(data)
    return tensor(data, dtype=dtype)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``torch.asarray``: share memory where possible (``copy=None``), always copy with
    ``copy=True``; ``copy=False`` raises when a copy would be needed.

    >>> a = np.ones(2); ember.asarray(a)[0] = 5.; a
    array([5., 1.])
    """
    if hasattr(obj, "untyped") and hasattr(obj, "nbytes"):  # a storage: its bytes, seen as ``dtype``
        obj = obj.untyped()._buf.view(np.uint8 if dtype is None else D.to_dtype(dtype).np)
        dtype = None
    if copy:
        t = tensor(obj, dtype=dtype, device=device)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
        if copy is False and isinstance(obj, (Tensor, ndarray)):
            src = obj._data if isinstance(obj, Tensor) else obj
            if not np.shares_memory(t._data, src):
                raise ValueError("can't alias tensor: a copy would be needed (copy=False)")
    return _finish(t, requires_grad)


def from_numpy(ndarray_):
    """A tensor sharing memory with a NumPy array (writes are seen by both).

    >>> a = np.arange(3); t = ember.from_numpy(a); t[0] = 7; a
    array([7, 1, 2])
    """
    if not isinstance(ndarray_, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")
    _check_ndarray(ndarray_)
    return _wrap(ndarray_)
