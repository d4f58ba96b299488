"""Muon: momentum SGD whose step is orthogonalized by a few Newton-Schulz iterations (2-D params only).

``B <- mu * B + (1 - mu) * g`` (a lerp); the direction is ``lerp(g, B, mu)`` with nesterov, else ``B``;
``O = NS_k(direction)`` pushes its singular values towards 1 (quintic iteration
``X <- a X + (b A + c A^2) X`` with ``A = X X^T`` on ``X = D / (||D|| + eps)``);
``p <- p * (1 - lr * weight_decay) - lr' * O`` with ``lr' = lr * sqrt(max(1, rows / cols))``
("original") or ``0.2 * lr * sqrt(max(rows, cols))`` ("match_rms_adamw").

>>> w = ember.nn.Parameter(ember.eye(2))
>>> opt = ember.optim.Muon([w], lr=0.1, weight_decay=0.0)
>>> (w * w).sum().backward(); opt.step(); w.shape
torch.Size([2, 2])
"""
import math

from .._backend import np
from .optimizer import Optimizer, buffer_like

__all__ = ["Muon"]


def _newton_schulz(g, coeffs, steps, eps):
    """``steps`` quintic Newton-Schulz iterations in bfloat16 as PyTorch does them: every product is
    accumulated in float32 and rounded to bfloat16 once (``addmm``-style)."""
    from .. import _dtype as D
    try:
        bf = D.__getattr__("bfloat16").np
    except (AttributeError, ImportError):  # no ml_dtypes: iterate in float32
        bf = np.float32
    a, b, c = (np.float32(v) for v in coeffs)
    f32 = np.float32
    x = g.astype(bf)
    n = np.sqrt(np.sum(np.square(x, dtype=f32), dtype=f32)).astype(bf)
    x = (x.astype(f32) / (n.astype(f32) + f32(eps)).astype(bf).astype(f32)).astype(bf)
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    for _ in range(steps):
        xf = x.astype(f32)
        s = (xf @ xf.T).astype(bf).astype(f32)
        m = (b * s + c * (s @ s)).astype(bf).astype(f32)
        x = (a * xf + m @ xf).astype(bf)
    return (x.T if tall else x).astype(g.dtype)


def _lerp_(a, b, w):
    """``a <- a + w (b - a)`` in place, rounded as PyTorch's lerp (from ``b``'s side when w >= 0.5)."""
    dt = a.dtype.type
    if w < 0.5:
        a += dt(w) * (b - a)
    else:
        a[...] = b - (b - a) * (dt(1) - dt(w))
    return a


class Muon(Optimizer):
    """Momentum SGD with orthogonalized steps, for 2-D parameters; weight decay is decoupled."""

    _steps = False
    _weight_decay = "decoupled"

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                                      adjust_lr_fn=adjust_lr_fn))
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{tuple(p.shape)}")

    def _init_state(self, state, p, group):
        state["momentum_buffer"] = buffer_like(p)

    def _update(self, p, g, state, group):
        dt = p.dtype.type
        lr, mu = group["lr"], group["momentum"]
        buf = state["momentum_buffer"]._data
        _lerp_(buf, g, 1 - mu)
        d = _lerp_(g.copy(), buf, mu) if group["nesterov"] else buf
        o = _newton_schulz(d, group["ns_coefficients"], group["ns_steps"], group["eps"])
        rows, cols = p.shape
        if group["adjust_lr_fn"] == "match_rms_adamw":
            adj = 0.2 * math.sqrt(max(rows, cols)) * lr
        else:
            adj = lr * math.sqrt(max(1, rows / cols))
        p -= dt(adj) * o
