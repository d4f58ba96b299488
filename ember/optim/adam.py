"""Adam.

For each parameter p with gradient g, at step t::

    g = g + weight_decay * p                    (decoupled_weight_decay: p = p * (1 - lr * weight_decay))
    m = m + (1 - beta1) * (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v)                       (amsgrad; used in place of v below)
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

>>> w = ember.nn.Parameter(ember.tensor([1.0, -1.0]))
>>> opt = ember.optim.Adam([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([ 0.9000, -0.9000], requires_grad=True)
"""
import math

from .._backend import np
from .optimizer import Optimizer, blocked, buffer_like, check_adam_args

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam: steps scaled by bias-corrected running averages of the gradient and its square."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_adam_args(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _init_state(self, state, p, group):
        state["exp_avg"] = buffer_like(p)
        state["exp_avg_sq"] = buffer_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        step = float(state["step"]._data)
        beta1, beta2 = group["betas"]
        bc2_sqrt = dt(math.sqrt(1 - beta2 ** step))
        a1, a2, b2, eps = dt(1 - beta1), dt(1 - beta2), dt(beta2), dt(group["eps"])
        step_size = dt(group["lr"] / (1 - beta1 ** step))

        def update(p, g, m, v, vmax=None):
            m += a1 * (g - m)
            v *= b2
            v += a2 * (g * g)
            if vmax is not None:
                np.maximum(vmax, v, out=vmax)
                v = vmax
            denom = np.sqrt(v) / bc2_sqrt
            denom += eps
            p -= step_size * (m / denom)

        arrays = (p, g, state["exp_avg"]._data, state["exp_avg_sq"]._data)
        if group["amsgrad"]:
            arrays += (state["max_exp_avg_sq"]._data,)
        blocked(update, *arrays)
