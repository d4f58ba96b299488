"""AdamW: Adam with decoupled weight decay, ``p = p * (1 - lr * weight_decay)`` before the step.

>>> w = ember.nn.Parameter(ember.tensor([1.0]))
>>> opt = ember.optim.AdamW([w], lr=0.1, weight_decay=0.5)
>>> (w * w).sum().backward(); opt.step(); w
Parameter containing:
tensor([0.8500], requires_grad=True)
"""
from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay (default ``weight_decay=0.01``).

    >>> w = ember.nn.Parameter(ember.ones(1)); opt = ember.optim.AdamW([w]); opt.defaults["weight_decay"]
    0.01
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
