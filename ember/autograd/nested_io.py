"""``NestedIOFunction``: PyTorch's legacy Function base class whose forward/backward take nested
structures through ``forward_extended``/``backward_extended`` (kept for compatibility).

>>> issubclass(ember.autograd.NestedIOFunction, ember.autograd.Function)
True
"""
from .function import Function

__all__ = ["NestedIOFunction"]


class NestedIOFunction(Function):
    """Legacy base class (use :class:`Function`): subclasses define ``forward_extended`` and
    ``backward_extended``; both raise NotImplementedError here, as in PyTorch."""

    def forward_extended(self, *input):
        raise NotImplementedError

    def backward_extended(self, *grad_output):
        raise NotImplementedError
