"""dtypes with PyTorch's names and PyTorch's type-promotion rules.

>>> import ember
>>> ember.float32, ember.int64.is_floating_point
(torch.float32, False)
>>> ember.promote_types(ember.uint8, ember.int8)
torch.int16
"""
from ._backend import np

__all__ = [
    "dtype", "float32", "float", "float64", "double", "float16", "half", "bfloat16",
    "int8", "int16", "int32", "int", "int64", "long", "uint8", "bool",
    "complex64", "cfloat", "complex128", "cdouble",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
    "uint16", "uint32", "uint64", "complex32", "chalf", "float8_e4m3fn", "float8_e5m2",
    "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
    "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16",
    "int1", "int2", "int3", "int4", "int5", "int6", "int7",
    "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
]
# the dtype class, the classic dtypes and the lookup tables live in ember/_dtype_registry.py; bfloat16,
# float8, complex32 and the dtypes without storage in ember/_dtype_extra.py
from ._dtype_registry import (dtype, bool, uint8, int8, int16, int32, int64, float16, float32, float64,  # noqa: F401
                              complex64, complex128, uint16, uint32, uint64, _ALL, _BY_NAME, NP2DT, _by_name)
from ._dtype_extra import (bfloat16, complex32, chalf, float8_e4m3fn, float8_e5m2, float8_e4m3fnuz,  # noqa: F401
                           float8_e5m2fnuz, float8_e8m0fnu, float4_e2m1fn_x2, qint8, quint8, qint32,
                           quint4x2, quint2x4, bits1x8, bits2x4, bits4x2, bits8, bits16, int1, int2, int3,
                           int4, int5, int6, int7, uint1, uint2, uint3, uint4, uint5, uint6, uint7,
                           promotion_error, NO_PROMOTION as _NO_PROMOTION)

float, double, half, long, int = float32, float64, float16, int64, int32
cfloat, cdouble = complex64, complex128
short = int16


def __getattr__(name):  # kept for callers of the former lazy bfloat16 lookup
    if name == "bfloat16":
        return bfloat16
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_dtype(x):
    """Normalise a dtype given as an ember dtype, numpy dtype, Python type or string."""
    if x.__class__ is dtype:
        return x
    if x is None:
        return None
    if isinstance(x, dtype):  # the dtypes of ember/_dtype_extra.py without NumPy storage
        return x
    try:
        return NP2DT[x]
    except (KeyError, TypeError):
        pass
    if x is builtins_float:
        return _default[0]
    if x is builtins_int:
        return int64
    if x is builtins_bool:
        return bool
    if x is builtins_complex:
        return _default[0].to_complex()
    if isinstance(x, str):
        name = x[6:] if x.startswith("torch.") else x
        alias = {"float": float32, "double": float64, "half": float16, "long": int64,
                 "int": int32, "short": int16, "cfloat": complex64, "cdouble": complex128}
        if name in alias:
            return alias[name]
        if name in _BY_NAME:
            return _BY_NAME[name]
    try:
        return NP2DT[np.dtype(x)]
    except (KeyError, TypeError):
        raise TypeError(f"unsupported dtype: {x!r}") from None


import builtins as _b

builtins_float, builtins_int, builtins_bool, builtins_complex = _b.float, _b.int, _b.bool, _b.complex

_default = [float32]


def get_default_dtype():
    """The dtype of tensors made from Python floats (float32 unless changed).

    >>> ember.get_default_dtype()
    torch.float32
    """
    return _default[0]


def set_default_dtype(d):
    """Set the default floating point dtype (float32 or float64, or float16/bfloat16).

    >>> ember.set_default_dtype(ember.float64); ember.tensor(1.5).dtype
    torch.float64
    >>> ember.set_default_dtype(ember.float32)
    """
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


_promo_cache = {}


def promote_types(a, b):
    """The smallest dtype both ``a`` and ``b`` can be cast to, as torch.promote_types.

    >>> ember.promote_types(ember.int32, ember.float16)
    torch.float16
    """
    key = (a, b)
    r = _promo_cache.get(key)
    if r is None:
        if a is b:
            r = a
        elif a.name in _NO_PROMOTION or b.name in _NO_PROMOTION:
            r = promotion_error(a, b)
        elif a._cat != b._cat:  # across categories the higher one wins (int + float32 = float32)
            hi, lo = (a, b) if a._cat > b._cat else (b, a)
            r = hi
            if hi._cat == 3 and lo._cat == 2:
                r = promote_types(hi.to_real(), lo).to_complex()
        elif a.name == "bfloat16" or b.name == "bfloat16":
            bf = a if a.name == "bfloat16" else b
            other = b if bf is a else a
            if other._cat <= 1 or other is bf:
                r = bf
            elif other is float16:
                r = float32
            else:
                r = other
        elif a.name == "complex32" or b.name == "complex32":
            r = a if b.name == "complex32" else b
        else:
            r = NP2DT[np.promote_types(a.np, b.np)]
        _promo_cache[key] = r
    return r


def _combine(higher, lower):
    """Combine the result of a higher-priority class (dim tensors) with a lower one."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._cat >= lower._cat:
        if higher._cat == 0:  # bool only promotes within bool
            return promote_types(higher, lower)
        return higher
    if lower._cat == 3 and higher._cat == 2:
        return higher.to_complex()
    if higher._cat == 0 or lower._cat == 2:
        return promote_types(higher, lower)
    return lower


def scalar_dtype(v):
    """dtype category a Python scalar takes when it meets a tensor (a 'wrapped number')."""
    c = v.__class__
    if c is builtins_float:
        return _default[0]
    if c is builtins_int:
        return int64
    if c is builtins_bool:
        return bool
    if c is builtins_complex:
        return _default[0].to_complex()
    if isinstance(v, np.generic):  # NumPy scalars act as Python numbers of their kind
        k = v.dtype.kind
        return bool if k == "b" else int64 if k in "iu" else _default[0] if k == "f" else _default[0].to_complex()
    raise TypeError(f"unsupported scalar type {c.__name__}")


def result_type(*operands):
    """PyTorch's result type for operands (tensors, Python scalars).

    Tensors with dimensions beat 0-d tensors, which beat Python scalars, unless a
    lower class has a higher category (bool < integer < floating < complex).

    >>> ember.result_type(ember.tensor([1, 2]), 1.0)
    torch.float32
    """
    dim_t = zero_t = wrapped = None
    for o in operands:
        d = o if o.__class__ is np.ndarray else getattr(o, "_data", None)   # (an array: as a tensor)
        if d is not None:
            t = NP2DT[d.dtype]
            if d.ndim:
                dim_t = t if dim_t is None else promote_types(dim_t, t)
            else:
                zero_t = t if zero_t is None else promote_types(zero_t, t)
        else:
            t = scalar_dtype(o)
            if wrapped is None or t._cat > wrapped._cat:
                wrapped = t
    return _combine(_combine(dim_t, zero_t), wrapped)


_bin_cache = {}
_REPR = {builtins_float: 0.0, builtins_int: 0, builtins_bool: False, builtins_complex: 0j}


def binary_result(a, b):
    """Fast path of :func:`result_type` for a tensor ``a`` and a tensor or scalar ``b``.

    Returns ``(torch_dtype, np_dtype_or_None)``: the second is the dtype to pass to the
    NumPy ufunc, or None where NumPy's own promotion already gives the right answer.
    """
    ad = a._data
    bd = b if b.__class__ is np.ndarray else getattr(b, "_data", None)
    if bd is not None:
        key = (ad.dtype, ad.ndim == 0, bd.dtype, bd.ndim == 0)
    else:
        key = (ad.dtype, ad.ndim == 0, b.__class__, _default[0])
    r = _bin_cache.get(key)
    if r is None:
        t = result_type(a, b)
        try:
            if bd is not None:
                natural = np.result_type(ad, bd)
            else:
                natural = np.result_type(ad, _REPR.get(b.__class__, b))
        except (TypeError, ValueError):  # NumPy cannot promote (e.g. bfloat16 with int16)
            natural = None
        r = _bin_cache[key] = (t, None if natural == t.np else t.np)
    return r


# Python ints meeting integer tensors. PyTorch holds a Python int as a 64-bit scalar (signed, or
# unsigned from 2**63 up) and casts it to the op's dtype: binary ops and comparisons wrap it
# modulo 2**bits (``uint8_tensor < -1`` compares with 255); clamp/where/fill check it instead.
_INT_LIMITS = {"uint8": (0, 255), "int8": (-128, 127), "int16": (-32768, 32767),
               "int32": (-2147483648, 2147483647), "int64": (-(1 << 63), (1 << 63) - 1),
               "bool": (0, 1), "uint16": (0, 65535), "uint32": (0, (1 << 32) - 1), "uint64": (0, (1 << 64) - 1)}
from ._dtype_names import C10_NAMES as _C_NAMES  # noqa: E402
_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38}


def _int64_scalar(v):
    if v < -(1 << 63):
        raise OverflowError("can't convert negative int to unsigned")
    if v >= 1 << 64:
        raise OverflowError("int too big to convert")


def int_limits(dt):
    """``(lo, hi)`` of integer dtype ``dt`` (an ember dtype), or None for other dtypes.

    >>> from ember._dtype import int_limits
    >>> int_limits(ember.uint8), int_limits(ember.float32)
    ((0, 255), None)
    """
    return _INT_LIMITS.get(dt.name)


def wrap_int(v, dt):
    """Python int ``v`` cast to integer dtype ``dt`` as PyTorch casts a wrapped number in a
    binary op: modulo ``2**bits`` (OverflowError outside the 64-bit range PyTorch takes).

    >>> from ember._dtype import wrap_int
    >>> wrap_int(-1, ember.uint8), wrap_int(200, ember.int8), wrap_int(5, ember.int16)
    (255, -56, 5)
    """
    lo, hi = _INT_LIMITS[dt.name]
    if lo <= v <= hi:
        return v
    _int64_scalar(v)
    if dt.name == "bool":
        return v != 0
    bits = dt.itemsize * 8
    v &= (1 << bits) - 1
    return v - (1 << bits) if lo < 0 and v > hi else v


def checked_int(v, dt):
    """Python int ``v`` cast to integer dtype ``dt`` as PyTorch's checked conversion (clamp,
    where, fill_): RuntimeError when it overflows (an unsigned dtype takes ``-max..max``).

    >>> from ember._dtype import checked_int
    >>> checked_int(-1, ember.uint8)
    255
    >>> checked_int(300, ember.uint8)
    Traceback (most recent call last):
    RuntimeError: value cannot be converted to type uint8_t without overflow
    """
    lo, hi = _INT_LIMITS[dt.name]
    if lo <= v <= hi:
        return v
    _int64_scalar(v)
    if (dt.name == "uint8" and -hi <= v < 0) or dt.name == "bool":
        return wrap_int(v, dt)
    raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")


def _scalar_ranges():
    r = {}
    for d in _ALL:
        r[d] = _INT_LIMITS.get(d.name, (-(1 << 63), (1 << 64) - 1))
    return r


class _ScalarRange(dict):
    def __missing__(self, d):  # bfloat16, registered late
        return (-(1 << 63), (1 << 64) - 1)


SCALAR_RANGE = _ScalarRange(_scalar_ranges())


def checked_scalar(v, dt):
    """A Python scalar written into a tensor of dtype ``dt`` (fill_, masked_fill, where):
    ints out of range get PyTorch's checked conversion, other values pass through.

    >>> from ember._dtype import checked_scalar
    >>> checked_scalar(-1, ember.uint8), checked_scalar(2.5, ember.uint8)
    (255, 2.5)
    """
    if v.__class__ is _b.int:
        lo, hi = SCALAR_RANGE[dt]
        if not lo <= v <= hi:
            return checked_int(v, dt) if dt._cat <= 1 else cast_int_scalar(v, dt)
    return v


def checked_fill(v, dt):
    """A Python scalar stored into dtype ``dt`` by fill_, masked_fill or clamp:
    :func:`checked_scalar`, and a finite number beyond a floating dtype's largest value
    raises PyTorch's overflow error (it does not become inf).

    >>> from ember._dtype import checked_fill
    >>> checked_fill(65504.0, ember.float16)
    65504.0
    >>> checked_fill(70000.0, ember.float16)
    Traceback (most recent call last):
    RuntimeError: value cannot be converted to type c10::Half without overflow
    """
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":   # NumPy scalars: as Python numbers
        v = v.item()
    if v.__class__ is _b.complex and dt._cat != 3:    # a complex number fits a real dtype when its imaginary part is 0
        if dt._cat == 0:
            return v != 0
        if v.imag:
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
        v = v.real
    v = checked_scalar(v, dt)
    c = v.__class__
    if c is _b.float and dt._cat == 1:       # nan, inf and out-of-range floats into an integer dtype
        lo, hi = _INT_LIMITS[dt.name]
        if not lo <= v <= hi:
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
        return v
    top = _FLOAT_MAX.get(dt.name)
    if top is not None and (c is _b.float or c is _b.int) and not -top <= v <= top \
            and v == v and v not in (_INF, -_INF):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
    return v


_INF = _b.float("inf")


def cast_int_scalar(v, dt):
    """Python int ``v`` meeting an op computed in ``dt`` (out of ``SCALAR_RANGE[dt]``): wrapped
    into an integer dtype, OverflowError beyond 64 bits, as PyTorch.

    >>> from ember._dtype import cast_int_scalar
    >>> cast_int_scalar(256, ember.uint8), cast_int_scalar(2 ** 63, ember.float32)
    (0, 9223372036854775808)
    """
    if dt.name in _INT_LIMITS:
        return wrap_int(v, dt)
    _int64_scalar(v)
    return v
