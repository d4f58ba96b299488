"""Adamax: Adam with the infinity norm in place of the second moment.

For each parameter p with gradient g, at step t::

    g = g + weight_decay * p
    m = m + (1 - beta1) * (g - m)
    u = max(beta2 * u, |g| + eps)
    p = p - lr / (1 - beta1^t) * m / u

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adamax([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
from .._backend import np
from .optimizer import Optimizer, buffer_like, check_adam_args

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax: Adam whose step is scaled by a running maximum of ``|g|``."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_adam_args(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _init_state(self, state, p, group):
        state["exp_avg"] = buffer_like(p)
        state["exp_inf"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        step = float(state["step"]._data)
        beta1, beta2 = group["betas"]
        m, u = state["exp_avg"]._data, state["exp_inf"]._data
        m += dt(1 - beta1) * (g - m)
        u *= dt(beta2)
        np.maximum(u, np.abs(g) + dt(group["eps"]), out=u)
        p -= dt(group["lr"] / (1 - beta1 ** step)) * (m / u)
