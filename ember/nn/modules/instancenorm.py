"""Instance normalisation, at PyTorch's module path ``torch.nn.modules.instancenorm``: the
layers live in ``normalization.py``; the lazy variants are defined here.

>>> ember.nn.modules.instancenorm.InstanceNorm2d is ember.nn.InstanceNorm2d
True
"""
from .normalization import _InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .batchnorm import _LazyNormBase

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """``InstanceNorm1d`` whose ``num_features`` comes from the first input (note PyTorch's
    defaults here: ``affine=True, track_running_stats=True``).

    >>> m = ember.nn.LazyInstanceNorm1d(); _ = m(ember.randn(2, 3, 5)); m.running_mean.shape
    torch.Size([3])
    """

    cls_to_become = InstanceNorm1d
    _nd = InstanceNorm1d._nd


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """``InstanceNorm2d`` whose ``num_features`` comes from the first input.

    >>> ember.nn.LazyInstanceNorm2d()
    LazyInstanceNorm2d(0, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = InstanceNorm2d
    _nd = InstanceNorm2d._nd


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """``InstanceNorm3d`` whose ``num_features`` comes from the first input.

    >>> ember.nn.LazyInstanceNorm3d(affine=False).affine
    False
    """

    cls_to_become = InstanceNorm3d
    _nd = InstanceNorm3d._nd
