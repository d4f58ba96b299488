"""``torchvision.ops.roi_align``: RoI Align (Mask R-CNN), average of bilinear samples per bin.

>>> from ember.vision.ops import roi_align
>>> x = ember.arange(16.).reshape(1, 1, 4, 4)
>>> roi_align(x, [ember.tensor([[0., 0., 3., 3.]])], output_size=1, aligned=True)
tensor([[[[5.]]]])
"""
from ... import nn
from ..._backend import np
from ._roi_sampling import bilinear_taps, rois_of, separable_pool

__all__ = ["roi_align", "RoIAlign"]


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _align_axes(rois, spatial_scale, ph, pw, sampling_ratio, aligned, height, width):
    """Per-axis bilinear taps of torchvision's RoI Align for ``rois [K, 5]``."""
    dt = rois.dtype.type
    scale = dt(spatial_scale)
    offset = dt(0.5) if aligned else dt(0.0)
    x1, y1, x2, y2 = (rois[:, i] * scale - offset for i in range(1, 5))
    rw, rh = x2 - x1, y2 - y1
    if not aligned:
        rw, rh = np.maximum(rw, dt(1)), np.maximum(rh, dt(1))
    if sampling_ratio > 0:
        gh = gw = np.full(len(rois), sampling_ratio, np.int64)
    else:
        gh = np.ceil(rh / dt(ph)).astype(np.int64)
        gw = np.ceil(rw / dt(pw)).astype(np.int64)
    ops_y = bilinear_taps(y1, rh / dt(ph), gh, ph, height)
    ops_x = bilinear_taps(x1, rw / dt(pw), gw, pw, width)
    return ops_y, ops_x, gh, gw


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoI Align: for each box (``Tensor[K, 5]`` with the batch index first, or a list of
    per-image ``Tensor[L, 4]``, in ``x1, y1, x2, y2`` scaled by ``spatial_scale``) average a
    ``sampling_ratio``-square grid of bilinear samples (adaptive ``ceil(size / output)`` when
    ``sampling_ratio <= 0``) in each of ``output_size`` bins. ``aligned=True`` shifts boxes by
    -0.5 pixel. Returns ``[K, C, output_size[0], output_size[1]]``; differentiable in ``input``.

    >>> from ember.vision.ops import roi_align
    >>> x = ember.ones(1, 2, 8, 8, requires_grad=True)
    >>> out = roi_align(x, ember.tensor([[0., 1., 1., 5., 5.]]), (2, 2), sampling_ratio=2)
    >>> out.shape
    torch.Size([1, 2, 2, 2])
    >>> out.sum().backward(); x.grad.sum().item()
    8.0
    """
    rois = rois_of(input, boxes, "roi_align_forward_kernel")
    ph, pw = _pair(output_size)
    N, C, H, W = input.shape
    ops_y, ops_x, _, _ = _align_axes(rois, spatial_scale, ph, pw, sampling_ratio, aligned, H, W)
    return separable_pool(input, rois[:, 0].astype(np.int64), ops_y, ops_x)


class RoIAlign(nn.Module):
    """Module form of :func:`roi_align`.

    >>> from ember.vision.ops import RoIAlign
    >>> RoIAlign((7, 7), spatial_scale=0.25, sampling_ratio=2)
    RoIAlign(output_size=(7, 7), spatial_scale=0.25, sampling_ratio=2, aligned=False)
    """

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
