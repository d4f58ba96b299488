"""Adagrad: per-element steps shrinking with the sum of squared gradients.

For each parameter p with gradient g, at step t::

    g = g + weight_decay * p
    s = s + g^2
    p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.Adagrad([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
from .._backend import np
from .optimizer import Optimizer, blocked, buffer_like, check_nonnegative

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad; its state is made up front, as PyTorch makes it."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_nonnegative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                          initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self._new_state(p, group)

    def _init_state(self, state, p, group):
        state["sum"] = buffer_like(p, group["initial_accumulator_value"])

    def _update(self, p, g, state, group):
        step = float(state["step"]._data)
        clr = p.dtype.type(group["lr"] / (1 + (step - 1) * group["lr_decay"]))
        eps = p.dtype.type(group["eps"])

        def update(p, g, s):
            s += g * g
            std = np.sqrt(s)
            std += eps
            p -= clr * (g / std)

        blocked(update, p, g, state["sum"]._data)
