"""``Parameter``: a Tensor that a Module registers as one of its parameters.

>>> p = ember.nn.Parameter(ember.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
"""
from .._tensor import Tensor, _SLOTS
from .._creation import empty


class Parameter(Tensor):
    """A leaf tensor (``requires_grad=True`` by default) that Modules register on
    assignment. Shares memory with the tensor it was made from."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        t = Tensor.__new__(cls)
        for k in _SLOTS:
            setattr(t, k, None)
        t._data = data._data
        t._rg = False
        t._version = data._ensure_version()
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        from .._tensor import _wrap
        return (_rebuild_parameter, (_wrap(self._data), self._rg))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        r = Parameter(Tensor.__deepcopy__(self, {}), self._rg)
        if self.grad is not None:
            import copy
            r.grad = copy.deepcopy(self.grad, memo)
        memo[id(self)] = r
        return r


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute.

    >>> m = ember.nn.Module(); m.running = ember.nn.Buffer(ember.zeros(2)); list(dict(m.named_buffers()))
    ['running']
    """

    __slots__ = ("persistent",)

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        t = Tensor.__new__(cls)
        for k in _SLOTS:
            setattr(t, k, None)
        t._data = data._data
        t._rg = data._rg
        t._version = data._ensure_version()
        t.persistent = persistent
        return t

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """Placeholder for lazy modules (not supported yet)."""

    def __new__(cls, *a, **k):
        raise NotImplementedError("ember: lazy modules (UninitializedParameter) are not supported yet")
