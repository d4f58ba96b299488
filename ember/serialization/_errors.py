"""The one exception type a bad checkpoint raises.

Every file ``ember.load`` cannot read, whatever is wrong with it (a hostile pickle, a
corrupted zip directory, a truncated record, a CRC mismatch, a pickle asking for too
much work), raises :class:`LoadError` with the underlying cause chained
(``__cause__``). ``LoadError`` is both a :class:`pickle.UnpicklingError` (what
``torch.load(weights_only=True)`` raises for a refused pickle) and a
:class:`RuntimeError` (what it raises for a bad archive), so code written for
PyTorch that catches either keeps working. A well-formed file using a PyTorch feature
ember has not built raises :class:`UnsupportedCheckpointError`, which is a
``LoadError`` and a :class:`NotImplementedError`.

>>> import io, pickle
>>> from ember.serialization import LoadError
>>> try:
...     ember.load(io.BytesIO(b"PK\\x03\\x04 not really a zip"))
... except LoadError as e:
...     print(isinstance(e, RuntimeError), isinstance(e, pickle.UnpicklingError))
True True
"""
import pickle

__all__ = ["LoadError", "UnsupportedCheckpointError"]


class LoadError(pickle.UnpicklingError, RuntimeError):
    """``ember.load`` could not read a file; ``__cause__`` holds what went wrong underneath.

    >>> from ember.serialization import LoadError
    >>> issubclass(LoadError, RuntimeError)
    True
    """


class UnsupportedCheckpointError(LoadError, NotImplementedError):
    """A checkpoint uses a PyTorch feature that ember does not load yet (named in the message).

    >>> from ember.serialization import UnsupportedCheckpointError, LoadError
    >>> issubclass(UnsupportedCheckpointError, (LoadError, NotImplementedError))
    True
    """
