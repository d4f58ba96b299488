"""``torch.onnx``: the names a training script touches when ONNX export is optional.

ember has no ONNX exporter; :func:`export` raises NotImplementedError naming it, while
``import torch.onnx`` and :func:`is_in_onnx_export` work, so programs that only offer export
behind a flag run unchanged.

>>> ember.onnx.is_in_onnx_export()
False
"""
import enum

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError", "TrainingMode", "OperatorExportTypes",
           "producer_name", "producer_version"]

producer_name = "pytorch"
producer_version = "2.13.0"


class OnnxExporterError(RuntimeError):
    """Raised when an ONNX export fails.

    >>> issubclass(ember.onnx.OnnxExporterError, RuntimeError)
    True
    """


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
    """False: ember never traces a model for ONNX export.

    >>> ember.onnx.is_in_onnx_export()
    False
    """
    return False


def export(model, args=(), f=None, *, kwargs=None, **options):
    """Export ``model`` to ONNX: not built in ember (raises NotImplementedError).

    >>> ember.onnx.export(ember.nn.Linear(2, 2), (ember.zeros(1, 2),), "m.onnx")
    Traceback (most recent call last):
    ...
    NotImplementedError: torch.onnx.export: ember has no ONNX exporter
    """
    raise NotImplementedError("torch.onnx.export: ember has no ONNX exporter")
