"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule.

For each parameter p with gradient g, at step t (``psi = momentum_decay``)::

    g = g + weight_decay * p                    (decoupled_weight_decay: p = p * (1 - lr * weight_decay))
    mu_t = beta1 * (1 - 0.5 * 0.96^(t * psi));  P_t = mu_1 * ... * mu_t
    m = m + (1 - beta1) * (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    d = sqrt(v / (1 - beta2^t)) + eps
    p = p - lr * (1 - mu_t) / (1 - P_t) * g / d - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / d

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.NAdam([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
0.8944
"""
from .._backend import np
from .._tensor import _wrap
from .optimizer import Optimizer, buffer_like, check_adam_args, check_nonnegative

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Adam with Nesterov momentum and a momentum-decay schedule."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_args(lr, eps, betas, weight_decay)
        check_nonnegative(momentum_decay=momentum_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["mu_product"] = _wrap(np.ones((), dtype=np.float32))
        state["exp_avg"] = buffer_like(p)
        state["exp_avg_sq"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        step = float(state["step"]._data)
        lr, psi = group["lr"], group["momentum_decay"]
        beta1, beta2 = group["betas"]
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        mp = state["mu_product"]._data
        mp *= np.float32(mu)
        mu_product = float(mp)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += dt(1 - beta1) * (g - m)
        v *= dt(beta2)
        v += dt(1 - beta2) * (g * g)
        denom = np.sqrt(v / dt(1 - beta2 ** step))
        denom += dt(group["eps"])
        p -= dt(lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p -= dt(lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)
