"""``Variable``: the pre-0.4 PyTorch wrapper, kept so that old code runs. Every Tensor is a
Variable; ``Variable(t, requires_grad=...)`` gives a detached alias of ``t``.

>>> from ember.autograd import Variable
>>> v = Variable(ember.ones(2), requires_grad=True)
>>> v.requires_grad, isinstance(ember.zeros(1), Variable)
(True, True)
"""

from .final_callbacks import _ExecutionEngine

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        from .._tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False, volatile=False)`` returns a Tensor sharing ``data``'s
    memory, outside its graph (``volatile`` is accepted and ignored, as in PyTorch).
    ``Variable._execution_engine.queue_callback(fn)`` runs ``fn`` at the end of the running backward."""

    _execution_engine = _ExecutionEngine()

    def __new__(cls, data, requires_grad=False, volatile=False):
        from .._tensor import Tensor
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        t = data.detach()
        if requires_grad:
            t.requires_grad_(True)
        return t
