"""Pooling layers beyond the basic family: power-average (LP) pooling and fractional max pooling.

>>> ember.nn.LPPool2d(2, 3)
LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)
"""
from .module import Module
from .. import functional as F
from ..functional_conv import _tuple
from ..functional_pool_indexed import _ratio

__all__ = ["LPPool1d", "LPPool2d", "LPPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d"]


class _LPPoolNd(Module):
    _fn = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        return "norm_type={norm_type}, kernel_size={kernel_size}, stride={stride}, ceil_mode={ceil_mode}".format(
            **self.__dict__)


class LPPool1d(_LPPoolNd):
    """1-D power-average pooling, ``(sum x**p) ** (1/p)`` per window.

    >>> ember.nn.LPPool1d(1, 2)(ember.tensor([[[1., 1., 2., 2.]]]))
    tensor([[[2., 4.]]])
    """

    _fn = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """2-D power-average pooling.

    >>> ember.nn.LPPool2d(2, 2)(ember.ones(1, 1, 4, 4)).shape
    torch.Size([1, 1, 2, 2])
    """

    _fn = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """3-D power-average pooling.

    >>> ember.nn.LPPool3d(2, 2)(ember.ones(1, 1, 2, 4, 4)).shape
    torch.Size([1, 1, 1, 2, 2])
    """

    _fn = staticmethod(F.lp_pool3d)


class _FractionalMaxPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        nd = self._nd
        name = type(self).__name__
        self.kernel_size = _tuple(kernel_size, nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _tuple(output_size, nd) if output_size is not None else None
        self.output_ratio = _ratio(output_ratio, nd) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        fn = F.fractional_max_pool2d if self._nd == 2 else F.fractional_max_pool3d
        return fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                  _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """2-D fractional max pooling (see ``F.fractional_max_pool2d``).

    >>> ember.nn.FractionalMaxPool2d(3, output_ratio=0.5)(ember.randn(1, 2, 10, 10)).shape
    torch.Size([1, 2, 5, 5])
    """

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """3-D fractional max pooling (see ``F.fractional_max_pool3d``).

    >>> ember.nn.FractionalMaxPool3d(2, output_size=3)(ember.randn(1, 1, 6, 6, 6)).shape
    torch.Size([1, 1, 3, 3, 3])
    """

    _nd = 3
