"""What a checkpoint may name under ``weights_only`` loading, and what each name becomes.

Every global a pickle names is looked up in one table, :data:`ALLOWED`: PyTorch's tensor
rebuild functions, storage and dtype names, a few builtins, and NumPy's numeric
arrays, scalars and dtypes. Each maps to ember's own implementation, written to check
its arguments (sizes and strides are ints, ``requires_grad`` is a bool, a NumPy dtype
is numeric). Nothing the table hands out is a container a pickle could fill, and the
unpickler only ever sets state on objects it created itself in the same load.

Users may vouch for more globals with :func:`add_safe_globals` (as in PyTorch).

>>> from ember.serialization._allowlist import ALLOWED
>>> ("torch._utils", "_rebuild_tensor_v2") in ALLOWED, ("os", "system") in ALLOWED
(True, False)
"""
import collections

from .._backend import np, as_strided as _as_strided
from .._tensor import Tensor, Size, device, _wrap
from .. import _dtype as D
from ._errors import LoadError, UnsupportedCheckpointError
from ._pickler import STORAGE_NAMES

PREFIX = "Weights only load failed: "


class StorageType(tuple):
    """What ``torch.FloatStorage`` (etc.) resolves to: an immutable (name, dtype name) pair.

    >>> from ember.serialization._allowlist import ALLOWED
    >>> ALLOWED[("torch", "FloatStorage")].dtype_name
    'float32'
    """

    __slots__ = ()

    name = property(lambda self: self[0])
    dtype_name = property(lambda self: self[1])

    def __repr__(self):
        return f"torch.{self[0]}"


def _fail(msg):
    raise LoadError(PREFIX + msg)


def _ints(v, what):
    if type(v) not in (tuple, list, Size) or any(type(x) is not int for x in v):
        _fail(f"{what} must be a tuple of ints, got {v!r:.200}")
    return tuple(v)


def _as_tensor(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata):
    """A tensor viewing the 1-D array ``storage``; every bound checked first."""
    size, stride = _ints(size, "size"), _ints(stride, "stride")
    if type(storage_offset) is not int:
        _fail(f"storage_offset must be an int, got {storage_offset!r:.100}")
    if type(requires_grad) is not bool:
        _fail(f"requires_grad must be a bool, got {requires_grad!r:.100}")
    if backward_hooks is not None and not isinstance(backward_hooks, dict):
        _fail(f"backward_hooks must be a dict, got {type(backward_hooks).__name__}")
    if metadata is not None and not isinstance(metadata, dict):
        _fail(f"tensor metadata must be a dict, got {type(metadata).__name__}")
    off = storage_offset
    if len(size) != len(stride) or len(size) > 64 or any(s < 0 for s in size + stride) or off < 0:
        _fail(f"invalid tensor geometry: size={size}, stride={stride}, storage_offset={off}")
    n = storage.size
    if 0 not in size:
        extent = off + sum((s - 1) * st for s, st in zip(size, stride)) + 1
        if extent > n:
            _fail(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off} "
                  f"need a storage of {extent} elements, but the storage has {n}")
        isz = storage.itemsize
        arr = _as_strided(storage[off:], shape=size, strides=tuple(s * isz for s in stride),
                                              writeable=storage.flags.writeable)
    else:
        arr = np.empty(size, dtype=storage.dtype)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    """``torch._utils._rebuild_tensor_v2`` on a typed storage (a 1-D NumPy array)."""
    if type(storage) is not np.ndarray or storage.ndim != 1:
        _fail(f"_rebuild_tensor_v2 expects a storage, got {type(storage).__name__}")
    return _as_tensor(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                       metadata=None):
    """``torch._utils._rebuild_tensor_v3``: an untyped (byte) storage read as ``dtype``."""
    if type(storage) is not np.ndarray or storage.ndim != 1 or storage.dtype != np.uint8:
        _fail(f"_rebuild_tensor_v3 expects an untyped storage, got {type(storage).__name__}")
    if type(dtype) is not D.dtype:
        _fail(f"_rebuild_tensor_v3 expects a dtype, got {dtype!r:.100}")
    k = dtype.itemsize
    typed = storage[:storage.size - storage.size % k].view(dtype.np)
    return _as_tensor(typed, storage_offset, size, stride, requires_grad, backward_hooks, metadata)


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    """``torch._utils._rebuild_parameter``."""
    from ..nn.parameter import Parameter
    if type(data) is not Tensor:
        _fail(f"_rebuild_parameter expects a tensor, got {type(data).__name__}")
    if type(requires_grad) is not bool:
        _fail(f"requires_grad must be a bool, got {requires_grad!r:.100}")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """``torch._utils._rebuild_parameter_with_state`` (only with empty state)."""
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    if state:
        raise UnsupportedCheckpointError("ember.load does not support a Parameter with Python state "
                                         "(_rebuild_parameter_with_state)")
    return p


class TypeName(tuple):
    """What ``torch.Tensor`` resolves to in a pickle: an immutable marker, not ember's (mutable) class."""

    __slots__ = ()

    def __repr__(self):
        return ".".join(self)


TENSOR = TypeName(("torch", "Tensor"))


def _rebuild_from_type_v2(func, new_type, args, state):
    """``torch._tensor._rebuild_from_type_v2`` for plain tensors without Python state."""
    if func not in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter) or type(args) is not tuple:
        _fail("_rebuild_from_type_v2 of something other than a tensor rebuild")
    if new_type is not TENSOR or state:
        raise UnsupportedCheckpointError("ember.load does not support tensor subclasses or tensors with Python "
                                         "attributes (_rebuild_from_type_v2)")
    return func(*args)


def _bytearray(source=b"", encoding=None, errors="strict"):
    """``bytearray`` for pickles: only from bytes or str, never ``bytearray(n)`` (an allocation of n bytes)."""
    if isinstance(source, str):
        return bytearray(source, encoding or "latin-1", errors)
    if type(source) not in (bytes, bytearray):
        _fail(f"bytearray() only from bytes or str, got {type(source).__name__}")
    return bytearray(source)


def _bytes(source=b""):
    """``bytes`` for pickles (protocols 0-2 write ``b""`` as ``bytes()``): never ``bytes(n)``."""
    if type(source) not in (bytes, bytearray, list, tuple):
        _fail(f"bytes() only from bytes or a list of ints, got {type(source).__name__}")
    return bytes(source)


def _size(*args):
    return Size(*args)


def _device(*args):
    return device(*args)


def _codecs_encode(obj, encoding="utf-8", errors="strict"):
    if type(obj) is not str or encoding not in ("latin1", "latin-1", "utf-8", "utf8") or errors != "strict":
        _fail("_codecs.encode only of str to latin1/utf-8")
    return obj.encode(encoding, errors)


# --- NumPy: numeric arrays, scalars and dtypes (never object or structured dtypes) ---

_NP_CODES = frozenset(f"{k}{n}" for k, ns in (("b", (1,)), ("i", (1, 2, 4, 8)), ("u", (1, 2, 4, 8)),
                                              ("f", (2, 4, 8, 16)), ("c", (8, 16, 32))) for n in ns)


def _np_dtype(obj, align=False, copy=True):
    """``numpy.dtype(code, align, copy)``: a fresh numeric dtype (``copy`` forced on)."""
    if type(obj) is not str or obj.lstrip("<>|=") not in _NP_CODES or type(align) is not bool \
            or type(copy) is not bool:
        _fail(f"numpy.dtype({obj!r:.50}) is not a numeric dtype")
    return np.dtype(obj, align, True)


def _check_np_dtype(dt):
    if not isinstance(dt, np.dtype) or dt.kind not in "biufc" or dt.hasobject or dt.fields is not None \
            or dt.subdtype is not None:
        _fail(f"only numeric NumPy dtypes are allowed, got {dt!r:.100}")


def build_np_dtype(dt, state):
    """BUILD on a fresh dtype from :func:`_np_dtype`: only a plain byte order change."""
    if type(state) is not tuple or len(state) not in (8, 9) or state[0] not in (3, 4) \
            or state[1] not in ("<", ">", "|", "=") or state[2:5] != (None, None, None) \
            or state[5] not in (-1, dt.itemsize) or state[6] not in (-1, dt.alignment) or state[7] != 0 \
            or (len(state) == 9 and state[8] is not None):
        _fail(f"malformed numpy dtype state {state!r:.200}")
    dt.__setstate__(state)
    _check_np_dtype(dt)


def _np_reconstruct(subtype, shape, dtype_code):
    """``numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')``: a fresh empty array awaiting BUILD."""
    if subtype is not np.ndarray:
        _fail("_reconstruct of something other than numpy.ndarray")
    return np.ndarray.__new__(np.ndarray, (0,), np.uint8)


def build_ndarray(arr, state):
    """BUILD on a fresh array from :func:`_np_reconstruct`: numeric data given as bytes."""
    if type(state) is not tuple or len(state) != 5 or state[0] != 1:
        _fail(f"malformed numpy array state {state!r:.200}")
    _, shape, dt, fortran, raw = state
    shape = _ints(shape, "numpy array shape")
    _check_np_dtype(dt)
    if type(fortran) is not bool or type(raw) is not bytes or any(s < 0 for s in shape) or len(shape) > 64:
        _fail("malformed numpy array state")
    n = 1
    for s in shape:
        n *= s
    if n * dt.itemsize != len(raw):
        _fail(f"numpy array of shape {shape} and dtype {dt} needs {n * dt.itemsize} bytes, got {len(raw)}")
    arr.__setstate__((1, shape, dt, fortran, raw))


def _np_scalar(dt, data=None):
    """``numpy.core.multiarray.scalar(dtype, bytes)``: a numeric NumPy scalar."""
    _check_np_dtype(dt)
    if type(data) is not bytes or len(data) != dt.itemsize:
        _fail("malformed numpy scalar")
    return np.frombuffer(data, dtype=dt, count=1)[0]


# --- the table ---

STORAGE_DTYPES = {v: k for k, v in STORAGE_NAMES.items()}
STORAGE_DTYPES["UntypedStorage"] = "uint8"
DTYPE_NAMES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
               "complex64", "complex128", "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2",
               "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "complex32")

# callables a pickle may REDUCE; those marked True return a fresh object that BUILD may fill
CALLABLES = {
    _rebuild_tensor_v2: False, _rebuild_tensor_v3: False, _rebuild_parameter: False,
    _rebuild_parameter_with_state: False, _rebuild_from_type_v2: False, collections.OrderedDict: True,
    _size: False, _device: False, set: False, frozenset: False, complex: False, slice: False,
    _bytearray: False, _bytes: False, _codecs_encode: False, _np_dtype: True, _np_reconstruct: True, _np_scalar: False,
}

# callables whose work does not grow with their arguments (they check sizes themselves)
FIXED_COST = frozenset({_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter, _rebuild_parameter_with_state,
                        _rebuild_from_type_v2, _device, slice, _np_dtype, _np_reconstruct, _np_scalar})


def _table():
    g = {("collections", "OrderedDict"): collections.OrderedDict,
         ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
         ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
         ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
         ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
         ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
         ("torch", "Tensor"): TENSOR,
         ("torch", "Size"): _size, ("torch", "device"): _device,
         ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "complex"): complex,
         ("builtins", "slice"): slice, ("builtins", "bytearray"): _bytearray,
         ("builtins", "bytes"): _bytes,
         ("_codecs", "encode"): _codecs_encode,
         ("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): _np_dtype}
    for mod in ("numpy.core.multiarray", "numpy._core.multiarray"):
        g[(mod, "_reconstruct")] = _np_reconstruct
        g[(mod, "scalar")] = _np_scalar
    for (mod, name), v in list(g.items()):
        if mod == "builtins":
            g[("__builtin__", name)] = v  # protocol 2 writes Python 2 names
    for sname, dname in STORAGE_DTYPES.items():
        g[("torch", sname)] = g[("torch.storage", sname)] = StorageType((sname, dname))
    for name in DTYPE_NAMES:
        g[("torch", name)] = name  # a str: resolved on use by dtype_object (some are optional)
    return g


ALLOWED = _table()

NOT_YET = {("torch._utils", n) for n in ("_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
                                         "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
                                         "_rebuild_device_tensor_from_numpy", "_rebuild_xla_tensor",
                                         "_rebuild_mtia_tensor")}
NOT_YET |= {("torch._tensor", "_rebuild_from_type"), ("torch.nn.parameter", "Parameter")}


def dtype_object(name):
    """The ember dtype named ``name`` (``'uint16'``...), or UnsupportedCheckpointError if ember lacks it.

    >>> from ember.serialization._allowlist import dtype_object
    >>> dtype_object("float32")
    torch.float32
    """
    try:
        return getattr(D, name)
    except AttributeError:
        from ._quantized_tensors import quantized_name  # qint8..., per_tensor_affine...
        if quantized_name(name) is not None:
            return quantized_name(name)
        raise UnsupportedCheckpointError(f"this checkpoint holds torch.{name} tensors; ember has no {name} dtype "
                                         "(bfloat16 and float8 need the optional package ml_dtypes)") from None


def np_storage_dtype(name):
    """The NumPy dtype of a storage of ember dtype ``name``."""
    return dtype_object(name).np


from ._quantized_tensors import register as _register_quantized  # noqa: E402  quantized tensors
_register_quantized(ALLOWED, CALLABLES, NOT_YET)

from ._sparse_tensors import register as _register_sparse  # noqa: E402  sparse COO/CSR tensors, layouts
FIXED_COST = _register_sparse(ALLOWED, CALLABLES, FIXED_COST, NOT_YET)
