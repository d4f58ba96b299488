"""ASGD: averaged stochastic gradient descent (Polyak-Ruppert averaging in ``ax``).

``p <- p * (1 - lambd * eta) - eta * g``; ``ax <- ax + mu * (p - ax)`` (a copy while mu = 1);
then ``eta <- lr / (1 + lambd * lr * t)^alpha`` and ``mu <- 1 / max(1, t - t0)``.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.ASGD([w], lr=0.1, lambd=0.0)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8000], requires_grad=True)
"""
from .._backend import np
from .._tensor import _wrap
from .optimizer import Optimizer

__all__ = ["ASGD"]


class ASGD(Optimizer):
    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _init_state(self, state, p, group):
        state["step"] = _wrap(np.zeros((), dtype=np.float32))
        state["eta"] = _wrap(np.array(group["lr"], dtype=np.float32))
        state["mu"] = _wrap(np.ones((), dtype=np.float32))
        state["ax"] = _wrap(np.zeros_like(p._data))

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        if group["maximize"]:
            g = -g
        st = state["step"]._data
        st += 1
        step = float(st)
        lr, lambd, wd = group["lr"], group["lambd"], group["weight_decay"]
        if wd != 0:
            g = g + dt(wd) * p
        eta = float(state["eta"]._data)
        mu = float(state["mu"]._data)
        p *= dt(1 - lambd * eta)
        p -= dt(eta) * g
        ax = state["ax"]._data
        if mu != 1:
            ax += (p - ax) * dt(mu)
        else:
            ax[...] = p
        state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** group["alpha"])
        state["mu"]._data[...] = 1 / max(1, step - group["t0"])
