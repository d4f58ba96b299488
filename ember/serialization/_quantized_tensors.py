"""Quantized tensors in PyTorch's zip checkpoints, both ways.

PyTorch writes a quantized tensor as ``torch._utils._rebuild_qtensor(storage, offset,
size, stride, quantizer_params, requires_grad, backward_hooks)`` over a ``QInt8Storage``
(``QUInt8Storage``, ``QInt32Storage``), with ``quantizer_params`` either
``(torch.per_tensor_affine, scale, zero_point)`` or ``(torch.per_channel_affine,
scales, zero_points, axis)``. This module writes the same and reads it back (checked
like every other tensor rebuild: the geometry against the storage, the scheme from a
closed list).

>>> import io
>>> q = ember.quantize_per_tensor(ember.tensor([1.0, 2.0]), 0.1, 3, ember.qint8)
>>> buf = io.BytesIO(); ember.save({"q": q, "d": ember.qint8}, buf); _ = buf.seek(0)
>>> back = ember.load(buf)
>>> back["q"].int_repr(), back["q"].q_scale(), back["d"]
(tensor([13, 23], dtype=torch.int8), 0.1, torch.qint8)
"""
import collections

from .._backend import np
from .. import _quantized as Q
from .._tensor import Size, Tensor
from . import _pickler
from ._errors import LoadError

_MOD = __name__
STORAGE_NAMES = {"qint8": "QInt8Storage", "quint8": "QUInt8Storage", "qint32": "QInt32Storage"}


def _rebuild_qtensor(*args):
    """Stand-in for ``torch._utils._rebuild_qtensor`` (only ever written, never called)."""
    raise RuntimeError("stand-in")


_pickler._RENAME[(_MOD, "_rebuild_qtensor")] = "torch._utils\n_rebuild_qtensor"


def reduce(pickler, obj):
    """The pickle reduction of a quantized tensor, dtype or scheme, or of a
    :class:`~._script_objects.ScriptObject` (packed quantized weights); None for anything else."""
    if type(obj).__module__ == "ember.serialization._script_objects":
        from ._script_objects import ScriptObject, reduce as reduce_script_object
        # the class itself (its metaclass lives there too) is written as a global
        return reduce_script_object(pickler, obj) if type(obj) is ScriptObject else NotImplemented
    if isinstance(obj, Q.QTensor):
        dt = obj._qdtype
        ent, off, strides = pickler._storage_for(obj._data, dt)
        if obj._qscheme is Q.per_tensor_affine:
            params = (Q.per_tensor_affine, obj._qscale, obj._qzp)
        else:
            from .._tensor import _wrap
            params = (Q.per_channel_affine, _wrap(obj._qscales), _wrap(obj._qzps), obj._qaxis)
        pickler.used.add((_MOD, "_rebuild_qtensor"))
        return (_rebuild_qtensor, (ent, off, Size(obj._data.shape), strides, params, False,
                                   collections.OrderedDict()))
    if isinstance(obj, (Q._QDtype, Q.qscheme)):
        pickler.used.add((Q.__name__, obj.name))
        return obj.name
    return None


def _fail(msg):
    from ._allowlist import PREFIX
    raise LoadError(PREFIX + msg)


def load_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad=False,
                 backward_hooks=None):
    """``torch._utils._rebuild_qtensor`` for per-tensor and per-channel affine tensors."""
    from ._allowlist import _as_tensor
    if not isinstance(storage, np.ndarray):
        _fail(f"_rebuild_qtensor expects a storage, got {type(storage).__name__}")
    dt = {np.dtype(np.int8): Q.qint8, np.dtype(np.uint8): Q.quint8,
          np.dtype(np.int32): Q.qint32}.get(storage.dtype)
    if dt is None:
        _fail(f"_rebuild_qtensor expects a quantized storage, got {storage.dtype}")
    t = _as_tensor(storage, storage_offset, size, stride, False, backward_hooks, None)
    if type(quantizer_params) is not tuple or not quantizer_params:
        _fail("_rebuild_qtensor: malformed quantizer parameters")
    scheme = quantizer_params[0]
    if scheme is Q.per_tensor_affine and len(quantizer_params) == 3:
        _, scale, zp = quantizer_params
        if type(scale) is not float or type(zp) is not int:
            _fail("_rebuild_qtensor: per-tensor scale/zero_point must be a float and an int")
        return Q._make_per_tensor(t._data, dt, scale, zp)
    if scheme in (Q.per_channel_affine, Q.per_channel_affine_float_qparams) and \
            len(quantizer_params) == 4:
        _, scales, zps, axis = quantizer_params
        if not (isinstance(scales, Tensor) and isinstance(zps, Tensor) and type(axis) is int):
            _fail("_rebuild_qtensor: per-channel scales/zero_points must be tensors, axis an int")
        if not 0 <= axis < t._data.ndim or scales.numel() != t._data.shape[axis] or \
                zps.numel() != t._data.shape[axis]:
            _fail("_rebuild_qtensor: per-channel parameters do not match the tensor")
        if scheme is not Q.per_channel_affine:
            raise NotImplementedError("ember: per_channel_affine_float_qparams tensors")
        return Q._make_per_channel(t._data, dt, scales._data, zps._data, axis)
    _fail(f"_rebuild_qtensor: unsupported quantization scheme {scheme!r:.100}")


def register(allowed, callables, not_yet):
    """Add the quantized names to the loader's tables."""
    allowed[("torch._utils", "_rebuild_qtensor")] = load_qtensor
    from ._allowlist import StorageType
    for dname, sname in STORAGE_NAMES.items():   # read as their integer storage
        allowed[("torch", sname)] = allowed[("torch.storage", sname)] = \
            StorageType((sname, {"qint8": "int8", "quint8": "uint8", "qint32": "int32"}[dname]))
    callables[load_qtensor] = False
    not_yet.discard(("torch._utils", "_rebuild_qtensor"))
    for name in ("qint8", "quint8", "qint32"):
        allowed[("torch", name)] = name       # a str, resolved by quantized_name
    for name in Q._SCHEMES:
        allowed[("torch", name)] = name
    from ._script_objects import register as register_script_objects  # packed RNN weights
    register_script_objects(allowed, callables)


def quantized_name(name):
    """The quantized dtype or scheme named ``name`` (None if there is none)."""
    return Q._QDTYPES.get(name) or Q._SCHEMES.get(name)
