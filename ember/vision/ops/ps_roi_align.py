"""``torchvision.ops.ps_roi_align``: position-sensitive RoI Align (R-FCN): output bin
``(p, q)`` of output channel ``c`` samples input channel ``(c * PH + p) * PW + q``.

>>> from ember.vision.ops import ps_roi_align
>>> ps_roi_align(ember.ones(1, 4, 6, 6), ember.tensor([[0., 1., 1., 4., 4.]]), 2).shape
torch.Size([1, 1, 2, 2])
"""
import ember
from ... import nn
from ..._backend import np
from ._roi_sampling import bilinear_taps, rois_of, separable_pool
from .roi_align import _pair

__all__ = ["ps_roi_align", "PSRoIAlign"]


def _check_channels(C, ph, pw):
    if C % (ph * pw) != 0:
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")
    return C // (ph * pw)


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    """Position-sensitive RoI Align: like :func:`roi_align` with ``aligned=True`` boxes (shifted by
    -0.5 pixel, no minimum size), but each output bin reads its own group of input channels;
    ``C`` must be a multiple of ``output_size[0] * output_size[1]``. Returns
    ``[K, C / (PH * PW), PH, PW]``; differentiable in ``input``.

    >>> from ember.vision.ops import ps_roi_align
    >>> x = ember.arange(4.).reshape(1, 4, 1, 1).expand(1, 4, 3, 3)
    >>> ps_roi_align(x, ember.tensor([[0., 0., 0., 3., 3.]]), 2, sampling_ratio=1).flatten()
    tensor([0., 1., 2., 3.])
    """
    rois = rois_of(input, boxes, "ps_roi_align_forward_kernel")
    ph, pw = _pair(output_size)
    N, C, H, W = input.shape
    c_out = _check_channels(C, ph, pw)
    dt = rois.dtype.type
    scale = dt(spatial_scale)
    x1, y1, x2, y2 = (rois[:, i] * scale - dt(0.5) for i in range(1, 5))
    rw, rh = x2 - x1, y2 - y1
    if sampling_ratio > 0:
        gh = gw = np.full(len(rois), sampling_ratio, np.int64)
    else:
        gh = np.ceil(rh / dt(ph)).astype(np.int64)
        gw = np.ceil(rw / dt(pw)).astype(np.int64)
    out = separable_pool(input, rois[:, 0].astype(np.int64), bilinear_taps(y1, rh / dt(ph), gh, ph, H),
                         bilinear_taps(x1, rw / dt(pw), gw, pw, W), out_channels=c_out)
    empty = (gh * gw) == 0                     # torchvision divides 0 by a count of 0 there
    if empty.any():
        out = ember.where(ember.from_numpy(empty)[:, None, None, None], float("nan"), out)
    return out


class PSRoIAlign(nn.Module):
    """Module form of :func:`ps_roi_align`.

    >>> from ember.vision.ops import PSRoIAlign
    >>> PSRoIAlign(3, 0.5, 2)
    PSRoIAlign(output_size=3, spatial_scale=0.5, sampling_ratio=2)
    """

    def __init__(self, output_size, spatial_scale, sampling_ratio):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio

    def forward(self, input, rois):
        return ps_roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio})")
