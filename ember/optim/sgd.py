"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

For each parameter p with gradient g (negated when ``maximize``)::

    g = g + weight_decay * p
    b = g                              (first step)
    b = momentum * b + (1 - dampening) * g
    g = g + momentum * b  (nesterov)   or   g = b
    p = p - lr * g

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
>>> for _ in range(2):
...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
>>> w
Parameter containing:
tensor([0.4600], requires_grad=True)
"""
import threading

from .._backend import np
from .._tensor import _wrap
from .optimizer import Optimizer, blocked, required, BLOCK, check_lr_tensor

__all__ = ["SGD"]


def _descend(p, g, lr):
    """p -= lr * g, in place (the product in a scratch block the size of ``g``'s block)."""
    p -= np.multiply(g, lr, out=_scratch(g))


_LOCAL = threading.local()      # .bufs: {dtype: flat scratch array} of this thread


def _scratch(a):
    """An array shaped like ``a`` to write a product into: a view of this thread's reused
    buffer when ``a`` is no larger than ``blocked``'s blocks (every large contiguous
    parameter is updated block by block), else a new array."""
    n = 2 * BLOCK
    if a.size > n:
        return np.empty(a.shape, a.dtype)
    bufs = _LOCAL.__dict__.setdefault("bufs", {})
    buf = bufs.get(a.dtype)
    if buf is None:
        buf = bufs[a.dtype] = np.empty(n, a.dtype)
    return buf[:a.size].reshape(a.shape)


def _momentum(p, g, b, lr, m, damp, nesterov, first):
    """b = m * b + damp * g (b = g on the first step), then p -= lr * (g + m * b or b); in place."""
    if not first:
        b *= m
        if damp == 1:
            b += g
        else:
            b += np.multiply(g, damp, out=_scratch(g))
    t = _scratch(g)
    if nesterov:
        np.multiply(b, m, out=t)
        t += g
        t *= lr
    else:
        np.multiply(b, lr, out=t)
    p -= t


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum."""

    _steps = False
    _complex_as_real = False   # (linear: the complex arithmetic is the same)

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        check_lr_tensor(lr)
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        if group["momentum"] != 0:
            state["momentum_buffer"] = None

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        mom, lr = group["momentum"], dt(group["lr"])
        if mom == 0:
            blocked(_descend, p, g, lr)
            return
        buf = state.get("momentum_buffer")
        first = buf is None
        if first:
            buf = state["momentum_buffer"] = _wrap(np.array(g, dtype=p.dtype))
        blocked(_momentum, p, g, buf._data, lr, dt(mom), dt(1 - group["dampening"]), group["nesterov"], first)
