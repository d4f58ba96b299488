"""Reading a TorchScript archive written by PyTorch (``torch.jit.save``) without running it.

A TorchScript archive is a zip holding ``data.pkl`` (the module tree: one object per module,
its attributes, submodules and tensors), ``data/<n>`` (tensor bytes), ``constants.pkl`` and
``code/`` (the compiled TorchScript source of every class). ember never runs that code. It
reads the module tree through ember's restricted unpickler (each ``__torch__.*`` class named
in the pickle becomes an inert record of its attributes; nothing is imported or called), and
reads which attributes are parameters and which are buffers from the ``__parameters__`` /
``__buffers__`` lines of ``code/`` as text. The result is a :class:`RecursiveScriptModule`:
an ember Module with the same submodules, parameters, buffers and ``state_dict`` as the
archive, whose ``forward`` raises ``NotImplementedError`` saying what to do instead
(build the eager model and ``load_state_dict``).

>>> import io
>>> from ember.jit._torchscript_archive import is_torchscript_archive
>>> is_torchscript_archive(io.BytesIO(b"not a zip"))
False
"""
import re

from ..nn import Module, Parameter
from .._tensor import Tensor
from ..serialization._allowlist import PREFIX, StorageType, np_storage_dtype
from ..serialization._errors import LoadError
from ..serialization._unpickler import Unpickler
from ..serialization._zipformat import ZipReader
from .._backend import np

__all__ = ["RecursiveScriptModule", "load_torchscript", "is_torchscript_archive"]

_RUN_MSG = ("this module was loaded from a TorchScript archive written by PyTorch; ember reads its parameters "
            "and buffers but never runs TorchScript code. Build the model in Python (the eager nn.Module) and "
            "load the weights: model.load_state_dict(ember.jit.load(path).state_dict())")


class RecursiveScriptModule(Module):
    """A module read from a TorchScript archive: submodules, parameters and buffers, no code.

    ``state_dict()``, ``named_parameters()``, ``named_buffers()`` and attribute access work as on
    the module PyTorch saved; calling it raises ``NotImplementedError`` (ember does not run
    TorchScript). ``original_name`` is the class name PyTorch recorded.

    >>> from ember.jit import RecursiveScriptModule
    >>> m = RecursiveScriptModule("Linear")
    >>> m.original_name
    'Linear'
    """

    def __init__(self, original_name="Module"):
        super().__init__()
        self.original_name = original_name

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"ember.jit: calling {self.original_name}: {_RUN_MSG}")

    @property
    def code(self):
        """The archive's TorchScript source is not kept: ember does not compile it."""
        raise NotImplementedError(f"ember.jit: .code of {self.original_name}: {_RUN_MSG}")

    graph = code

    def extra_repr(self):
        return "original_name=" + self.original_name


class _ScriptObject:
    """Base of the inert records the unpickler creates for ``__torch__.*`` classes."""

    _qualname = "?"


_TS_HELPERS = {  # torch.jit._pickle helpers: return their (list) argument as is
    "build_intlist", "build_tensorlist", "build_doublelist", "build_boollist", "build_tensor_from_id"}


def _restore_type_tag(value, type_str):
    return value


def _identity(value):
    return value


class _ArchiveUnpickler(Unpickler):
    """ember's restricted unpickler, plus inert record classes for ``__torch__.*`` names."""

    def __init__(self, data, persistent_load):
        super().__init__(data, persistent_load)
        self.classes = {}

    def find_class(self, module, name):
        if module == "__torch__" or module.startswith("__torch__."):
            key = f"{module}.{name}"
            cls = self.classes.get(key)
            if cls is None:
                cls = type(name, (_ScriptObject,), {"_qualname": key, "__module__": "ember.jit.torchscript"})
                self.classes[key] = cls
                self.callables[id(cls)] = cls
                self.makes_fresh.add(id(cls))
            return cls
        if module == "torch.jit._pickle" and (name in _TS_HELPERS or name == "restore_type_tag"):
            f = _restore_type_tag if name == "restore_type_tag" else _identity
            self.callables[id(f)] = f
            return f
        return super().find_class(module, name)


def is_torchscript_archive(f):
    """True when the zip ``f`` (path or seekable file) holds a TorchScript archive (``code/`` or
    ``constants.pkl`` beside ``data.pkl``)."""
    try:
        names = ZipReader(f).names()
    except Exception:  # noqa: BLE001 - not a zip at all
        return False
    finally:
        if hasattr(f, "seek"):
            f.seek(0)
    return any(n.count("/") == 1 and n.endswith("/constants.pkl") for n in names) or \
        any("/code/__torch__" in n for n in names)


_CLASS_RE = re.compile(r"^class (\w+)\((?:Module|torch\.nn\.Module)\):\n((?:  .*\n|\n)*?)(?=\S|\Z)", re.M)
_LIST_RE = re.compile(r"^  (__parameters__|__buffers__) = \[(.*)\]", re.M)


def _class_tables(reader, archive):
    """``{qualified class name: (parameter names, buffer names)}`` read from ``code/`` as text."""
    out = {}
    pre = f"{archive}/code/"
    for n in reader.names():
        if not n.startswith(pre) or not n.endswith(".py"):
            continue
        mod = n[len(pre):-3].replace("/", ".")
        text = reader.read(n).decode("utf-8", "replace")
        for m in _CLASS_RE.finditer(text + "\n"):
            lists = {k: [s.strip().strip('"') for s in v.split(",") if s.strip()]
                     for k, v in _LIST_RE.findall(m.group(2))}
            out[f"{mod}.{m.group(1)}"] = (lists.get("__parameters__", []), lists.get("__buffers__", []))
    return out


def _storage_loader(reader, archive, folder):
    cache = {}

    def load(pid):
        if type(pid) is not tuple or len(pid) != 5 or pid[0] != "storage" or type(pid[1]) is not StorageType:
            raise LoadError(f"{PREFIX}unsupported persistent id {pid!r:.200}")
        _, stype, key, _location, numel = pid
        if type(key) is not str or type(numel) is not int or numel < 0:
            raise LoadError(f"{PREFIX}malformed storage record {pid!r:.200}")
        if key in cache:
            return cache[key]
        name = f"{archive}/{folder}/{key}"
        if name not in reader.infos:
            raise LoadError(f"PytorchStreamReader failed locating file {folder}/{key}: file not found")
        dt = np_storage_dtype(stype.dtype_name)
        if reader.size(name) < numel * dt.itemsize:
            raise LoadError(f"{PREFIX}storage {key!r} is shorter than its {numel} elements")
        arr = np.empty(numel, dtype=dt)
        reader.readinto(name, arr.view(np.uint8))
        cache[key] = arr
        return arr
    return load


def _to_module(obj, tables, depth=0):
    if depth > 200:
        raise LoadError(f"{PREFIX}module tree too deep")
    qual = type(obj)._qualname
    m = RecursiveScriptModule(qual.rsplit(".", 1)[-1])
    params, buffers = tables.get(qual, ([], []))
    state = obj.__dict__
    for k, v in state.items():
        if isinstance(v, _ScriptObject):
            m.add_module(k, _to_module(v, tables, depth + 1))
        elif k == "training" and type(v) is bool:
            m.training = v
        elif isinstance(v, Tensor) and k in params:
            m.register_parameter(k, Parameter(v, requires_grad=v.dtype.is_floating_point))
        elif (v is None or isinstance(v, Tensor)) and k in buffers:
            m.register_buffer(k, v)
        elif v is None and k in params:
            m.register_parameter(k, None)
        elif not k.startswith("__"):
            object.__setattr__(m, k, v) if k not in ("forward", "code", "graph") else None
    return m


def load_torchscript(fobj):
    """Read the TorchScript archive ``fobj`` (a seekable binary file) as a
    :class:`RecursiveScriptModule` (weights only; its code is never run)."""
    reader = ZipReader(fobj)
    pkl = [n for n in reader.names() if n.count("/") == 1 and n.endswith("/data.pkl")]
    if len(pkl) != 1:
        raise LoadError("PytorchStreamReader failed locating file data.pkl: file not found")
    archive = pkl[0][:-len("/data.pkl")]
    root = _ArchiveUnpickler(reader.read(pkl[0]), _storage_loader(reader, archive, "data")).load()
    if not isinstance(root, _ScriptObject):
        raise LoadError(f"{PREFIX}the archive's data.pkl does not describe a module")
    return _to_module(root, _class_tables(reader, archive))
