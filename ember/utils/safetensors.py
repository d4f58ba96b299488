"""safetensors files for ember tensors, interchangeable with ``safetensors.torch``.

The same four functions as ``safetensors.torch`` (``save_file``, ``load_file``,
``save``, ``load``), built on the optional ``safetensors`` package
(``pip install ember[safetensors]``). A safetensors file holds a flat dict of
contiguous tensors and text metadata, and loading it never runs code.

>>> import tempfile, os
>>> from ember.utils.safetensors import save_file, load_file
>>> p = os.path.join(tempfile.mkdtemp(), "model.safetensors")
>>> save_file({"w": ember.ones(2, 2)}, p, metadata={"format": "pt"})
>>> load_file(p)["w"]
tensor([[1., 1.],
        [1., 1.]])
"""
import os

from .._backend import np

from .._tensor import Tensor, _wrap
from .. import _dtype as D

__all__ = ["save_file", "load_file", "save", "load"]

_CODES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64",
          "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool", "C64": "complex64",
          "U16": "uint16", "U32": "uint32", "U64": "uint64", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2",
          "F8_E8M0": "float8_e8m0fnu"}
_SUPPORTED = set(_CODES.values())


def _lib():
    try:
        import safetensors
    except ImportError:
        raise ModuleNotFoundError("ember.utils.safetensors needs the optional package safetensors "
                                  "(pip install safetensors, or pip install ember[safetensors])") from None
    return safetensors


def _root(a):
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _specs(tensors):
    lib = _lib()
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    bad = [k for k, v in tensors.items() if not isinstance(k, str) or not isinstance(v, Tensor)]
    if bad:
        raise ValueError(f"Key `{bad[0]}` is invalid, expected str and a torch.Tensor value")
    # tensors that share memory would be stored twice and come back unshared, as safetensors.torch refuses
    roots = {}
    for k, v in tensors.items():
        a = v._data
        if a.size:
            roots.setdefault(id(_root(a)), []).append(k)
    shared = [names for names in roots.values() if len(names) > 1]
    if shared:
        raise RuntimeError(f"Some tensors share memory, this will lead to duplicate memory on disk and potential "
                           f"differences when loading them again: {shared}.\nA potential way to correctly save "
                           "your model is to use `save_model`, or clone the tensors before saving.")
    specs, keep = {}, []
    for k, v in tensors.items():
        a = v._data
        name = D.NP2DT[a.dtype.type].name if a.dtype.isnative else None
        if name not in _SUPPORTED:
            raise ValueError(f"safetensors cannot store a tensor of dtype {v.dtype} ({k!r})")
        if not a.flags.c_contiguous:
            raise ValueError(f"You are trying to save a non contiguous tensor: `{k}` which is not allowed. It either "
                             "means you are trying to save tensors which are reference of each other in which case "
                             "it's recommended to save only the full tensors, and reslice at load time, or simply "
                             "call `.contiguous()` on your tensor to pack it before saving.")
        if a.size == 0:
            a = np.zeros(1, dtype=a.dtype)[:0]
        keep.append(a)
        specs[k] = lib.TensorSpec(dtype=name, shape=list(v.shape), data_ptr=a.ctypes.data, data_len=a.nbytes)
    return lib, specs, keep


def _check_metadata(metadata):
    if metadata is not None and (not isinstance(metadata, dict) or
                                 not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())):
        raise TypeError("metadata must be a Dict[str, str]")


def save(tensors, metadata=None):
    """Serialize a dict of tensors to safetensors ``bytes``.

    >>> from ember.utils.safetensors import save, load
    >>> load(save({"a": ember.arange(3)}))["a"]
    tensor([0, 1, 2])
    """
    _check_metadata(metadata)
    lib, specs, keep = _specs(tensors)
    out = lib.serialize(specs, metadata)
    del keep
    return bytes(out)


def save_file(tensors, filename, metadata=None):
    """Save a dict of tensors to the safetensors file ``filename`` (atomically: temp file, then rename).

    >>> import tempfile, os
    >>> from ember.utils.safetensors import save_file, load_file
    >>> p = os.path.join(tempfile.mkdtemp(), "x.safetensors")
    >>> save_file({"b": ember.zeros(3, dtype=ember.int32)}, p); load_file(p)["b"].dtype
    torch.int32
    """
    _check_metadata(metadata)
    lib, specs, keep = _specs(tensors)
    path = os.fspath(filename)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        lib.serialize_file(specs, tmp, metadata)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    del keep


def _tensors(items):
    out = {}
    for name, info in items:
        code = info["dtype"]
        if code not in _CODES:
            raise NotImplementedError(f"ember cannot load safetensors dtype {code} (tensor {name!r})")
        dname = _CODES[code]
        dt = D.__getattr__("bfloat16").np if dname == "bfloat16" else D.to_dtype(dname).np
        shape = tuple(info["shape"])
        data = info["data"]
        arr = np.frombuffer(data, dtype=dt, count=int(np.prod(shape, dtype=np.int64))).reshape(shape) \
            if len(data) else np.zeros(shape, dtype=dt)
        if not arr.flags.writeable:
            arr = arr.copy()
        out[name] = _wrap(arr)
    return out


def load(data):
    """Load a dict of tensors from safetensors ``bytes``.

    >>> from ember.utils.safetensors import save, load
    >>> sorted(load(save({"x": ember.ones(1), "y": ember.zeros(2)})))
    ['x', 'y']
    """
    lib = _lib()
    return _tensors(lib.deserialize(bytes(data)))


def load_file(filename, device="cpu"):
    """Load a dict of tensors from the safetensors file ``filename``.

    >>> import tempfile, os
    >>> from ember.utils.safetensors import save_file, load_file
    >>> p = os.path.join(tempfile.mkdtemp(), "y.safetensors")
    >>> save_file({"m": ember.eye(2)}, p); load_file(p, device="cpu")["m"]
    tensor([[1., 0.],
            [0., 1.]])
    """
    if str(device) != "cpu":
        raise RuntimeError(f"ember computes on the cpu only; cannot load onto device {device!r}")
    with open(os.fspath(filename), "rb") as f:
        data = f.read()
    return load(data)
