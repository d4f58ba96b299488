"""``torchvision.ops.roi_pool``: RoI max pooling (Fast R-CNN).

>>> from ember.vision.ops import roi_pool
>>> x = ember.arange(16.).reshape(1, 1, 4, 4)
>>> roi_pool(x, ember.tensor([[0., 0., 0., 3., 3.]]), 2).flatten()
tensor([ 5.,  7., 13., 15.])
"""
import ember
from ... import nn
from ..._backend import np
from ._roi_sampling import chunks, integer_bins, rois_of, round_half_away
from .roi_align import _pair

__all__ = ["roi_pool", "RoIPool"]


def _bin_members(lo, hi, size):
    """Pixels of each integer bin ``[lo, hi)`` as ``[K, P, B]`` indices, padded with the bin's first
    pixel (a repeat never changes a maximum nor, coming later, which occurrence is first)."""
    count = np.maximum(hi - lo, 0)
    j = np.arange(max(int(count.max()) if count.size else 1, 1))
    idx = np.where(j < count[..., None], lo[..., None] + j, lo[..., None])
    return np.minimum(idx, size - 1), count


def _argmax_positions(x, batch, hy, hx):
    """Flat ``H * W`` position of each bin's maximum (first in row-major order), ``-1`` for empty
    bins; ``[K, C, P, Q]``. Each chunk gathers its bins' pixels channels-last, padded to the
    chunk's largest bin, and takes one argmax per bin."""
    N, C, H, W = x.shape
    ry, cy = _bin_members(*hy, H)
    rx, cx = _bin_members(*hx, W)
    K, P, Q = len(batch), ry.shape[1], rx.shape[1]
    pixels = x.transpose(0, 2, 3, 1).reshape(N * H * W, C)
    pos = np.empty((K, P, Q, C), np.int64)
    for sel in chunks(P * np.maximum(cy.max(1), 1), Q * np.maximum(cx.max(1), 1), C):
        k = len(sel)
        by, bx = max(int(cy[sel].max()), 1), max(int(cx[sel].max()), 1)
        r, c = ry[sel][:, :, :by], rx[sel][:, :, :bx]                                # [k, P, by], [k, Q, bx]
        flat = (batch[sel][:, None, None, None, None] * H + r[:, :, :, None, None]) * W + c[:, None, None]
        vals = np.take(pixels, flat, axis=0)                                          # [k, P, by, Q, bx, C]
        vals = vals.transpose(0, 1, 3, 5, 2, 4).reshape(k, P, Q, C, by * bx)
        a = vals.argmax(-1)                                                           # [k, P, Q, C]
        kk = np.arange(k)[:, None, None, None]
        row = r[kk, np.arange(P)[None, :, None, None], a // bx]
        col = c[kk, np.arange(Q)[None, None, :, None], a % bx]
        pos[sel] = row * W + col
    empty = (cy == 0)[:, :, None, None] | (cx == 0)[:, None, :, None]
    return np.where(empty, -1, pos).transpose(0, 3, 1, 2)


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
