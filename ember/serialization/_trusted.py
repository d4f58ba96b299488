"""The unpickler behind ``ember.load(..., weights_only=False)``: for files you trust.

It is :class:`pickle.Unpickler` with PyTorch's names mapped to ember's (``torch.nn.Linear``
becomes ``ember.nn.Linear``), so whole pickled modules load. Unlike the default
restricted load it imports and calls whatever the file names: use it only on files
you made yourself. NumPy arrays and dtypes load here too (they are plain pickles).

>>> import io, pickle
>>> from ember.serialization._trusted import TrustedUnpickler
>>> TrustedUnpickler(io.BytesIO(pickle.dumps([1, 2])), None).load()
[1, 2]
"""
import importlib
import pickle

from ._allowlist import ALLOWED, dtype_object
from .._tensor import Tensor


class TrustedUnpickler(pickle.Unpickler):
    """Unrestricted unpickler; ``persistent_load_fn(pid)`` supplies storages."""

    def __init__(self, file, persistent_load_fn):
        super().__init__(file, encoding="utf-8")
        self._pl = persistent_load_fn

    def find_class(self, module, name):
        v = ALLOWED.get((module, name))
        if module == "torch" and name == "Tensor":
            return Tensor
        if v is not None:
            return dtype_object(v) if isinstance(v, str) else v
        if module == "torch" or module.startswith("torch."):
            try:
                return getattr(importlib.import_module("ember" + module[5:]), name)
            except (ImportError, AttributeError):
                pass
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError):
            if module.startswith("ember.nn.modules."):  # a layer saved before its file was split or renamed
                cls = getattr(importlib.import_module("ember.nn.modules"), name, None)
                if cls is not None:
                    return cls
            raise

    def persistent_load(self, pid):
        return self._pl(pid)
