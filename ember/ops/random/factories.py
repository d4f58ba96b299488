"""Random factories: ``rand``, ``randn``, ``randint``, ``randperm`` and the ``*_like`` forms.

>>> g = ember.Generator().manual_seed(1)
>>> ember.randint(0, 10, (2, 3), generator=g).dtype
torch.int64
"""
from .._util import np, D, Tensor, _wrap
from ..._random import rng
from ..._creation import _size_arg, _finish, out_dtype
from ..._tensor import _check_device
from ..elementwise.arithmetic import _out
from ..._backend import raises_oom_as_runtime_error as _oom
from .draws import _C, _check_int_bounds, _float_dt, _not_impl, _std_normal, _uniform01
from . import torch_draws as _td

__all__ = ["rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like"]


# ------------------------------------------------------------------ factories
def _size(args, kw, fn):
    """The shape from varargs or a ``size=`` keyword (``kw``: the remaining keywords)."""
    size = kw.pop("size", None)
    if kw:
        raise TypeError(f"{fn}() got an unexpected keyword argument {next(iter(kw))!r}")
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        args = (size,)
    return _size_arg(args, fn)


@_oom
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kw):
    """Uniform samples from [0, 1) of the default float dtype (or ``dtype``).

    >>> x = ember.rand(2, 3, generator=ember.Generator().manual_seed(0))
    >>> x.shape, x.dtype, bool(((x >= 0) & (x < 1)).all())
    (torch.Size([2, 3]), torch.float32, True)
    """
    _check_device(device)
    shape = _size(size, kw, "rand")
    dt = _float_dt(out_dtype(dtype, out, "rand"))
    if dt._cat < 2:
        raise _not_impl("check_uniform_bounds", dt.np)
    r = _wrap(_td.uniform(generator, shape, dt.np) if dt.np.kind != "c" else _uniform01(rng(generator), shape, dt.np))
    return _finish(_out(r, out), requires_grad)


@_oom
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kw):
    """Standard normal samples of the default float dtype (or ``dtype``).

    >>> ember.randn(4, dtype=ember.float64, generator=ember.Generator().manual_seed(0)).dtype
    torch.float64
    """
    _check_device(device)
    shape = _size(size, kw, "randn")
    dt = _float_dt(out_dtype(dtype, out, "randn"))
    if dt._cat < 2:
        raise _not_impl("normal_kernel_cpu", dt.np)
    r = _wrap(_td.normal(generator, shape, dt.np) if dt.np.kind != "c" else _std_normal(rng(generator), shape, dt.np))
    return _finish(_out(r, out), requires_grad)


def _integers(generator, lo, hi, shape, npdt):
    return _td.integers(generator, lo, hi, shape).astype(npdt, copy=False)


def _int_arg(v, name):
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise TypeError(f"randint(): argument '{name}' must be int, not {type(v).__name__}")
    return int(v)


@_oom
def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    The default dtype is int64; a float ``dtype`` gives integer-valued floats.

    >>> x = ember.randint(3, 10, (2, 2), generator=ember.Generator().manual_seed(0))
    >>> x.dtype, bool(((x >= 3) & (x < 10)).all())
    (torch.int64, True)
    """
    _check_device(device)
    args = list(args)
    if size is None:
        if not args or not hasattr(args[-1], "__len__"):
            raise TypeError("randint() missing required argument 'size'")
        size = args.pop()
    if high is None:
        if not args:
            raise TypeError("randint() missing required argument 'high'")
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    if args:
        raise TypeError("randint() takes at most 3 positional arguments")
    low, high = _int_arg(low, "low"), _int_arg(high, "high")
    shape = _size_arg((size,), "randint")
    dtype = out_dtype(dtype, out, "randint")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    _check_int_bounds(low, high, dt)
    r = _wrap(_integers(generator, low, high, shape, dt.np))
    return _finish(_out(r, out), requires_grad)


@_oom
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of ``0 .. n-1`` (int64 unless ``dtype``).

    >>> sorted(ember.randperm(5, generator=ember.Generator().manual_seed(0)).tolist())
    [0, 1, 2, 3, 4]
    """
    _check_device(device)
    n = _int_arg(n, "n")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dtype = out_dtype(dtype, out, "randperm")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    if dt._cat <= 1 and dt is not D.int64 and n > 0:
        mx = 1 if dt._cat == 0 else int(np.iinfo(dt.np).max)
        if n - 1 > mx:
            raise RuntimeError(f"n must be strictly less than the largest representable value of "
                               f"{_C[dt.name]} ({mx + 1}), got {n}")
    r = _wrap(_td.permutation(generator, n).astype(dt.np))
    return _finish(_out(r, out), requires_grad)


def _like_dt(input, dtype):
    return input.dtype if dtype is None else D.to_dtype(dtype)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """:func:`rand` with the shape (and dtype) of ``input``.

    >>> ember.rand_like(ember.zeros(2, 3, dtype=ember.float64)).dtype
    torch.float64
    """
    return rand(input.shape, generator=generator, dtype=_like_dt(input, dtype), device=device,
                requires_grad=requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """:func:`randn` with the shape (and dtype) of ``input``.

    >>> ember.randn_like(ember.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    return randn(input.shape, generator=generator, dtype=_like_dt(input, dtype), device=device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """:func:`randint` with the shape (and dtype) of ``input``: ``(input, high)`` or ``(input, low, high)``.

    >>> ember.randint_like(ember.zeros(3, dtype=ember.int32), 5).dtype
    torch.int32
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, dtype=_like_dt(input, dtype),
                   device=device, requires_grad=requires_grad)
