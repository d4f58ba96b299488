"""RAdam: rectified Adam, plain momentum SGD until the variance estimate is reliable.

For each parameter p with gradient g, at step t::

    g = g + weight_decay * p                    (decoupled_weight_decay: p = p * (1 - lr * weight_decay))
    m = m + (1 - beta1) * (g - m);  v = beta2 * v + (1 - beta2) * g * g
    rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
    p = p - lr * m / (1 - beta1^t) * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)   (rho_t > 5)
    p = p - lr * m / (1 - beta1^t)                                                (otherwise)

with ``r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))``.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.RAdam([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
import math

from .._backend import np
from .optimizer import Optimizer, buffer_like, check_adam_args

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Rectified Adam: plain momentum SGD until the variance estimate is reliable."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_args(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["exp_avg"] = buffer_like(p)
        state["exp_avg_sq"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        step = float(state["step"]._data)
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += dt(1 - beta1) * (g - m)
        v *= dt(beta2)
        v += dt(1 - beta2) * (g * g)
        bc2 = 1 - beta2 ** step
        corrected = m / dt(1 - beta1 ** step)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = dt(math.sqrt(bc2)) / (np.sqrt(v) + dt(group["eps"]))
            p -= corrected * dt(lr) * adaptive * dt(rect)
        else:
            p -= corrected * dt(lr)
