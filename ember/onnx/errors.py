"""``torch.onnx.errors``: the exceptions and warning the ONNX exporter raises.

>>> issubclass(ember.onnx.errors.UnsupportedOperatorError, ember.onnx.OnnxExporterError)
True
"""

__all__ = ["OnnxExporterError", "OnnxExporterWarning", "SymbolicValueError", "UnsupportedOperatorError"]


class OnnxExporterError(RuntimeError):
    """Raised when an ONNX export fails.

    >>> issubclass(ember.onnx.OnnxExporterError, RuntimeError)
    True
    """


class OnnxExporterWarning(UserWarning):
    """Warns about something the exported model may do differently.

    >>> issubclass(ember.onnx.errors.OnnxExporterWarning, UserWarning)
    True
    """


class UnsupportedOperatorError(OnnxExporterError):
    """Raised when the model calls an operator the exporter cannot write as ONNX; the message
    names it.

    >>> str(ember.onnx.errors.UnsupportedOperatorError("ember.cholesky"))
    'ember.cholesky'
    """


class SymbolicValueError(OnnxExporterError):
    """Raised when an operator's arguments have values the exporter cannot express in ONNX.

    >>> issubclass(ember.onnx.errors.SymbolicValueError, RuntimeError)
    True
    """
