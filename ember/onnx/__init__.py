"""``torch.onnx``: the names a training script touches when ONNX export is optional.

:func:`export` captures a model with ``ember.fx`` on example inputs and writes an ONNX file
with the ``onnx`` package (an optional dependency: ``pip install 'ember[onnx]'``); standard
layers (Linear, Conv, BatchNorm, pooling, activations, LSTM/GRU, MultiheadAttention,
Transformer encoder layers, embeddings) and the tensor ops models call become ONNX nodes, and
anything else raises :class:`errors.UnsupportedOperatorError` naming it.

>>> ember.onnx.is_in_onnx_export()
False
"""
import contextlib
import enum

from . import errors
from .errors import OnnxExporterError
from ._program import ONNXProgram

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode", "OperatorExportTypes",
           "producer_name", "producer_version", "errors", "ONNXProgram", "select_model_mode_for_export"]

producer_name = "pytorch"
producer_version = "2.13.0"


class TrainingMode(enum.IntEnum):
    """The mode a model is exported in.

    >>> ember.onnx.TrainingMode.EVAL.value
    0
    """
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    """How operators are exported.

    >>> ember.onnx.OperatorExportTypes.ONNX.value
    0
    """
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def is_in_onnx_export():
    """Whether an ONNX export is running (True inside the model's forward while exporting).

    >>> ember.onnx.is_in_onnx_export()
    False
    """
    from ._export_mode import in_export
    return in_export()


@contextlib.contextmanager
def select_model_mode_for_export(model, mode):
    """Put ``model`` in ``mode`` (a :class:`TrainingMode`) for the ``with`` block, then restore it.

    >>> m = ember.nn.Dropout()
    >>> with ember.onnx.select_model_mode_for_export(m, ember.onnx.TrainingMode.EVAL):
    ...     m.training
    False
    >>> m.training
    True
    """
    from ._export_mode import training_mode
    with training_mode(model, mode):
        yield


def _export_needs_onnx(model, args=(), f=None, **options):
    """``export`` where the onnx package is missing: says how to install it.

    >>> callable(ember.onnx._export_needs_onnx)
    True
    """
    raise ImportError("torch.onnx.export needs the onnx package: pip install onnx "
                      "(or ember's extra: pip install 'ember[onnx]')")


def __getattr__(name):
    # ``export`` and its converter tables load on first use, keeping ``import ember`` light
    if name == "export":
        try:
            from ._export import export
        except ModuleNotFoundError as e:
            if e.name != "onnx":
                raise
            return _export_needs_onnx
        globals()["export"] = export
        return export
    raise AttributeError(f"module 'ember.onnx' has no attribute {name!r}")
