"""The legacy typed tensor classes (``ember.FloatTensor`` ...), ``Tensor.type`` and
``set_default_tensor_type``.

As in PyTorch, ``FloatTensor`` is not a subclass of ``Tensor``: calling it makes an ordinary
float32 tensor, and ``isinstance(x, FloatTensor)`` asks whether ``x`` is a float32 cpu tensor.

>>> x = ember.FloatTensor([1, 2])
>>> x, isinstance(x, ember.FloatTensor), isinstance(x, ember.DoubleTensor)
(tensor([1., 2.]), True, False)
>>> ember.LongTensor(2, 3).shape, x.type(), x.type(ember.DoubleTensor).dtype
(torch.Size([2, 3]), 'torch.FloatTensor', torch.float64)
"""
import copyreg
import warnings

from ._backend import np
from . import _dtype as D
from ._tensor_legacy import dtype_of_type_name
from ._tensor import Tensor, _wrap, device as _device

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor", "set_default_tensor_type"]


class tensortype(type):
    """The metaclass of the legacy typed tensor classes: calls build tensors of its dtype,
    ``isinstance`` compares dtypes, attribute lookups fall through to ``Tensor``."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        if device is not None and _device(device).type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{_device(device).type} was passed")
        return legacy_new(cls.dtype, args)

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(Tensor, name)


tensortype.__module__ = "torch"
copyreg.pickle(tensortype, lambda cls: (_class_by_name, (cls.__name__,)))  # the classes say "torch"


def _class_by_name(name):
    return _CLASSES[name]


def legacy_new(dt, args):
    """``Tensor.new``-style construction with dtype ``dt``: sizes, data, a tensor (an alias of
    it) or a storage (a view of it)."""
    from ._storage import TypedStorage, UntypedStorage
    if len(args) == 1 and isinstance(args[0], (TypedStorage, UntypedStorage)):
        t = _wrap(np.empty((0,), dt.np))
        return t.set_(args[0])
    from .ops.conversion.tensor_info import new
    return new(_wrap(np.empty((0,), dt.np)), *args)


def _make(name, dt):
    cls = tensortype(name, (), {"__module__": "torch", "__qualname__": name, "dtype": dt, "is_cuda": False,
                                "is_sparse": False,
                                "__doc__": f"Legacy constructor of {dt!r} tensors (``{name}(2, 3)``, "
                                           f"``{name}([1, 2])``)."})
    return cls


FloatTensor = _make("FloatTensor", D.float32)
DoubleTensor = _make("DoubleTensor", D.float64)
HalfTensor = _make("HalfTensor", D.float16)
BFloat16Tensor = _make("BFloat16Tensor", D.bfloat16)
LongTensor = _make("LongTensor", D.int64)
IntTensor = _make("IntTensor", D.int32)
ShortTensor = _make("ShortTensor", D.int16)
CharTensor = _make("CharTensor", D.int8)
ByteTensor = _make("ByteTensor", D.uint8)
BoolTensor = _make("BoolTensor", D.bool)
_CLASSES = {c.__name__: c for c in (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, LongTensor, IntTensor,
                                    ShortTensor, CharTensor, ByteTensor, BoolTensor)}


def set_default_tensor_type(t):
    """Deprecated (PyTorch 2.1): set the default floating dtype from a legacy class or type string.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     ember.set_default_tensor_type(ember.DoubleTensor)
    >>> ember.tensor([1.]).dtype
    torch.float64
    >>> ember.set_default_dtype(ember.float32)
    """
    if isinstance(t, str):
        if t.startswith("torch.cuda."):
            raise TypeError(f"type {t} not available. Torch not compiled with CUDA enabled.")
        dt = dtype_of_type_name(t)
    elif isinstance(t, tensortype):
        dt = t.dtype
    else:
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    if not dt.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    D.set_default_dtype(dt)
