"""PyTorch's names for dtypes in its messages, written once. Three vocabularies appear:

``SCALAR_NAMES``  c10's ScalarType names (``Float``, ``Long``, ``ComplexFloat``): promotion and
                  "not implemented for 'Bool'" errors, legacy types (``torch.FloatTensor``), storages.
``C10_NAMES``     the C++ types of c10's checked conversions (``float``, ``int64_t``, ``c10::Half``):
                  "value cannot be converted to type int8_t without overflow".
``TYPEID_NAMES``  the C++ compiler's own spelling of those types (``long int``, ``signed char``), which
                  messages that print a type's name at run time show (matmul, clamp_, random_, SDPA).

>>> from ember._dtype_names import SCALAR_NAMES, C10_NAMES, TYPEID_NAMES
>>> SCALAR_NAMES["int64"], C10_NAMES["int64"], TYPEID_NAMES["int64"]
('Long', 'int64_t', 'long int')
"""

__all__ = ["SCALAR_NAMES", "C10_NAMES", "TYPEID_NAMES"]

SCALAR_NAMES = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
    "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
    "complex32": "ComplexHalf", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
    "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
    "float8_e4m3fn": "Float8_e4m3fn", "float8_e5m2": "Float8_e5m2", "float8_e4m3fnuz": "Float8_e4m3fnuz",
    "float8_e5m2fnuz": "Float8_e5m2fnuz", "float8_e8m0fnu": "Float8_e8m0fnu",
    "float4_e2m1fn_x2": "Float4_e2m1fn_x2", "qint8": "QInt8", "quint8": "QUInt8", "qint32": "QInt32",
    "quint4x2": "QUInt4x2", "quint2x4": "QUInt2x4", "bits1x8": "Bits1x8", "bits2x4": "Bits2x4",
    "bits4x2": "Bits4x2", "bits8": "Bits8", "bits16": "Bits16",
}
SCALAR_NAMES.update({f"int{i}": f"Int{i}" for i in range(1, 8)})
SCALAR_NAMES.update({f"uint{i}": f"UInt{i}" for i in range(1, 8)})

C10_NAMES = {
    "bool": "bool", "uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
    "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t", "float16": "c10::Half",
    "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
    "complex32": "c10::complex<c10::Half>", "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>",
}

TYPEID_NAMES = {
    "bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
    "int64": "long int", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float",
    "float64": "double", "uint16": "short unsigned int", "uint32": "unsigned int", "uint64": "long unsigned int",
    "complex32": "c10::complex<c10::Half>", "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>",
}
