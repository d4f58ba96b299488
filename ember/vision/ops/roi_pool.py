"""``torchvision.ops.roi_pool``: RoI max pooling (Fast R-CNN).

>>> from ember.vision.ops import roi_pool
>>> x = ember.arange(16.).reshape(1, 1, 4, 4)
>>> roi_pool(x, ember.tensor([[0., 0., 0., 3., 3.]]), 2).flatten()
tensor([ 5.,  7., 13., 15.])
"""
import ember
from ... import nn
from ..._backend import np
from ._roi_sampling import bins_as_taps, chunks, integer_bins, rois_of, round_half_away
from .roi_align import _pair

__all__ = ["roi_pool", "RoIPool"]


def _masked_argmax(values, mask, axis):
    """First index of the maximum of ``values`` where ``mask`` holds, along ``axis`` (and the max)."""
    v = np.where(mask, values, -np.inf)
    arg = v.argmax(axis=axis)
    return np.take_along_axis(v, np.expand_dims(arg, axis), axis).squeeze(axis), arg


def _argmax_positions(x, batch, hy, hx):
    """Flat ``H * W`` position of each bin's maximum (first in row-major order), ``-1`` for empty bins."""
    N, C, H, W = x.shape
    rows, my = bins_as_taps(*hy, H, False)
    cols, mx = bins_as_taps(*hx, W, False)
    rows, cols = rows[:, 0], cols[:, 0]                  # the window's pixels, [K, L]
    my, mx = my != 0, mx != 0                            # [K, P, Ly], [K, Q, Lx]
    K, P, Q = len(batch), my.shape[1], mx.shape[1]
    pos = np.full((K, C, P, Q), -1, np.int64)
    cost = (my.any(1).sum(1) * mx.any(1).sum(1) * max(P, Q) + 1).astype(np.float64)
    for sel in chunks(cost, C):
        win = x[batch[sel][:, None, None, None], np.arange(C)[None, :, None, None],
                rows[sel][:, None, :, None], cols[sel][:, None, None, :]]                 # [k, C, Ly, Lx]
        # max over each bin's columns, then over its rows (ties: first row, then first column)
        m1, a1 = _masked_argmax(win[:, :, :, None, :], mx[sel][:, None, None, :, :], -1)  # [k, C, Ly, Q]
        _, a2 = _masked_argmax(m1[:, :, None, :, :], my[sel][:, None, :, :, None], -2)   # [k, C, P, Q]
        col = np.take_along_axis(a1, a2, axis=2)                                         # [k, C, P, Q]
        r = rows[sel][np.arange(len(sel))[:, None, None, None], a2]
        c = cols[sel][np.arange(len(sel))[:, None, None, None], col]
        empty = ~(my[sel].any(-1)[:, None, :, None] & mx[sel].any(-1)[:, None, None, :])
        pos[sel] = np.where(empty, -1, r * W + c)
    return pos


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """RoI max pooling: boxes (``Tensor[K, 5]`` or a list of ``Tensor[L, 4]``) are rounded to
    pixels (``round(x * spatial_scale)``, inclusive corners), split into ``output_size`` integer
    bins, and each bin takes the maximum (0 for an empty bin). The gradient flows to each bin's
    first maximal element, as torchvision's kernel.

    >>> from ember.vision.ops import roi_pool
    >>> x = ember.arange(16.).reshape(1, 1, 4, 4).requires_grad_()
    >>> roi_pool(x, [ember.tensor([[0., 0., 1., 1.]])], 1).sum().backward()
    >>> x.grad[0, 0, :2, :2]
    tensor([[0., 0.],
            [0., 1.]])
    """
    rois = rois_of(input, boxes, "roi_pool_forward_kernel")
    ph, pw = _pair(output_size)
    N, C, H, W = input.shape
    dt = rois.dtype
    scale = dt.type(spatial_scale)
    x1, y1, x2, y2 = (round_half_away(rois[:, i] * scale) for i in range(1, 5))
    hy = integer_bins(y1, np.maximum(y2 - y1 + 1, 1).astype(dt), ph, H)
    hx = integer_bins(x1, np.maximum(x2 - x1 + 1, 1).astype(dt), pw, W)
    batch = rois[:, 0].astype(np.int64)
    K = len(batch)
    if K == 0:
        return ember.zeros((0, C, ph, pw), dtype=input.dtype) + input.sum() * 0
    pos = _argmax_positions(input.detach().numpy(), batch, hy, hx)
    flat = (batch[:, None, None, None] * C + np.arange(C)[None, :, None, None]) * (H * W) + np.maximum(pos, 0)
    picked = input.reshape(-1)[ember.from_numpy(flat)]
    return ember.where(ember.from_numpy(pos >= 0), picked, ember.zeros((), dtype=input.dtype))


class RoIPool(nn.Module):
    """Module form of :func:`roi_pool`.

    >>> from ember.vision.ops import RoIPool
    >>> RoIPool((7, 7), 0.0625)
    RoIPool(output_size=(7, 7), spatial_scale=0.0625)
    """

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
