"""RMSprop: steps scaled by a running average of squared gradients.

For each parameter p with gradient g::

    g = g + weight_decay * p
    v = alpha * v + (1 - alpha) * g^2
    m = alpha * m + (1 - alpha) * g                (centered; then v_hat = v - m^2, else v_hat = v)
    b = momentum * b + g / (sqrt(v_hat) + eps)     (momentum > 0; p -= lr * b)
    p = p - lr * g / (sqrt(v_hat) + eps)           (otherwise)

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.RMSprop([w], lr=0.01)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.9000], requires_grad=True)
"""
from .._backend import np
from .optimizer import Optimizer, blocked, buffer_like, check_nonnegative

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_nonnegative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["square_avg"] = buffer_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = buffer_like(p)
        if group["centered"]:
            state["grad_avg"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        alpha, a1, eps, lr = dt(group["alpha"]), dt(1 - group["alpha"]), dt(group["eps"]), dt(group["lr"])
        mom = dt(group["momentum"])
        centered, use_mom = group["centered"], group["momentum"] > 0

        def update(p, g, v, *rest):
            v *= alpha
            v += a1 * (g * g)
            if centered:
                m = rest[0]
                m += a1 * (g - m)
                avg = np.sqrt(v - m * m)
            else:
                avg = np.sqrt(v)
            avg += eps
            if use_mom:
                b = rest[-1]
                b *= mom
                b += g / avg
                p -= lr * b
            else:
                p -= lr * (g / avg)

        arrays = (p, g, state["square_avg"]._data)
        if centered:
            arrays += (state["grad_avg"]._data,)
        if use_mom:
            arrays += (state["momentum_buffer"]._data,)
        blocked(update, *arrays)
