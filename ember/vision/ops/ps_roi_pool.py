"""``torchvision.ops.ps_roi_pool``: position-sensitive RoI average pooling (R-FCN).

>>> from ember.vision.ops import ps_roi_pool
>>> ps_roi_pool(ember.ones(1, 4, 6, 6), ember.tensor([[0., 0., 0., 4., 4.]]), 2).flatten()
tensor([1., 1., 1., 1.])
"""
from ... import nn
from ..._backend import np
from ._roi_sampling import bins_as_taps, integer_bins, rois_of, round_half_away, separable_pool
from .ps_roi_align import _check_channels
from .roi_align import _pair

__all__ = ["ps_roi_pool", "PSRoIPool"]


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Position-sensitive RoI pooling: boxes are rounded to pixels (``round(x * spatial_scale)``),
    split into ``output_size`` integer bins, and bin ``(p, q)`` of output channel ``c`` is the mean
    of input channel ``(c * PH + p) * PW + q`` over it (0 for an empty bin). As torchvision's
    kernel, bins are clipped to ``[0, size - 1]``. Differentiable in ``input``.

    >>> from ember.vision.ops import ps_roi_pool
    >>> x = ember.arange(36.).reshape(1, 1, 6, 6).expand(1, 4, 6, 6)
    >>> ps_roi_pool(x, ember.tensor([[0., 0., 0., 4., 4.]]), 2).flatten()
    tensor([ 3.5000,  5.5000, 15.5000, 17.5000])
    """
    rois = rois_of(input, boxes, "ps_roi_pool_forward_kernel")
    ph, pw = _pair(output_size)
    N, C, H, W = input.shape
    c_out = _check_channels(C, ph, pw)
    scale = rois.dtype.type(spatial_scale)
    x1, y1, x2, y2 = (round_half_away(rois[:, i] * scale) for i in range(1, 5))
    dt = rois.dtype
    hy = integer_bins(y1, np.maximum(y2 - y1, 1).astype(dt), ph, H - 1)
    hx = integer_bins(x1, np.maximum(x2 - x1, 1).astype(dt), pw, W - 1)
    return separable_pool(input, rois[:, 0].astype(np.int64), bins_as_taps(*hy, H, True),
                          bins_as_taps(*hx, W, True), out_channels=c_out)


class PSRoIPool(nn.Module):
    """Module form of :func:`ps_roi_pool`.

    >>> from ember.vision.ops import PSRoIPool
    >>> PSRoIPool(2, 1.0)
    PSRoIPool(output_size=2, spatial_scale=1.0)
    """

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return ps_roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
