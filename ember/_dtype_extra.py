"""The dtypes beyond the classic eleven: float8 and complex32 (stored through ml_dtypes), and the
dtypes ember can name but not store (quantized, bits, sub-byte integers).

Float8 and unsigned 16/32/64-bit tensors store, convert, print and compare; PyTorch refuses to
promote them with other dtypes, and so does ember. A dtype without storage is a real
``ember.dtype`` (compare it, pass it around, pickle it), but making a tensor of it raises
NotImplementedError naming what is missing.

>>> ember.zeros(2, dtype=ember.float8_e4m3fn)
tensor([0., 0.], dtype=torch.float8_e4m3fn)
>>> ember.qint8.is_floating_point, ember.chalf
(False, torch.complex32)
"""
from ._dtype_registry import dtype, _BY_NAME, _WHY, _SIGNED_ERR, ML_NAMES
from ._dtype_registry import load_ml  # noqa: F401  (importable from here, its former home)
from ._dtype_names import SCALAR_NAMES  # c10's ScalarType names


def _ml_dtype(name, cat, itemsize):
    d = dtype(name, None, cat, itemsize)
    _BY_NAME[name] = d
    return d


def _unstored(name, itemsize, signed, why):
    d = dtype(name, None, -1, itemsize)
    d.is_floating_point = name.startswith("float")
    if isinstance(signed, str):
        del d.is_signed
        _SIGNED_ERR[name] = signed
    else:
        d.is_signed = signed
    _WHY[name] = why
    _BY_NAME[name] = d
    return d


bfloat16 = _ml_dtype("bfloat16", 2, 2)
complex32 = chalf = _ml_dtype("complex32", 3, 4)
float8_e4m3fn = _ml_dtype("float8_e4m3fn", 2, 1)
float8_e5m2 = _ml_dtype("float8_e5m2", 2, 1)
float8_e4m3fnuz = _ml_dtype("float8_e4m3fnuz", 2, 1)
float8_e5m2fnuz = _ml_dtype("float8_e5m2fnuz", 2, 1)
float8_e8m0fnu = _ml_dtype("float8_e8m0fnu", 2, 1)
float4_e2m1fn_x2 = _unstored("float4_e2m1fn_x2", 1, True, "packed float4 pairs have no NumPy storage")
_Q = "isSignedType not supported for quantized types"
_QWHY = "quantized tensors are not built"
qint8, quint8, qint32 = _unstored("qint8", 1, _Q, _QWHY), _unstored("quint8", 1, _Q, _QWHY), \
    _unstored("qint32", 4, _Q, _QWHY)
quint4x2, quint2x4 = _unstored("quint4x2", 1, _Q, _QWHY), _unstored("quint2x4", 1, _Q, _QWHY)
_B, _BWHY = "Bits types are undefined", "bits dtypes are opaque storage for custom kernels"
bits1x8, bits2x4, bits4x2, bits8 = (_unstored(n, 1, _B, _BWHY) for n in ("bits1x8", "bits2x4", "bits4x2", "bits8"))
bits16 = _unstored("bits16", 2, _B, _BWHY)
int1, int2, int3, int4, int5, int6, int7 = (_unstored(f"int{i}", 1, True, "sub-byte integers are not built")
                                            for i in range(1, 8))
uint1, uint2, uint3, uint4, uint5, uint6, uint7 = (_unstored(f"uint{i}", 1, False, "sub-byte integers are not built")
                                                   for i in range(1, 8))

NO_PROMOTION = frozenset(n for n in SCALAR_NAMES if n.startswith(("float8", "float4", "q", "bits", "uint", "int"))
                         and n not in ("uint8", "int8", "int16", "int32", "int64"))


def promotion_error(a, b):
    """``promote_types`` for pairs involving the dtypes PyTorch barely promotes: unsigned
    ints beyond uint8 go to a floating partner, anything else raises RuntimeError as PyTorch.

    >>> ember.promote_types(ember.uint16, ember.float32)
    torch.float32
    >>> ember.promote_types(ember.uint16, ember.int32)
    Traceback (most recent call last):
    RuntimeError: Promotion for uint16, uint32, uint64 types is not supported, attempted to promote UInt16 and Int
    """
    an, bn = SCALAR_NAMES[a.name], SCALAR_NAMES[b.name]
    names = (a.name, b.name)
    if any(n.startswith("q") for n in names):
        raise RuntimeError("promoteTypes with quantized numbers is not handled yet; figure out what the correct "
                           f"rules should be, offending types: {an} {bn}")
    if any(n.startswith("float8") for n in names):
        raise RuntimeError(f"Promotion for Float8 Types is not supported, attempted to promote {an} and {bn}")
    if any(n.startswith("bits") for n in names):
        raise RuntimeError(f"Promotion from {an} and {bn} is unsupported.")
    for u, other in ((a, b), (b, a)):
        if u.name.startswith("uint") and u.name != "uint8":  # uint16/32/64 and uint1..uint7
            if other.is_floating_point:
                return other
            raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, "
                               f"attempted to promote {an} and {bn}")
    raise RuntimeError(f"Promotion from {an} and {bn} is unsupported.")
