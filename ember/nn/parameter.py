"""``Parameter``: a Tensor that a Module registers as one of its parameters.

>>> p = ember.nn.Parameter(ember.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
"""
from .._tensor import Tensor, _SLOTS
from .._creation import empty
from .._quantized_mark import QUANTIZED as _QM


class Parameter(Tensor):
    """A leaf tensor (``requires_grad=True`` by default) that Modules register on
    assignment. Shares memory with the tensor it was made from."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if data._rg is _QM:  # a quantized tensor (its integers would pass for values)
            if requires_grad:
                raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                                   "gradients")
            raise NotImplementedError("ember: nn.Parameter of a quantized tensor is not built "
                                      "(keep it as a plain attribute or a buffer)")
        t = Tensor.__new__(cls)
        for k in _SLOTS:
            setattr(t, k, None)
        t._data = data._data
        t._rg = False
        t._vc = data._ensure_version()
        if data._meta:
            t._meta = True
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
        t._vc = data._ensure_version()
        t.persistent = persistent
        return t

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedTensorMixin:
    """What a lazy module's placeholder tensors share: no shape until ``materialize``.

    >>> p = ember.nn.UninitializedParameter(); p.materialize((2, 3)); type(p).__name__, p.shape
    ('Parameter', torch.Size([2, 3]))
    """

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor ``shape`` (uninitialised values) and turn it into ``cls_to_become``,
        keeping the object (so optimizers and hooks holding it see the change)."""
        if dtype is None:
            dtype = self.dtype
        if isinstance(shape, int):
            shape = (shape,)
        self._data = empty(tuple(shape), dtype=dtype)._data
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))


def is_lazy(param):
    """Whether ``param`` is an uninitialised placeholder of a lazy module.

    >>> ember.nn.parameter.is_lazy(ember.nn.UninitializedParameter()), ember.nn.parameter.is_lazy(ember.ones(1))
    (True, False)
    """
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (lazy modules); ``materialize`` makes it a
    ``Parameter``.

    >>> ember.nn.UninitializedParameter()
    <UninitializedParameter>
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return Parameter.__new__(cls, empty(0, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, None, self.dtype)
        return memo[id(self)]


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (lazy modules); ``materialize`` makes it a Tensor.

    >>> ember.nn.UninitializedBuffer().requires_grad
    False
    """

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        data = empty(0, dtype=dtype)
        t = Tensor.__new__(cls)
        for k in _SLOTS:
            setattr(t, k, None)
        t._data = data._data
        t._rg = False
        t._vc = data._ensure_version()
        if data._meta:
            t._meta = True
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, None, self.dtype)
        return memo[id(self)]


__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer",
           "UninitializedTensorMixin"]
