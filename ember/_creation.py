"""Tensor creation: ``zeros``/``ones``/``full``/``empty`` and their ``_like`` forms, ``arange``,
``linspace``, ``logspace``, ``eye``, ``scalar_tensor``; ``tensor``, ``as_tensor``, ``asarray`` and
``from_numpy`` (tensors from data) live in ``_from_data`` and are re-exported here.

>>> ember.tensor([1, 2]).dtype, ember.tensor([1., 2.]).dtype
(torch.int64, torch.float32)
"""
import math

from ._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from ._backend import np, raises_oom_as_runtime_error as _oom
from . import _dtype as D
from ._tensor import Tensor, _wrap, _check_device
from ._device_context import meta_requested as _meta_device
from ._from_data import tensor, as_tensor, asarray, from_numpy, _finish, _int_overflow
from ._layout import relayout as _relayout, empty_in as _empty_in
from ._buffers import empty_strided  # noqa: F401  (its home is with empty_permuted)

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty",
           "zeros_like", "ones_like", "full_like", "empty_like", "arange", "linspace",
           "logspace", "eye", "scalar_tensor", "empty_strided"]

from ._dtype_names import C10_NAMES as _CNAME, SCALAR_NAMES as _SNAME  # noqa: E402
from . import _grad_state  # noqa: E402


def _size_arg(size, fn="zeros"):
    """A shape from varargs ``size`` (ints, or one tuple/list/Size), with PyTorch's errors."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
        single = False
    else:
        single = len(size) == 1
    out = []
    for i, s in enumerate(size):
        if isinstance(s, Tensor) and s._data.ndim == 0 and s.dtype._cat == 1:
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, (bool, np.bool_)):
            if single:
                raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                                f"{type(s).__name__}")
            raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos {i + 1} with "
                            f"error \"type must be tuple of ints,but got {type(s).__name__}\"")
        out.append(int(s))
    for s in out:
        if s < 0:
            if fn == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


def _factory_size(size, kw, fn):
    sz = kw.pop("size", None)
    if kw:
        raise TypeError(f"{fn}() got an unexpected keyword argument {next(iter(kw))!r}")
    if sz is not None:
        if size:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        size = (sz,)
    return _size_arg(size, fn)


def _to_out(t, out):
    """Write a factory's result into ``out=`` (resized when its shape differs)."""
    if out is None:
        return t
    if out._data.shape != t._data.shape:
        out._data = np.empty(t._data.shape, out._data.dtype)
    np.copyto(out._data, t._data, casting="unsafe")
    out._bump()
    return out


def out_dtype(dtype, out, fn):
    """The dtype a factory called with ``out=`` builds in: ``dtype``, else ``out``'s. A ``dtype``
    unlike ``out``'s, or an ``out`` that requires grad (grad mode on), is PyTorch's RuntimeError.

    >>> from ember._creation import out_dtype
    >>> out_dtype(None, ember.empty(0, dtype=ember.int8), "arange")
    torch.int8
    >>> out_dtype(ember.int16, ember.empty(0, dtype=ember.int8), "arange")
    Traceback (most recent call last):
    RuntimeError: dtype Short does not match dtype of out parameter (Char)
    """
    if out is None:
        return dtype
    if out._rg and _grad_state._state[0]:
        raise RuntimeError(f"aten::{fn}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    if dtype is None:
        return out.dtype
    dt = D.to_dtype(dtype)
    if dt is not out.dtype:
        raise RuntimeError(f"dtype {_SNAME[dt.name]} does not match dtype of out parameter "
                           f"({_SNAME[out.dtype.name]})")
    return dt


def _dt(dtype):
    return D._default[0].np if dtype is None else D.to_dtype(dtype).np


@_oom
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          **kw):
    """A tensor of zeros; ``size`` as varargs or one tuple.

    >>> ember.zeros(2, 3).shape, ember.zeros((2,)), ember.zeros(size=(1,), dtype=ember.int32)
    (torch.Size([2, 3]), tensor([0., 0.]), tensor([0], dtype=torch.int32))
    """
    meta = _meta_device(device)
    dtype = out_dtype(dtype, out, "zeros")
    t = _wrap(np.zeros(_factory_size(size, kw, "zeros"), dtype=_dt(dtype)))
    return _finish(_to_out(t, out), requires_grad, meta)


@_oom
def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
         **kw):
    """A tensor of ones.

    >>> ember.ones(2, dtype=ember.int64)
    tensor([1, 1])
    """
    meta = _meta_device(device)
    dtype = out_dtype(dtype, out, "ones")
    t = _wrap(np.ones(_factory_size(size, kw, "ones"), dtype=_dt(dtype)))
    return _finish(_to_out(t, out), requires_grad, meta)


@_oom
def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, **kw):
    """An uninitialised tensor.

    >>> ember.empty(2, 3).shape
    torch.Size([2, 3])
    """
    meta = _meta_device(device)
    dtype = out_dtype(dtype, out, "empty")
    shape = _factory_size(size, kw, "empty")
    npdt = _dt(dtype)
    t = _wrap(np.empty(shape, dtype=npdt) if memory_format is None else _empty_in(shape, npdt, memory_format))
    return _finish(_to_out(t, out), requires_grad, meta)


def _check_fill(v, dt):
    """PyTorch's overflow check for a fill value written into ``dt``."""
    if dt._cat == 1 and isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        if _int_overflow(dt, int(v), int(v)):
            raise RuntimeError(f"value cannot be converted to type {_CNAME[dt.name]} without overflow")
    elif dt._cat == 1 and isinstance(v, (float, np.floating)) and not math.isfinite(v):
        raise RuntimeError(f"value cannot be converted to type {_CNAME[dt.name]} without overflow")
    elif dt._cat == 2 and isinstance(v, (int, float, np.number)) and not isinstance(v, complex):
        fv = float(v)
        if math.isfinite(fv) and dt.name in ("float16", "float32") and abs(fv) > float(np.finfo(dt.np).max):
            raise RuntimeError(f"value cannot be converted to type {_CNAME[dt.name]} without overflow")


def _fill_value(v, fn):
    if isinstance(v, Tensor):
        if v._data.ndim:
            raise RuntimeError(f"{fn} only supports 0-dimension value tensor but got tensor with "
                               f"{v._data.ndim} dimensions.")
        v = v.item()
    if not isinstance(v, (bool, int, float, complex, np.number, np.bool_)):
        raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not {type(v).__name__}")
    return v


@_oom
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """A tensor filled with ``fill_value``; its dtype is inferred from the value (bool, int64,
    the default float or complex).

    >>> ember.full((2,), 7), ember.full((2,), 7.), ember.full((1,), True)
    (tensor([7, 7]), tensor([7., 7.]), tensor([True]))
    """
    meta = _meta_device(device)
    dtype = out_dtype(dtype, out, "full")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(size).__name__}")
    fill_value = _fill_value(fill_value, "full")
    dt = D.to_dtype(dtype) if dtype is not None else D.scalar_dtype(fill_value)
    _check_fill(fill_value, dt)
    shape = _size_arg(tuple(size), "full")
    return _finish(_to_out(_wrap(_full_np(shape, fill_value, dt.np)), out), requires_grad, meta)


def _full_np(shape, v, npdt):
    if npdt.kind == "u" and isinstance(v, (int, np.integer)) and v < 0:  # wraps, as in PyTorch
        v = int(v) % (1 << (8 * npdt.itemsize))
    with np.errstate(all="ignore"):
        return np.full(shape, v, dtype=npdt)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A 0-d tensor of the default float dtype (or ``dtype``).

    >>> ember.scalar_tensor(3), ember.scalar_tensor(1, dtype=ember.int64)
    (tensor(3.), tensor(1))
    """
    _check_device(device)
    s = _fill_value(s, "scalar_tensor")
    return _finish(_wrap(np.asarray(s, dtype=_dt(dtype))), requires_grad)


def _like(input, dtype):
    return input._data.dtype if dtype is None else D.to_dtype(dtype).np


@_oom
def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Zeros with the shape (and dtype) of ``input``.

    >>> ember.zeros_like(ember.ones(2, dtype=ember.int64))
    tensor([0, 0])
    """
    if input._rg is _QM and dtype is None:
        raise _q_refuse("aten::zero_")
    out = np.zeros(input._data.shape, dtype=_like(input, dtype))
    return _finish(_wrap(_relayout(out, input._data, memory_format)), requires_grad)


@_oom
def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Ones with the shape (and dtype) of ``input``.

    >>> ember.ones_like(ember.zeros(2, 1))
    tensor([[1.],
            [1.]])
    """
    if input._rg is _QM and dtype is None:  # quantized: 1.0 quantized by the input's parameters
        return input.clone().fill_(1.0)
    out = np.ones(input._data.shape, dtype=_like(input, dtype))
    return _finish(_wrap(_relayout(out, input._data, memory_format)), requires_grad)


@_oom
def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Uninitialised, with the shape (and dtype) of ``input``.

    >>> ember.empty_like(ember.zeros(2, 3, dtype=ember.int32)).dtype
    torch.int32
    """
    if input._rg is _QM and dtype is None:  # quantized: the input's parameters (values unset)
        return input.clone()
    out = np.empty(input._data.shape, dtype=_like(input, dtype))
    return _finish(_wrap(_relayout(out, input._data, memory_format)), requires_grad)


@_oom
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """``fill_value`` with the shape (and dtype) of ``input`` (floats truncate into int tensors).

    >>> ember.full_like(ember.ones(2, dtype=ember.int64), 2.7)
    tensor([2, 2])
    """
    if input._rg is _QM and dtype is None:  # quantized: the value quantized by the input's parameters
        return input.clone().fill_(fill_value)
    fill_value = _fill_value(fill_value, "full_like")
    npdt = _like(input, dtype)
    dt = D.NP2DT[npdt]
    _check_fill(fill_value, dt)
    out = _full_np(input._data.shape, fill_value, npdt)
    return _finish(_wrap(_relayout(out, input._data, memory_format)), requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def _g(v):
    return str(v) if isinstance(v, (int, np.integer)) else f"{float(v):g}"


@_oom
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``: int64 when all are integers,
    else the default float. The length is ``ceil((end - start) / step)``; for int64 results the
    bounds and step are truncated to integers first, as in PyTorch.

    >>> ember.arange(5), ember.arange(0, 1, 0.25)
    (tensor([0, 1, 2, 3, 4]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    >>> ember.arange(0, 5, 1.5, dtype=ember.int64)
    tensor([0, 1, 2, 3, 4])
    """
    meta = _meta_device(device)
    if (step.__class__ is int and step == 1 and start.__class__ is int and out is None and dtype is None
            and not requires_grad and not meta
            and (start >= 0 if end is None else end.__class__ is int and end >= start)):
        # arange(n) / arange(a, b) of Python ints, nothing else asked: int64 at once
        return _wrap(np.arange(0 if end is None else start, start if end is None else end, dtype=np.int64))
    dtype = out_dtype(dtype, out, "arange")
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    for v in (start, end, step):
        if not isinstance(v, (int, float, np.number, np.bool_)) or isinstance(v, complex):
            raise TypeError(f"arange() received an invalid combination of arguments - got "
                            f"({type(v).__name__})")
    all_int = all(isinstance(v, (int, np.integer, np.bool_)) for v in (start, end, step))
    if dtype is None:
        dt = D.int64 if all_int else D._default[0]
    else:
        dt = D.to_dtype(dtype)
    if dt is D.bool:
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {_g(start)} -> {_g(end)}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start > 0 and step < 0) or (end - start < 0 and step > 0):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt._cat == 2 or dt._cat == 3:
        n = max(int(math.ceil((float(end) - float(start)) / float(step))), 0) if not all_int else \
            max(-((int(start) - int(end)) // int(step)), 0)
        arr = (float(start) + np.arange(n, dtype=np.float64) * float(step)).astype(dt.np)
    else:
        s0, s1, st = int(start), int(end), int(step)
        if dt is D.int64:
            if st == 0:
                raise ValueError("step must be nonzero")
            n = max(-((s0 - s1) // st), 0)
        else:
            n = max(int(math.ceil((float(end) - float(start)) / float(step))), 0)
        with np.errstate(all="ignore"):
            arr = (s0 + np.arange(n, dtype=np.int64) * st).astype(dt.np)
    return _finish(_to_out(_wrap(arr), out), requires_grad, meta)


def _steps(steps, fn):
    steps = _num(steps)
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got steps of type "
                        f"{type(steps).__name__}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return int(steps)


@_oom
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (complex bounds give
    a complex result).

    >>> ember.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _check_device(device)
    dtype = out_dtype(dtype, out, "linspace")
    start, end = _num(start), _num(end)
    steps = _steps(steps, "linspace")
    cplx = isinstance(start, (complex, np.complexfloating)) or isinstance(end, (complex, np.complexfloating))
    if dtype is not None:
        dt = D.to_dtype(dtype)
    else:
        dt = D._default[0].to_complex() if cplx else D._default[0]
    work = np.complex128 if cplx or dt._cat == 3 else np.float64
    arr = np.linspace(start, end, steps, dtype=work)
    if dt._cat <= 1:
        arr = np.trunc(arr.real)
    return _finish(_to_out(_wrap(arr.astype(dt.np)), out), requires_grad)


@_oom
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """``base ** linspace(start, end, steps)``.

    >>> ember.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    _check_device(device)
    dtype = out_dtype(dtype, out, "logspace")
    steps = _steps(steps, "logspace")
    dt = D.to_dtype(dtype) if dtype is not None else D._default[0]
    with np.errstate(over="ignore"):
        arr = np.power(float(base), np.linspace(float(_num(start)), float(_num(end)), steps, dtype=np.float64))
    if dt._cat <= 1:
        arr = np.trunc(arr)
    with np.errstate(all="ignore"):
        return _finish(_to_out(_wrap(arr.astype(dt.np)), out), requires_grad)


@_oom
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False):
    """The identity matrix, ``n x m``.

    >>> ember.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    _check_device(device)
    dtype = out_dtype(dtype, out, "eye")
    for pos, name, v in ((1, "n", n), (2, "m", m)):
        if v is None:
            continue
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise TypeError(f"eye(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    arr = np.eye(int(n), int(n) if m is None else int(m), dtype=_dt(dtype))
    return _finish(_to_out(_wrap(arr), out), requires_grad)


def _zeros_np(shape, npdt):
    return _wrap(np.zeros(shape, dtype=npdt))
