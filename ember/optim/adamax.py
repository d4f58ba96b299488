"""Adamax, NAdam and RAdam: Adam variants.

Adamax: ``u = max(beta2 * u, |g| + eps); p -= lr / (1 - beta1^t) * m / u``.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adamax([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
import math

from .._backend import np
from .._tensor import _wrap
from .optimizer import Optimizer, check_adam_args as _check

__all__ = ["Adamax", "NAdam", "RAdam"]


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _init_state(self, state, p, group):
        state["step"] = _wrap(np.zeros((), dtype=np.float32))
        state["exp_avg"] = _wrap(np.zeros_like(p._data))
        state["exp_inf"] = _wrap(np.zeros_like(p._data))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        st = state["step"]._data
        st += 1
        step = float(st)
        beta1, beta2 = group["betas"]
        if group["weight_decay"] != 0:
            g = g + dt(group["weight_decay"]) * p
        m = state["exp_avg"]._data
        u = state["exp_inf"]._data
        m += dt(1 - beta1) * (g - m)
        u *= dt(beta2)
        np.maximum(u, np.abs(g) + dt(group["eps"]), out=u)
        clr = group["lr"] / (1 - beta1 ** step)
        p -= dt(clr) * (m / u)


class NAdam(Optimizer):
    """Adam with Nesterov momentum and a momentum-decay schedule.

    >>> w = ember.nn.Parameter(ember.tensor([1.0]))
    >>> opt = ember.optim.NAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); round(w.item(), 4)
    0.8944
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check(lr, eps, betas, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["step"] = _wrap(np.zeros((), dtype=np.float32))
        state["mu_product"] = _wrap(np.ones((), dtype=np.float32))
        state["exp_avg"] = _wrap(np.zeros_like(p._data))
        state["exp_avg_sq"] = _wrap(np.zeros_like(p._data))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        st = state["step"]._data
        st += 1
        step = float(st)
        lr, wd = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p *= dt(1 - lr * wd)
            else:
                g = g + dt(wd) * p
        bc2 = 1 - beta2 ** step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * group["momentum_decay"])))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * group["momentum_decay"])))
        mp = state["mu_product"]._data
        mp *= np.float32(mu)
        mu_product = float(mp)
        m = state["exp_avg"]._data
        v = state["exp_avg_sq"]._data
        m += dt(1 - beta1) * (g - m)
        v *= dt(beta2)
        v += dt(1 - beta2) * (g * g)
        denom = np.sqrt(v / dt(bc2))
        denom += dt(group["eps"])
        mu_product_next = mu_product * mu_next
        p -= dt(lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        p -= dt(lr * mu_next / (1.0 - mu_product_next)) * (m / denom)


class RAdam(Optimizer):
    """Rectified Adam: plain momentum SGD until the variance estimate is reliable.

    >>> w = ember.nn.Parameter(ember.tensor([1.0]))
    >>> opt = ember.optim.RAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([0.8000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["step"] = _wrap(np.zeros((), dtype=np.float32))
        state["exp_avg"] = _wrap(np.zeros_like(p._data))
        state["exp_avg_sq"] = _wrap(np.zeros_like(p._data))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        st = state["step"]._data
        st += 1
        step = float(st)
        lr, wd = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if wd != 0:
            if group["decoupled_weight_decay"]:
                p *= dt(1 - lr * wd)
            else:
                g = g + dt(wd) * p
        m = state["exp_avg"]._data
        v = state["exp_avg_sq"]._data
        m += dt(1 - beta1) * (g - m)
        v *= dt(beta2)
        v += dt(1 - beta2) * (g * g)
        bc1 = 1 - beta1 ** step
        bc2 = 1 - beta2 ** step
        corrected = m / dt(bc1)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = dt(math.sqrt(bc2)) / (np.sqrt(v) + dt(group["eps"]))
            p -= corrected * dt(lr) * adaptive * dt(rect)
        else:
            p -= corrected * dt(lr)
