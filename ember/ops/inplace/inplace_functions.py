"""The in-place functions PyTorch exposes at the top level (``torch.abs_(x)`` is
``x.abs_()``), ``fill``, ``detach``, ``detach_`` and ``rsub``, and the in-place aliases
``negative_`` and ``Tensor.absolute_``. Each one calls the Tensor method that holds the op,
so version counters and the leaf checks are the method's.
"""
__all__ = ["abs_", "cos_", "sin_", "exp_", "log_", "neg_", "sqrt_", "rsqrt_", "sigmoid_", "tanh_", "square_", "reciprocal_", "zero_",
           "fill_", "fill", "detach", "detach_", "rsub", "negative_"]

from ..elementwise import arithmetic as _arith


def abs_(input):
    """In place: ``input`` becomes its absolute value; returns ``input``.

    >>> ember.abs_(ember.tensor([-1., 2.]))
    tensor([1., 2.])
    """
    return input.abs_()

def cos_(input):
    """In place: ``input`` becomes its cosine; returns ``input``.

    >>> ember.cos_(ember.tensor([0.]))
    tensor([1.])
    """
    return input.cos_()

def sin_(input):
    """In place: ``input`` becomes its sine; returns ``input``.

    >>> ember.sin_(ember.tensor([0.]))
    tensor([0.])
    """
    return input.sin_()

def exp_(input):
    """In place: ``input`` becomes its exponential; returns ``input``.

    >>> ember.exp_(ember.tensor([0.]))
    tensor([1.])
    """
    return input.exp_()

def log_(input):
    """In place: ``input`` becomes its natural logarithm; returns ``input``.

    >>> ember.log_(ember.tensor([1.]))
    tensor([0.])
    """
    return input.log_()

def neg_(input):
    """In place: ``input`` becomes its negation; returns ``input``.

    >>> ember.neg_(ember.tensor([1.]))
    tensor([-1.])
    """
    return input.neg_()

def sqrt_(input):
    """In place: ``input`` becomes its square root; returns ``input``.

    >>> ember.sqrt_(ember.tensor([4.]))
    tensor([2.])
    """
    return input.sqrt_()

def rsqrt_(input):
    """In place: ``input`` becomes its reciprocal square root; returns ``input``.

    >>> ember.rsqrt_(ember.tensor([4.]))
    tensor([0.5000])
    """
    return input.rsqrt_()

def sigmoid_(input):
    """In place: ``input`` becomes its logistic sigmoid; returns ``input``.

    >>> ember.sigmoid_(ember.tensor([0.]))
    tensor([0.5000])
    """
    return input.sigmoid_()

def tanh_(input):
    """In place: ``input`` becomes its hyperbolic tangent; returns ``input``.

    >>> ember.tanh_(ember.tensor([0.]))
    tensor([0.])
    """
    return input.tanh_()

def square_(input):
    """In place: ``input`` becomes its square; returns ``input``.

    >>> ember.square_(ember.tensor([3.]))
    tensor([9.])
    """
    return input.square_()

def reciprocal_(input):
    """In place: ``input`` becomes its reciprocal; returns ``input``.

    >>> ember.reciprocal_(ember.tensor([4.]))
    tensor([0.2500])
    """
    return input.reciprocal_()

def zero_(input):
    """In place: ``input`` becomes its zeros; returns ``input``.

    >>> ember.zero_(ember.tensor([4.]))
    tensor([0.])
    """
    return input.zero_()

def fill_(input, value):
    """Fill ``input`` with ``value`` (a number or a 0-d tensor) in place; returns ``input``.

    >>> ember.fill_(ember.zeros(2), 3.)
    tensor([3., 3.])
    """
    return input.fill_(value)


def fill(input, value):
    """A new tensor like ``input`` filled with ``value`` (differentiable w.r.t. a 0-d tensor
    ``value``; the gradient w.r.t. ``input`` is zero).

    >>> ember.fill(ember.zeros(2, dtype=ember.long), 2.7)
    tensor([2, 2])
    """
    from ..._tensor import Tensor
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.dim()} dimensions.")
        if value.requires_grad or input.requires_grad:
            return input * 0 + value.to(input.dtype).expand(input.shape)
    out = input.detach().clone()
    out.fill_(value)
    if input.requires_grad:
        return input * 0 + out
    return out


def detach(input):
    """A tensor sharing ``input``'s data, cut from the graph.

    >>> ember.detach(ember.ones(2, requires_grad=True)).requires_grad
    False
    """
    return input.detach()


def detach_(input):
    """Cut ``input`` from the graph in place; returns ``input``.

    >>> x = ember.ones(2, requires_grad=True) * 2; ember.detach_(x) is x, x.requires_grad
    (True, False)
    """
    return input.detach_()


def rsub(input, other, alpha=1):
    """``other - alpha * input`` (subtraction with the operands swapped).

    >>> ember.rsub(ember.tensor([1., 2.]), 5, alpha=2)
    tensor([3., 1.])
    """
    import builtins
    from ..elementwise import arithmetic as _E
    from ..._tensor import Tensor
    from ..._creation import tensor
    if not isinstance(other, Tensor):
        # a Python number never promotes the tensor's category: int tensor - int stays int
        as_input = isinstance(other, builtins.int) and not isinstance(other, builtins.bool)
        other = tensor(other, dtype=input.dtype if as_input else None)
    return _E.sub(other, input, alpha=alpha)


def absolute_(self):
    """In-place :func:`absolute` (the same as ``abs_``).

    >>> ember.tensor([-1., 2.]).absolute_()
    tensor([1., 2.])
    """
    return _arith.TENSOR_METHODS["abs_"](self)


def negative_(input):
    """In-place :func:`negative` (the same as ``neg_``); returns ``input``.

    >>> ember.negative_(ember.tensor([1., -2.]))
    tensor([-1.,  2.])
    """
    return _arith.TENSOR_METHODS["neg_"](input)


TENSOR_METHODS = {"absolute_": absolute_, "negative_": negative_}
