"""Pickle ember objects the way PyTorch pickles its own, so that ``torch.load`` reads them.

A tensor becomes ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())`` where ``storage`` is a persistent id
``('storage', torch.FloatStorage, key, 'cpu', numel)``; a Parameter is wrapped in
``torch._utils._rebuild_parameter``. Tensors that view one NumPy buffer share one
storage key. The C pickler insists that a global it writes can be imported from the
module it names, so the stand-ins below live in this module and their ``GLOBAL``
opcodes are renamed to PyTorch's names once the pickle is written.

>>> from ember.serialization._pickler import dumps
>>> p = dumps({"w": ember.ones(2)})
>>> b"torch._utils\\n_rebuild_tensor_v2" in p[0] and b"torch\\nFloatStorage" in p[0]
True
"""
import collections
import io
import pickle
import pickletools

from .._backend import np

from .._tensor import Tensor, Size as _Size, device as _Device
from .._dtype import dtype as _dtype_cls
from .._sparse_tensor import SparseTensor
from .._layout import layout as _layout_cls

_MOD = __name__

STORAGE_NAMES = {
    "float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
    "bfloat16": "BFloat16Storage", "int64": "LongStorage", "int32": "IntStorage",
    "int16": "ShortStorage", "int8": "CharStorage", "uint8": "ByteStorage", "bool": "BoolStorage",
    "complex64": "ComplexFloatStorage", "complex128": "ComplexDoubleStorage",
}
STORAGE_NAMES.update({"qint8": "QInt8Storage", "quint8": "QUInt8Storage",  # quantized tensors
                      "qint32": "QInt32Storage"})                         # (_quantized_tensors.py)


def _make_storage_type(name):
    cls = type(name, (), {"__module__": _MOD, "__doc__": f"Stand-in for ``torch.{name}`` in pickles."})
    globals()[name] = cls
    return cls


STORAGE_TYPES = {k: _make_storage_type(v) for k, v in STORAGE_NAMES.items()}
UNTYPED = _make_storage_type("UntypedStorage")  # dtypes without a typed storage (uint16, float8...)


def _rebuild_tensor_v2(*args):
    """Stand-in for ``torch._utils._rebuild_tensor_v2`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


def _rebuild_tensor_v3(*args):
    """Stand-in for ``torch._utils._rebuild_tensor_v3`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


def _rebuild_parameter(*args):
    """Stand-in for ``torch._utils._rebuild_parameter`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


def Size_(*args):  # noqa: N802
    """Stand-in for ``torch.Size`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


def device_(*args):
    """Stand-in for ``torch.device`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


Size_.__qualname__ = Size_.__name__ = "Size"
device_.__qualname__ = device_.__name__ = "device"
globals()["Size"] = Size_
globals()["device"] = device_

_RENAME = {(_MOD, "_rebuild_tensor_v2"): "torch._utils\n_rebuild_tensor_v2",
           (_MOD, "_rebuild_tensor_v3"): "torch._utils\n_rebuild_tensor_v3",
           (_MOD, "UntypedStorage"): "torch.storage\nUntypedStorage",
           (_MOD, "_rebuild_parameter"): "torch._utils\n_rebuild_parameter",
           (_MOD, "Size"): "torch\nSize", (_MOD, "device"): "torch\ndevice"}
for _v in STORAGE_NAMES.values():
    _RENAME[(_MOD, _v)] = "torch\n" + _v
_DTYPE_MOD = "ember"  # dtype.__module__: a dtype pickles as the global ember.<name>
_QUANTIZED_MODULES = ("ember._quantized", "ember.serialization._script_objects")  # _quantized_tensors.py


class _StorageRef:
    """One storage to write: a C-contiguous 1-D array and its key."""

    __slots__ = ("key", "array", "dtname")

    def __init__(self, key, array, dtname):
        self.key, self.array, self.dtname = key, array, dtname


def _root(a):
    """The outermost ndarray that ``a`` views (the buffer owner, or the last ndarray in its base chain)."""
    r = a
    while isinstance(r.base, np.ndarray):
        r = r.base
    return r


class TorchPickler(pickle.Pickler):
    """A pickler that writes ember tensors as PyTorch tensors and collects their storages."""

    def __init__(self, file, protocol=2):
        super().__init__(file, protocol)
        self.storages = []          # _StorageRef in key order
        self._by_root = {}          # id(root ndarray) -> (_StorageRef, root) ; root kept alive
        self.used = set()

    # storages ---------------------------------------------------------------------
    def _storage_for(self, a, dt):
        """(storage ref, element offset, strides in elements) for array ``a``."""
        isz = a.dtype.itemsize
        r = _root(a)
        if r.dtype == a.dtype and r.flags.c_contiguous and isz:
            ent = self._by_root.get(id(r))
            base_ptr = r.__array_interface__["data"][0]
            ptr = a.__array_interface__["data"][0]
            delta = ptr - base_ptr
            st = a.strides
            if delta % isz == 0 and all(s % isz == 0 and s >= 0 for s in st) and delta >= 0:
                off = delta // isz
                strides = tuple(s // isz for s in st)
                extent = off + sum((n - 1) * s for n, s in zip(a.shape, strides)) + 1 if a.size else 0
                if extent <= r.size:
                    if ent is None:
                        ent = _StorageRef(str(len(self.storages)), r.reshape(-1), dt.name)
                        self.storages.append(ent)
                        self._by_root[id(r)] = (ent, r)
                    else:
                        ent = ent[0]
                    return ent, off, strides
        c = np.ascontiguousarray(a).reshape(-1)
        if not c.dtype.isnative:
            c = c.astype(c.dtype.newbyteorder("="))
        ent = _StorageRef(str(len(self.storages)), c, dt.name)
        self.storages.append(ent)
        self._by_root[id(c)] = (ent, c)
        strides, acc = [], 1
        for n in reversed(a.shape):
            strides.append(acc)
            acc *= max(n, 1)
        return ent, 0, tuple(reversed(strides))

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            st = STORAGE_TYPES.get(obj.dtname)
            if st is None:  # as torch: an untyped storage counted in bytes
                self.used.add((_MOD, "UntypedStorage"))
                return ("storage", UNTYPED, obj.key, "cpu", obj.array.nbytes)
            self.used.add((_MOD, st.__name__))
            return ("storage", st, obj.key, "cpu", obj.array.size)
        return None

    def reducer_override(self, obj):
        if type(obj).__module__ in _QUANTIZED_MODULES:  # quantized tensors/dtypes/schemes
            from ._quantized_tensors import reduce
            return reduce(self, obj)
        if isinstance(obj, SparseTensor) or type(obj) is _layout_cls:  # sparse tensors, layouts
            from ._sparse_tensors import reduce as reduce_sparse
            r = reduce_sparse(self, obj)
            if r is not None:
                return r
        if isinstance(obj, Tensor):
            from .._dtype import NP2DT
            a = obj._data
            if not isinstance(a, np.ndarray):
                a = np.asarray(a)
            dt = NP2DT[a.dtype.type] if a.dtype.isnative else NP2DT[a.dtype.newbyteorder("=").type]
            if not a.dtype.isnative:
                a = a.astype(a.dtype.newbyteorder("="))
            if type(obj).__name__ == "Parameter":
                self.used.add((_MOD, "_rebuild_parameter"))
                from .._tensor import _wrap
                inner = _wrap(a)
                return (_rebuild_parameter, (inner, bool(obj.requires_grad), collections.OrderedDict()))
            ent, off, strides = self._storage_for(a, dt)
            args = (ent, off, _Size(a.shape), strides, bool(obj.requires_grad), collections.OrderedDict())
            if dt.name not in STORAGE_TYPES:
                self.used.add((_MOD, "_rebuild_tensor_v3"))
                return (_rebuild_tensor_v3, args + (dt,))
            self.used.add((_MOD, "_rebuild_tensor_v2"))
            return (_rebuild_tensor_v2, args)
        t = type(obj)
        if t is _Size:
            self.used.add((_MOD, "Size"))
            return (Size_, (tuple(obj),))
        if t is _Device:
            self.used.add((_MOD, "device"))
            return (device_, (obj.type,) if obj.index is None else (obj.type, obj.index))
        if t is _dtype_cls:
            self.used.add((_DTYPE_MOD, obj.name))
            return obj.name
        return NotImplemented


def _rename(data, used):
    """Rewrite the stand-in GLOBALs to PyTorch's names."""
    pats = {}
    for key in used:
        mod, name = key
        new = _RENAME.get(key) or ("torch\n" + name)
        pats[b"c" + f"{mod}\n{name}\n".encode()] = b"c" + (new + "\n").encode()
    if all(data.count(old) == 1 for old in pats):
        for old, new in pats.items():
            data = data.replace(old, new)
        return data
    # a string in the payload contains a stand-in's bytes: rewrite opcode by opcode
    out, last = [], 0
    olds = {old[1:]: new for old, new in pats.items()}
    for op, arg, pos in pickletools.genops(data):
        if op.name == "GLOBAL":
            raw = (arg.replace(" ", "\n", 1) + "\n").encode()
            if raw in olds:
                out.append(data[last:pos])
                out.append(olds[raw])
                last = pos + 1 + len(raw)
    out.append(data[last:])
    return b"".join(out)


def dumps(obj, protocol=2):
    """Pickle ``obj`` in PyTorch's layout; returns ``(pickle bytes, [storage refs])``."""
    buf = io.BytesIO()
    p = TorchPickler(buf, protocol)
    p.dump(obj)
    return _rename(buf.getvalue(), p.used), p.storages
