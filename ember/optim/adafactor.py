"""Adafactor: Adam-like steps with a factored second moment (a row and a column average for
every matrix), so a (n, m) weight keeps n + m numbers of state instead of n * m.

At step t with ``beta2_t = 1 - t ** beta2_decay`` and ``rho_t = min(lr, 1 / sqrt(t))``:
``R <- lerp(R, mean_j g^2, 1 - beta2_t)``, ``C <- lerp(C, mean_i g^2, 1 - beta2_t)``,
``v = R C / mean(R)`` (a vector keeps ``v`` itself), ``u = g / sqrt(max(v, eps1^2))``,
``p <- p - max(eps2, rms(p)) * rho_t * u / max(1, rms(u) / d)``.
With ``weight_decay`` the parameter first shrinks by ``1 - lr * weight_decay``.

>>> w = ember.nn.Parameter(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
>>> opt = ember.optim.Adafactor([w], lr=0.01)
>>> (w * w).sum().backward(); opt.step(); w.shape
torch.Size([2, 2])
"""
import math

from .._backend import np
from .._tensor import _wrap
from .optimizer import Optimizer, buffer_like, check_lr_tensor

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Adam-like steps with a factored second moment; weight decay is decoupled."""

    _weight_decay = None    # decoupled, after the step size is read off the undecayed parameter

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        check_lr_tensor(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _init_state(self, state, p, group):
        a = p._data
        if a.ndim > 1:
            state["row_var"] = _wrap(np.zeros(a.shape[:-1] + (1,), dtype=a.dtype))
            state["col_var"] = _wrap(np.zeros(a.shape[:-2] + (1, a.shape[-1]), dtype=a.dtype))
        else:
            state["variance"] = buffer_like(p)

    def _update(self, p, g, state, group):
        if np.iscomplexobj(p):
            raise RuntimeError("Adafactor does not support complex parameters")
        dt = p.dtype.type
        step = float(state["step"]._data)
        lr, wd = group["lr"], group["weight_decay"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        rho_t = min(lr, 1 / math.sqrt(step))
        alpha = max(eps2, float(np.sqrt(np.sum(p * p, dtype=p.dtype))) / math.sqrt(p.size)) * rho_t
        if wd != 0:
            p *= dt(1 - lr * wd)
        w = dt(step ** group["beta2_decay"])  # the new moment's weight, 1 - beta2_t
        if g.ndim > 1:
            row_var, col_var = state["row_var"]._data, state["col_var"]._data
            row_mean = np.sum(g * g, axis=-1, keepdims=True) / dt(g.shape[-1])
            row_var += w * (row_mean - row_var)
            col_mean = np.sum(g * g, axis=-2, keepdims=True) / dt(g.shape[-2])
            col_var += w * (col_mean - col_var)
            var_est = row_var @ col_var
            var_est /= np.maximum(row_var.mean(axis=-2, keepdims=True), dt(eps1))
        else:
            var = state["variance"]._data
            var += w * (g * g - var)
            var_est = var.copy()
        update = g / np.sqrt(np.maximum(var_est, dt(eps1 * eps1)))
        denom = max(1.0, float(np.sqrt(np.sum(update * update, dtype=p.dtype))) / (math.sqrt(update.size) * group["d"]))
        p -= dt(alpha / denom) * update
