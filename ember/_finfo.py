"""Numeric limits of dtypes and the casting table: ``finfo``, ``iinfo``, ``can_cast``.

>>> ember.finfo(ember.float16).max, ember.iinfo(ember.int8).min
(65504.0, -128)
>>> ember.can_cast(ember.float32, ember.int32)
False
"""
import builtins
import math

from ._backend import np
from . import _dtype as D

__all__ = ["finfo", "iinfo", "can_cast"]


def _need_dtype(fn, arg, pos, x):
    if isinstance(x, D.dtype):
        return x
    if x is builtins.float:
        return D.float64
    if x is builtins.int:
        return D.int64
    if x is builtins.bool:
        return D.bool
    if x is builtins.complex:
        return D.complex128
    raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be torch.dtype, not {type(x).__name__}")


# PyTorch's epsilon where it differs from the format's (c10 gives float8_e5m2fnuz 2**-3, not 2**-2)
_EPS = {"float8_e5m2fnuz": 0.125}


class finfo:
    """Limits of a floating (or complex: of its real part) dtype, as ``torch.finfo``.

    Fields: ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``),
    ``resolution`` and ``dtype`` (the name, a str). ``finfo()`` describes the default dtype.

    >>> f = ember.finfo(ember.float32)
    >>> f.bits, f.eps, f.dtype
    (32, 1.1920928955078125e-07, 'float32')
    >>> ember.finfo(ember.bfloat16).resolution
    0.01
    """

    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")
    __hash__ = None

    def __init__(self, type=None):
        d = D.get_default_dtype() if type is None else _need_dtype("finfo", "type", 1, type)
        if d.is_complex:
            d = d.to_real()
        if not d.is_floating_point or d.name == "float4_e2m1fn_x2":
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        if d.name in ("float16", "float32", "float64"):
            info = np.finfo(d.np)
        else:
            import ml_dtypes
            info = ml_dtypes.finfo(d.np)
        self.bits = d.itemsize * 8
        self.eps = _EPS.get(d.name, builtins.float(info.eps))
        self.max = builtins.float(info.max)
        self.smallest_normal = self.tiny = builtins.float(info.smallest_normal)
        self.min = -self.max if d.is_signed else self.smallest_normal
        self.resolution = 10.0 ** -builtins.int(-math.log10(self.eps))
        self.dtype = d.name

    def __eq__(self, other):
        if not isinstance(other, finfo):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __reduce__(self):
        return (_info, ("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


finfo.__module__ = "torch"


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``: ``bits``, ``min``, ``max``, ``dtype``.

    >>> i = ember.iinfo(ember.uint8)
    >>> i.bits, i.min, i.max, i.dtype
    (8, 0, 255, 'uint8')
    """

    __slots__ = ("bits", "min", "max", "dtype")
    __hash__ = None

    def __init__(self, type):
        d = _need_dtype("iinfo", "type", 1, type)
        if d is D.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.name.startswith("q"):
            raise NotImplementedError(f"ember: iinfo of the quantized dtype torch.{d.name} is not built")
        if d._cat != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(d.np)
        self.bits, self.min, self.max, self.dtype = d.itemsize * 8, builtins.int(info.min), \
            builtins.int(info.max), d.name

    def __eq__(self, other):
        if not isinstance(other, iinfo):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __reduce__(self):
        return (_info, ("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


iinfo.__module__ = "torch"


def _info(kind, name):
    return (finfo if kind == "finfo" else iinfo)(D._BY_NAME[name])


def can_cast(from_, to):
    """Whether PyTorch's casting rules allow ``from_`` -> ``to`` in ops with ``out=`` and in-place
    ops: no complex to non-complex, no floating to integer, nothing but bool to bool.

    >>> ember.can_cast(ember.int64, ember.float16), ember.can_cast(ember.float64, ember.bool)
    (True, False)
    """
    a = _need_dtype_strict("from_", 1, from_)
    b = _need_dtype_strict("to", 2, to)
    if a.is_complex and not b.is_complex:
        return False
    if a.is_floating_point and _integral(b):
        return False
    return not (a is not D.bool and b is D.bool)


def _need_dtype_strict(arg, pos, x):
    if not isinstance(x, D.dtype):
        raise TypeError(f"can_cast(): argument '{arg}' (position {pos}) must be torch.dtype, not {type(x).__name__}")
    return x


def _integral(d):
    return d._cat == 1
