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
from .optimizer import Optimizer, buffer_like, check_nonnegative

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD: plain SGD steps, with a running average of the iterates in ``state["ax"]``."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_nonnegative(lr=lr, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _init_state(self, state, p, group):
        state["eta"] = _wrap(np.array(group["lr"], dtype=np.float32))
        state["mu"] = _wrap(np.ones((), dtype=np.float32))
        state["ax"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        step = float(state["step"]._data)
        lr, lambd = group["lr"], group["lambd"]
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
