"""The mark a quantized tensor carries in its ``_rg`` field, and the signal the dispatch
entry raises when it meets one.

``apply_op`` (``autograd/function.py``) reads every input's ``_rg`` (requires grad) anyway;
a quantized tensor's is :data:`QUANTIZED`, a true value that is not ``True``. So an op on
ordinary tensors pays nothing, and an op that meets a quantized tensor takes the recording
branch, where the input's edge raises :class:`QuantizedInput`; ``apply_op`` then hands the
op to ``ember._quantized_dispatch`` (a quantized kernel, or PyTorch's NotImplementedError).

>>> from ember._quantized_mark import QUANTIZED
>>> q = ember.quantize_per_tensor(ember.tensor([1.0]), 0.1, 0, ember.qint8)
>>> q._rg is QUANTIZED, bool(QUANTIZED), q.requires_grad
(True, True, False)
"""

__all__ = ["QUANTIZED", "QuantizedInput", "not_implemented"]


class _QuantizedMark:
    """The type of :data:`QUANTIZED` (one instance; true, not ``True``)."""

    __slots__ = ()

    def __bool__(self):
        return True

    def __repr__(self):
        return "QUANTIZED"

    def __reduce__(self):
        return "QUANTIZED"


QUANTIZED = _QuantizedMark()


class QuantizedInput(Exception):
    """Raised inside the recording branch of ``apply_op`` when an input is quantized."""


_NOT_RUN = ("Could not run '{op}' with arguments from the 'QuantizedCPU' backend. This could be "
            "because the operator doesn't exist for this backend, or was omitted during the "
            "selective/custom build process (if using custom build). (ember: dequantize() the "
            "tensor first, or use a quantized module.)")


def not_implemented(op):
    """PyTorch's NotImplementedError for ATen op ``op`` (e.g. ``'aten::exp.out'``) called with
    a quantized tensor.

    >>> from ember._quantized_mark import not_implemented
    >>> str(not_implemented("aten::exp.out")).split(". ")[0]
    "Could not run 'aten::exp.out' with arguments from the 'QuantizedCPU' backend"
    """
    return NotImplementedError(_NOT_RUN.format(op=op))
