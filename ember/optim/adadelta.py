"""Adadelta: step sizes from running averages of squared gradients and squared steps.

For each parameter p with gradient g::

    g = g + weight_decay * p
    v = rho * v + (1 - rho) * g^2
    d = sqrt(u + eps) / sqrt(v + eps) * g
    u = rho * u + (1 - rho) * d^2
    p = p - lr * d

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adadelta([w])
>>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
0.9968
"""
from .._backend import np
from .optimizer import Optimizer, blocked, buffer_like, check_nonnegative

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta: step sizes from running averages of squared gradients and squared steps."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_nonnegative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative(eps=eps, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["square_avg"] = buffer_like(p)
        state["acc_delta"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        rho, a1, eps, lr = dt(group["rho"]), dt(1 - group["rho"]), dt(group["eps"]), dt(group["lr"])

        def update(p, g, v, u):
            v *= rho
            v += a1 * (g * g)
            std = np.sqrt(v + eps)
            delta = np.sqrt(u + eps) / std * g
            u *= rho
            u += a1 * (delta * delta)
            p -= lr * delta

        blocked(update, p, g, state["square_avg"]._data, state["acc_delta"]._data)
