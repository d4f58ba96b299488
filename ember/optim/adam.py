"""Adam and AdamW.

For each parameter p with gradient g, at step t::

    g = g + weight_decay * p                    (Adam; AdamW instead: p = p * (1 - lr * weight_decay))
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
from .._tensor import _wrap
from .optimizer import Optimizer, blocked, check_adam_args

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_adam_args(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay or self._decoupled)
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        d = p._data
        state["step"] = _wrap(np.zeros((), dtype=np.float32))
        state["exp_avg"] = _wrap(np.zeros_like(d))
        state["exp_avg_sq"] = _wrap(np.zeros_like(d))
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = _wrap(np.zeros_like(d))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        wd = group["weight_decay"]
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p *= dt(1 - lr * wd)
            else:
                g = g + dt(wd) * p
        bc1 = 1 - beta1 ** step
        bc2_sqrt = dt(math.sqrt(1 - beta2 ** step))
        a1, a2, b2, eps, step_size = dt(1 - beta1), dt(1 - beta2), dt(beta2), dt(group["eps"]), dt(lr / bc1)

        def update(p, g, m, v, vmax=None):
            m += a1 * (g - m)
            v *= b2
            v += a2 * (g * g)
            if vmax is not None:
                np.maximum(vmax, v, out=vmax)
                denom = np.sqrt(vmax) / bc2_sqrt
            else:
                denom = np.sqrt(v) / bc2_sqrt
            denom += eps
            p -= step_size * (m / denom)

        arrays = (p, g, state["exp_avg"]._data, state["exp_avg_sq"]._data)
        if group["amsgrad"]:
            arrays += (state["max_exp_avg_sq"]._data,)
        blocked(update, *arrays)


class AdamW(Adam):
    """Adam with decoupled weight decay (default ``weight_decay=0.01``).

    >>> w = ember.nn.Parameter(ember.ones(1)); opt = ember.optim.AdamW([w]); opt.defaults["weight_decay"]
    0.01
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
