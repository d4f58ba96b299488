"""Rprop: resilient backpropagation, a per-element step size driven by the gradient's sign.

``s <- clamp(s * (eta+ if g*g_prev > 0, eta- if < 0, else 1), step_min, step_max)``;
where the sign flipped the gradient is zeroed (no move, and no flip next time);
``p <- p - sign(g) * s``.

>>> w = ember.nn.Parameter(ember.tensor([1.0, -1.0]))
>>> opt = ember.optim.Rprop([w], lr=0.1)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([ 0.9000, -0.9000], requires_grad=True)
"""
from .._backend import np
from .optimizer import Optimizer, buffer_like, check_nonnegative

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation: a per-element step size grown or shrunk by the gradient's sign."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                 foreach=None, maximize=False, differentiable=False):
        check_nonnegative(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _init_state(self, state, p, group):
        state["prev"] = buffer_like(p)
        lr = group["lr"]   # (a complex parameter: lr for the real and the imaginary parts, as PyTorch)
        state["step_size"] = buffer_like(p, lr * (1 + 1j) if p._data.dtype.kind == "c" else lr)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        etaminus, etaplus = group["etas"]
        smin, smax = group["step_sizes"]
        prev = state["prev"]._data
        size = state["step_size"]._data
        s = np.sign(g * prev)
        factor = np.where(s > 0, dt(etaplus), np.where(s < 0, dt(etaminus), dt(1)))
        size *= factor
        np.clip(size, dt(smin), dt(smax), out=size)
        g = np.where(factor == dt(etaminus), dt(0), g)
        p -= np.sign(g) * size
        prev[...] = g
