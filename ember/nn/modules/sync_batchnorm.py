"""``SyncBatchNorm``: batch normalisation whose batch statistics are taken over every rank of a
process group (one differentiable allreduce of per-channel sums), and
``SyncBatchNorm.convert_sync_batchnorm``.

>>> ember.nn.SyncBatchNorm(3)
SyncBatchNorm(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
"""
from .normalization import _BatchNorm
from ..._creation import tensor
from ...autograd.function import Function
from ...autograd.grad_mode import no_grad

__all__ = ["SyncBatchNorm"]


class _AllReduceSum(Function):
    """Sum over the ranks; the gradient of each rank's input is the sum of every rank's gradient."""

    @staticmethod
    def forward(ctx, x, group):
        from ... import distributed as dist
        ctx.group = group
        y = x.clone()
        dist.all_reduce(y, group=group)
        return y

    @staticmethod
    def backward(ctx, g):
        from ... import distributed as dist
        g = g.clone()
        dist.all_reduce(g, group=ctx.group)
        return g, None


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over (N, C, ...) with statistics over all ranks of ``process_group`` while training
    (plain BatchNorm without a process group or with one rank).

    >>> ember.nn.SyncBatchNorm(2)(ember.randn(4, 2, 3)).shape
    torch.Size([4, 2, 3])
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def forward(self, input):
        from ... import distributed as dist
        self._check_input_dim(input)
        if not (self.training and dist.is_initialized() and dist.get_world_size(self.process_group) > 1):
            return super().forward(input)
        c = input.shape[1]
        dims = [0] + list(range(2, input.dim()))
        count = input.numel() // c
        local = tensor([float(count)], dtype=input.dtype)
        from ... import cat
        stats = cat([input.sum(dims), (input * input).sum(dims), local])
        total = _AllReduceSum.apply(stats, self.process_group)
        n = float(total[2 * c].item())
        mean = total[:c] / n
        var = total[c:2 * c] / n - mean * mean
        shape = [1, c] + [1] * (input.dim() - 2)
        y = (input - mean.reshape(shape)) / (var.reshape(shape) + self.eps).sqrt()
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        if self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
                m = (1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum)
                unbiased = var.detach() * (n / max(n - 1.0, 1.0))
                self.running_mean.mul_(1 - m).add_(mean.detach() * m)
                self.running_var.mul_(1 - m).add_(unbiased * m)
        return y

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """``module`` with every BatchNorm*d replaced by a SyncBatchNorm holding the same state.

        >>> ember.nn.SyncBatchNorm.convert_sync_batchnorm(ember.nn.Sequential(ember.nn.BatchNorm1d(2)))
        Sequential(
          (0): SyncBatchNorm(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
        )
        """
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group)
            if module.affine:
                with no_grad():
                    out.weight = module.weight
                    out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
