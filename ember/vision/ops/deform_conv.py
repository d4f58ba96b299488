"""``torchvision.ops.deform_conv``: deformable convolution v1/v2 (Dai et al. 2017; Zhu et al. 2018).

Each kernel tap ``(i, j)`` of each output pixel samples the input at its regular position
plus a learned offset (bilinearly, zero outside the image), optionally scaled by a modulation
mask, and the samples are contracted with the weights like an im2col convolution. Built from
ember ops (one gather per bilinear corner, one batched matmul), so input, offset, mask, weight
and bias all get gradients, and higher ones.

>>> from ember.vision.ops import deform_conv2d
>>> x = ember.arange(9.).reshape(1, 1, 3, 3)
>>> deform_conv2d(x, ember.zeros(1, 2, 3, 3), ember.ones(1, 1, 1, 1)).flatten().tolist()
[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
"""
import math

import ember
from ... import nn
from ..._backend import np

__all__ = ["deform_conv2d", "DeformConv2d"]


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _check(input, offset, weight, mask, stride, padding, dilation, n_offset_grps, n_weight_grps):
    """torchvision's kernel checks (RuntimeError); returns the output size."""
    for name, t in (("input", input), ("offset", offset), ("weight", weight)) + ((("mask", mask),) if mask is not None else ()):
        if t.dim() != 4:
            raise RuntimeError(f"Expected {name} to be 4-dimensional, got {t.dim()}")
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    B, C, H, W = input.shape
    kh, kw = weight.shape[2:]
    if not (kh > 0 and kw > 0):
        raise RuntimeError(f"weight_h: {kh} weight_w: {kw}")
    if not (sh > 0 and sw > 0):
        raise RuntimeError(f"stride_h: {sh} stride_w: {sw}")
    if not (ph >= 0 and pw >= 0):
        raise RuntimeError(f"pad_h: {ph} pad_w: {pw}")
    if not (dh > 0 and dw > 0):
        raise RuntimeError(f"dilation_h: {dh} dilation_w: {dw}")
    oh = (H + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    ow = (W + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    if weight.shape[1] * n_weight_grps != C or weight.shape[0] % n_weight_grps != 0:
        raise RuntimeError(f"weight of shape {tuple(weight.shape)} does not fit input channels {C}")
    if offset.shape[1] != n_offset_grps * 2 * kh * kw:
        raise RuntimeError(f"offset.shape[1] is not valid: got: {offset.shape[1]} expected: "
                           f"{n_offset_grps * 2 * kh * kw}")
    if mask is not None and mask.shape[1] != n_offset_grps * kh * kw:
        raise RuntimeError(f"mask.shape[1] is not valid: got: {mask.shape[1]} expected: {n_offset_grps * kh * kw}")
    if C % n_offset_grps != 0:
        raise RuntimeError(f"input channels {C} are not divisible by the {n_offset_grps} offset groups")
    if offset.shape[0] != B:
        raise RuntimeError("invalid batch size of offset")
    if tuple(offset.shape[2:]) != (oh, ow):
        raise RuntimeError(f"offset output dims: ({offset.shape[2]}, {offset.shape[3]}) - "
                           f"computed output dims: ({oh}, {ow})")
    if mask is not None:
        if mask.shape[0] != B:
            raise RuntimeError("invalid batch size of mask")
        if tuple(mask.shape[2:]) != (oh, ow):
            raise RuntimeError(f"mask output dims: ({mask.shape[2]}, {mask.shape[3]}) - "
                               f"computed output dims: ({oh}, {ow})")
    if not (oh > 0 and ow > 0):
        raise RuntimeError(f"Calculated output size too small - out_h: {oh} out_w: {ow}")
    return oh, ow


def deform_conv2d(input, offset, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), mask=None):
    """Deformable convolution: ``input [B, C, H, W]``, ``offset [B, 2 * G * kh * kw, oh, ow]``
    (per offset group ``G`` and tap, the (dy, dx) pair), ``weight [O, C / groups, kh, kw]``
    (``groups = C // weight.shape[1]``), optional ``mask [B, G * kh * kw, oh, ow]`` (v2).

    >>> from ember.vision.ops import deform_conv2d
    >>> x = ember.rand(1, 2, 5, 5, requires_grad=True)
    >>> off = ember.zeros(1, 18, 3, 3, requires_grad=True)
    >>> out = deform_conv2d(x, off, ember.rand(4, 2, 3, 3), mask=ember.ones(1, 9, 3, 3))
    >>> out.shape
    torch.Size([1, 4, 3, 3])
    >>> out.sum().backward(); off.grad.shape
    torch.Size([1, 18, 3, 3])
    """
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    kh, kw = weight.shape[-2:]
    B, C, H, W = input.shape
    n_offset_grps = offset.shape[1] // (2 * kh * kw)
    n_weight_grps = C // weight.shape[1]
    if n_offset_grps == 0:
        raise RuntimeError("the shape of the offset tensor at dimension 1 is not valid. It should be a multiple "
                           "of 2 * weight.size[2] * weight.size[3].\n"
                           f"Got offset.shape[1]={offset.shape[1]}, while 2 * weight.size[2] * "
                           f"weight.size[3]={2 * kh * kw}")
    oh, ow = _check(input, offset, weight, mask, stride, padding, dilation, n_offset_grps, n_weight_grps)
    out_channels = weight.shape[0]
    G, K, P = n_offset_grps, kh * kw, oh * ow
    if B == 0:
        return ember.zeros((0, out_channels, oh, ow), dtype=input.dtype)
    np_dt = np.dtype(str(input.dtype).replace("torch.", ""))
    # regular sampling positions of tap k = (i, j) at output (y, x): [K, oh, ow]
    ii, jj = np.divmod(np.arange(K), kw)
    base_y = (np.arange(oh) * stride[0] - padding[0])[None, :, None] + (ii * dilation[0])[:, None, None]
    base_x = (np.arange(ow) * stride[1] - padding[1])[None, None, :] + (jj * dilation[1])[:, None, None]
    off = offset.reshape(B, G, K, 2, oh, ow)
    ys = off[:, :, :, 0] + ember.from_numpy(np.broadcast_to(base_y, (K, oh, ow)).astype(np_dt))
    xs = off[:, :, :, 1] + ember.from_numpy(np.broadcast_to(base_x, (K, oh, ow)).astype(np_dt))
    y_np, x_np = ys.detach().numpy(), xs.detach().numpy()
    y0, x0 = np.floor(y_np), np.floor(x_np)
    ly = ys - ember.from_numpy(y0)
    lx = xs - ember.from_numpy(x0)
    inside = (y_np > -1) & (y_np < H) & (x_np > -1) & (x_np < W)
    planes = input.reshape(B, G, C // G, H * W)
    sampled = 0
    for dy, dx, wy, wx in ((0, 0, 1 - ly, 1 - lx), (0, 1, 1 - ly, lx), (1, 0, ly, 1 - lx), (1, 1, ly, lx)):
        yy, xx = y0.astype(np.int64) + dy, x0.astype(np.int64) + dx
        ok = inside & (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
        idx = (np.clip(yy, 0, H - 1) * W + np.clip(xx, 0, W - 1)).reshape(B, G, 1, K * P)
        vals = ember.gather(planes, 3, ember.from_numpy(np.ascontiguousarray(
            np.broadcast_to(idx, (B, G, C // G, K * P)))))
        coef = (wy * wx * ember.from_numpy(ok.astype(np_dt))).reshape(B, G, 1, K * P)
        sampled = sampled + vals * coef
    if mask is not None:
        sampled = sampled * mask.reshape(B, G, 1, K * P)
    cols = sampled.reshape(B, n_weight_grps, (C // n_weight_grps) * K, P)
    w = weight.reshape(n_weight_grps, out_channels // n_weight_grps, (C // n_weight_grps) * K)
    out = (w[None] @ cols).reshape(B, out_channels, oh, ow)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


class DeformConv2d(nn.Module):
    """Module form of :func:`deform_conv2d` holding ``weight`` (and ``bias``); ``forward(input,
    offset, mask=None)``.

    >>> from ember.vision.ops import DeformConv2d
    >>> DeformConv2d(4, 8, 3, padding=1, groups=2)
    DeformConv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        super().__init__()
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.groups = groups
        self.weight = nn.Parameter(ember.empty(out_channels, in_channels // groups, *self.kernel_size))
        if bias:
            self.bias = nn.Parameter(ember.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in)
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, input, offset, mask=None):
        return deform_conv2d(input, offset, self.weight, self.bias, stride=self.stride, padding=self.padding,
                             dilation=self.dilation, mask=mask)

    def __repr__(self):
        s = (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        s += f", padding={self.padding}" if self.padding != (0, 0) else ""
        s += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        s += f", groups={self.groups}" if self.groups != 1 else ""
        s += ", bias=False" if self.bias is None else ""
        return s + ")"
