"""The restricted unpickler: tensors, containers and plain values, and nothing that runs code.

Before a byte is unpickled the whole stream is scanned with :mod:`pickletools`: an
opcode outside the allow-list, a global outside the allow-list, a memo index larger
than the stream could have filled, or a truncated stream raises
:class:`pickle.UnpicklingError` naming what it found. ``find_class`` then maps the
allowed PyTorch names to ember's own implementations, so no module named in the
file is ever imported.

>>> import pickle
>>> from ember.serialization._unpickler import check_stream
>>> check_stream(pickle.dumps([1, "a", None], protocol=2))
>>> try:
...     check_stream(b"cos\\nsystem\\n(S'echo hi'\\ntR.")
... except pickle.UnpicklingError as e:
...     print(e)
Weights only load failed: unsupported global os.system (only tensors, containers and plain values are allowed)
"""
import collections
import pickle
import pickletools

import numpy as np

from .._tensor import Tensor, Size, device, _wrap
from .. import _dtype as D
from ._pickler import STORAGE_NAMES

STORAGE_DTYPES = {v: k for k, v in STORAGE_NAMES.items()}
STORAGE_DTYPES["UntypedStorage"] = "uint8"

_PREFIX = "Weights only load failed: "

# Opcodes a checkpoint may use. Left out: INST and OBJ (they call any class found),
# EXT1/2/4 (the copyreg extension registry), and PERSID (text persistent ids).
ALLOWED_OPCODES = frozenset("""
PROTO FRAME STOP MARK POP POP_MARK DUP
NONE NEWTRUE NEWFALSE INT BININT BININT1 BININT2 LONG LONG1 LONG4 FLOAT BINFLOAT
STRING BINSTRING SHORT_BINSTRING UNICODE BINUNICODE SHORT_BINUNICODE BINUNICODE8
BINBYTES SHORT_BINBYTES BINBYTES8 BYTEARRAY8
EMPTY_LIST APPEND APPENDS LIST EMPTY_TUPLE TUPLE TUPLE1 TUPLE2 TUPLE3
EMPTY_DICT DICT SETITEM SETITEMS EMPTY_SET ADDITEMS FROZENSET
GET BINGET LONG_BINGET PUT BINPUT LONG_BINPUT MEMOIZE
GLOBAL STACK_GLOBAL REDUCE BUILD NEWOBJ BINPERSID
""".split())


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    """Rebuild a tensor as a NumPy view into ``storage`` (a 1-D array), checking every bound."""
    if not isinstance(storage, np.ndarray):
        raise pickle.UnpicklingError(f"{_PREFIX}_rebuild_tensor_v2 expects a storage, got {type(storage).__name__}")
    try:
        size = tuple(int(s) for s in size)
        stride = tuple(int(s) for s in stride)
        off = int(storage_offset)
    except (TypeError, ValueError):
        raise pickle.UnpicklingError(f"{_PREFIX}bad size/stride/offset: {size!r}, {stride!r}, {storage_offset!r}") \
            from None
    if len(size) != len(stride) or any(s < 0 for s in size) or any(s < 0 for s in stride) or off < 0:
        raise RuntimeError(f"invalid tensor geometry: size={size}, stride={stride}, storage_offset={off}")
    n = storage.size
    if 0 not in size:
        extent = off + sum((s - 1) * st for s, st in zip(size, stride)) + 1
        if extent > n:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off} "
                               f"need a storage of {extent} elements, but the storage has {n}")
        isz = storage.itemsize
        arr = np.lib.stride_tricks.as_strided(storage[off:], shape=size, strides=tuple(s * isz for s in stride),
                                              writeable=storage.flags.writeable)
    else:
        arr = np.empty(size, dtype=storage.dtype)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    from ..nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"{_PREFIX}_rebuild_parameter expects a tensor, got {type(data).__name__}")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    if state:
        raise NotImplementedError("loading a Parameter subclass with Python state (_rebuild_parameter_with_state)")
    return p


def _bytearray(source=b"", encoding=None, errors="strict"):
    """``bytearray`` for pickles: only from bytes or str, never ``bytearray(n)`` (an allocation of n bytes)."""
    if isinstance(source, str):
        return bytearray(source, encoding or "latin-1", errors)
    if not isinstance(source, (bytes, bytearray)):
        raise pickle.UnpicklingError(f"{_PREFIX}bytearray() only from bytes or str, got {type(source).__name__}")
    return bytearray(source)


def _size(*args):
    return Size(*args)


def _device(*args):
    return device(*args)


def _codecs_encode(obj, encoding="utf-8", errors="strict"):
    if not isinstance(obj, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise pickle.UnpicklingError(f"{_PREFIX}_codecs.encode only of str to latin1/utf-8")
    return obj.encode(encoding, errors)


_NOT_YET = {("torch._utils", n) for n in ("_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_nested_tensor",
                                          "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
                                          "_rebuild_device_tensor_from_numpy", "_rebuild_tensor_v3",
                                          "_rebuild_xla_tensor", "_rebuild_mtia_tensor")}
_NOT_YET |= {("torch._tensor", "_rebuild_from_type_v2"), ("torch._tensor", "_rebuild_from_type")}


class _StorageType:
    """What ``torch.FloatStorage`` (etc.) resolves to: just names the dtype."""

    __slots__ = ("name", "dtype_name")

    def __init__(self, name, dtype_name):
        self.name, self.dtype_name = name, dtype_name

    def __repr__(self):
        return f"torch.{self.name}"


def allowed_globals():
    """The allow-list: (module, name) -> the ember object it becomes."""
    g = {("collections", "OrderedDict"): collections.OrderedDict,
         ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
         ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
         ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
         ("torch", "Size"): _size, ("torch", "device"): _device,
         ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "complex"): complex,
         ("builtins", "slice"): slice, ("builtins", "bytearray"): _bytearray,
         ("_codecs", "encode"): _codecs_encode}
    for (mod, name), v in list(g.items()):
        if mod == "builtins":
            g[("__builtin__", name)] = v  # protocol 2 writes Python 2 names
    for sname, dname in STORAGE_DTYPES.items():
        g[("torch", sname)] = _StorageType(sname, dname)
        g[("torch.storage", sname)] = _StorageType(sname, dname)
    for name in ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
                 "complex64", "complex128"):
        g[("torch", name)] = name  # resolved lazily (bfloat16 needs ml_dtypes)
    return g


_ALLOWED = allowed_globals()


def check_stream(data, weights_only=True):
    """Scan a pickle before it is loaded; raise :class:`pickle.UnpicklingError` on anything disallowed.

    >>> import pickle; from ember.serialization._unpickler import check_stream
    >>> check_stream(pickle.dumps({"a": (1, 2.0)}, protocol=2)) is None
    True
    """
    memo_limit = len(data) + 1
    last = None
    try:
        for op, arg, pos in pickletools.genops(data):
            name = op.name
            if name not in ALLOWED_OPCODES:
                raise pickle.UnpicklingError(f"{_PREFIX}unsupported opcode {name} at byte {pos} "
                                             "(only tensors, containers and plain values are allowed)")
            if name in ("PUT", "BINPUT", "LONG_BINPUT", "GET", "BINGET", "LONG_BINGET"):
                if not isinstance(arg, int) or arg < 0 or arg > memo_limit:
                    raise pickle.UnpicklingError(f"{_PREFIX}memo index {arg!r} out of range at byte {pos}")
            elif weights_only and name == "GLOBAL":
                mod, _, qual = arg.partition(" ")
                _check_global(mod, qual)
            last = name
    except ValueError as e:
        raise pickle.UnpicklingError(f"{_PREFIX}malformed pickle: {e}") from None
    if last != "STOP":
        raise pickle.UnpicklingError(f"{_PREFIX}pickle data was truncated")


def _check_global(mod, name):
    if (mod, name) in _ALLOWED:
        return
    if (mod, name) in _NOT_YET:
        raise NotImplementedError(f"ember.load does not support {mod}.{name} yet")
    raise pickle.UnpicklingError(f"{_PREFIX}unsupported global {mod}.{name} "
                                 "(only tensors, containers and plain values are allowed)")


class Unpickler(pickle.Unpickler):
    """Restricted unpickler; ``load_storage(storage_type, key, location, numel)`` supplies storages."""

    def __init__(self, file, load_storage, weights_only=True):
        super().__init__(file, encoding="utf-8")
        self._load_storage = load_storage
        self._weights_only = weights_only

    def find_class(self, module, name):
        key = (module, name)
        if key in _ALLOWED:
            v = _ALLOWED[key]
            if isinstance(v, str):
                return D.to_dtype(v) if v != "bfloat16" else D.__getattr__("bfloat16")
            return v
        if self._weights_only:
            _check_global(module, name)
        if module == "torch" and name in ("Tensor",):
            return Tensor
        if module.startswith("torch") and (module, name) in _NOT_YET:
            _check_global(module, name)
        if module == "torch" or module.startswith("torch."):
            import importlib
            emod = "ember" + module[5:]
            try:
                return getattr(importlib.import_module(emod), name)
            except (ImportError, AttributeError):
                pass
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"{_PREFIX}unsupported persistent id {pid!r:.200}")
        _, stype, key, location, numel = pid
        if not isinstance(stype, _StorageType):
            raise pickle.UnpicklingError(f"{_PREFIX}persistent id names {stype!r:.100}, not a storage type")
        if not isinstance(key, str) or not isinstance(numel, int) or numel < 0 or not isinstance(location, str):
            raise pickle.UnpicklingError(f"{_PREFIX}malformed storage record {pid!r:.200}")
        return self._load_storage(stype, key, location, numel)
