"""SparseAdam: Adam for sparse gradients (``nn.Embedding(sparse=True)``).

ember has no sparse tensors, so every gradient it makes is dense; ``step`` then raises the
RuntimeError PyTorch raises for a dense gradient.

>>> w = ember.nn.Parameter(ember.ones(2))
>>> opt = ember.optim.SparseAdam([w])
>>> opt.param_groups[0]["betas"]
(0.9, 0.999)
"""
from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """Adam for sparse gradients; ember's gradients are dense, so ``step`` raises."""

    _steps = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))

    def _update(self, p, g, state, group):
        raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
