"""Batch normalisation, at PyTorch's module path ``torch.nn.modules.batchnorm``: the layers
live in ``normalization.py``; the lazy variants are defined here.

>>> ember.nn.modules.batchnorm.BatchNorm1d is ember.nn.BatchNorm1d
True
"""
from .normalization import _NormBase, _BatchNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d
from .lazy import LazyModuleMixin
from ..parameter import UninitializedParameter, UninitializedBuffer
from ..._creation import tensor
from ... import _dtype as D
from ...autograd.grad_mode import no_grad

__all__ = ["BatchNorm1d", "LazyBatchNorm1d", "BatchNorm2d", "LazyBatchNorm2d", "BatchNorm3d", "SyncBatchNorm",
           "LazyBatchNorm3d"]


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """Lazy norms: ``num_features`` is taken from dim 1 of the first input."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None,
                 *, bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=D.int64)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with no_grad():
                for t in (self.weight, self.bias, self.running_mean, self.running_var):
                    if t is not None:
                        t.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    """``BatchNorm1d`` whose ``num_features`` comes from the first input.

    >>> m = ember.nn.LazyBatchNorm1d(); _ = m(ember.randn(4, 3)); m
    BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm1d
    _dims = BatchNorm1d._dims


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    """``BatchNorm2d`` whose ``num_features`` comes from the first input.

    >>> ember.nn.LazyBatchNorm2d()
    LazyBatchNorm2d(0, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm2d
    _dims = BatchNorm2d._dims


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    """``BatchNorm3d`` whose ``num_features`` comes from the first input.

    >>> ember.nn.LazyBatchNorm3d(momentum=0.2).momentum
    0.2
    """

    cls_to_become = BatchNorm3d
    _dims = BatchNorm3d._dims
from .sync_batchnorm import SyncBatchNorm  # noqa: F401,E402  (PyTorch keeps it in this module)
