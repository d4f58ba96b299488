"""TorchScript objects in PyTorch checkpoints, read and written as plain data.

PyTorch's dynamic quantized LSTM/GRU and cells keep their weights in TorchScript
custom-class objects (``torch.ScriptObject``), and their ``state_dict`` holds those
objects. ``torch.save`` pickles one as ``NEWOBJ torch.ScriptObject()`` followed by
``BUILD (state, qualified_class_name)``, where ``state`` is the object's
``__getstate__`` value: tensors, lists, tuples, strings, numbers and further such
objects. Nothing in it is code, but ``torch.load(weights_only=True)`` refuses the
global ``torch.ScriptObject``; PyTorch needs ``weights_only=False`` for these files.

ember reads and writes that layout as a :class:`ScriptObject` holding the two values,
and never runs TorchScript: ``ember.load`` accepts the classes in :data:`KNOWN` (the
packed weights of dynamic quantized Linear and RNN layers, whose state ember's quantized
modules interpret); any other TorchScript class raises
:class:`~ember.serialization.UnsupportedCheckpointError` (a ``NotImplementedError``)
naming it. A file ember writes loads in PyTorch with ``weights_only=False`` into real
TorchScript objects, exactly like PyTorch's own.

>>> import io
>>> from ember.serialization._script_objects import ScriptObject, LINEAR_PACKED
>>> obj = ScriptObject((ember.ones(2, 2), None), LINEAR_PACKED)
>>> buf = io.BytesIO(); ember.save({"p": obj}, buf); _ = buf.seek(0)
>>> back = ember.load(buf)["p"]
>>> back
ScriptObject <__torch__.torch.classes.quantized.LinearPackedParamsBase>
>>> back.state[0].shape
torch.Size([2, 2])
"""
import copyreg

from ._errors import UnsupportedCheckpointError

__all__ = ["ScriptObject", "KNOWN", "LINEAR_PACKED", "CELL_PARAMS"]

LINEAR_PACKED = "__torch__.torch.classes.quantized.LinearPackedParamsBase"
CELL_PARAMS = "__torch__.torch.classes.rnn.CellParamsBase"
KNOWN = frozenset({LINEAR_PACKED, CELL_PARAMS})


class _Sealed(type):
    """A class the loader hands out must not be changeable through it (no class attributes set)."""

    def __setattr__(cls, name, value):
        raise TypeError(f"cannot set attributes of {cls.__name__}")

    def __delattr__(cls, name):
        raise TypeError(f"cannot delete attributes of {cls.__name__}")


class ScriptObject(metaclass=_Sealed):
    """The data of one TorchScript object: ``state`` (its ``__getstate__`` value) and
    ``qualified_name`` (its class). Loading checks the class against :data:`KNOWN`.

    >>> from ember.serialization._script_objects import ScriptObject, CELL_PARAMS
    >>> ScriptObject(("quantized_fp16", [], [], [], []), CELL_PARAMS).state[0]
    'quantized_fp16'
    """

    __slots__ = ("state", "qualified_name")

    def __init__(self, state=None, qualified_name=None):
        self.state, self.qualified_name = state, qualified_name

    def __getstate__(self):
        return (self.state, self.qualified_name)

    def __setstate__(self, value):
        if type(value) is not tuple or len(value) != 2 or type(value[1]) is not str:
            from ._allowlist import PREFIX
            from ._errors import LoadError
            raise LoadError(PREFIX + "torch.ScriptObject state must be (state, class name)")
        if value[1] not in KNOWN:
            raise UnsupportedCheckpointError(
                f"this checkpoint holds a TorchScript object of class {value[1]!r:.200}; ember "
                "reads the packed weights of dynamic quantized Linear/LSTM/GRU layers only "
                "(running TorchScript is not built)")
        self.state, self.qualified_name = value

    def __repr__(self):
        return f"ScriptObject <{self.qualified_name}>"


def reduce(pickler, obj):
    """Pickle ``obj`` as PyTorch does: ``NEWOBJ torch.ScriptObject`` then ``BUILD``."""
    pickler.used.add((__name__, "ScriptObject"))
    return (copyreg.__newobj__, (ScriptObject,), (obj.state, obj.qualified_name))


def register(allowed, callables):
    """Let the loader build ``torch.ScriptObject`` (as :class:`ScriptObject`)."""
    allowed[("torch", "ScriptObject")] = ScriptObject
    callables[ScriptObject] = True
