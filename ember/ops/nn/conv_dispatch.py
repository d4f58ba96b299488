"""Which kernels run a convolution: depthwise ones (groups == in_channels, float32/float64)
go straight to ``conv_depthwise`` with the unpadded input (it pads block by block), every
other one to the im2col kernels of ``conv_kernels``.

>>> from ember.ops.nn.conv_dispatch import conv_fwd
>>> conv_fwd(np.ones((1, 2, 3, 3), np.float32), np.ones((2, 1, 3, 3), np.float32),
...          (1, 1), ((1, 1), (1, 1)), (1, 1), 2)[0, 0]
array([[4., 6., 4.],
       [6., 9., 6.],
       [4., 6., 4.]], dtype=float32)
"""
from .._util import np
from . import conv_kernels as _K
from . import conv_depthwise as _dw

__all__ = []


def _depthwise(C, groups, cg, a, b):
    """True when the direct depthwise kernels run this convolution (C input channels, cg of
    them per group, on arrays a and b)."""
    if groups <= 1 or groups != C or cg != 1 or not _K._DEPTHWISE:
        return False
    dt = np.result_type(a, b)
    return dt.kind == "f" and dt.itemsize >= 4


def conv_fwd(x, w, stride, pads, dil, groups, bias=None):
    """y = x (*) w (+ bias): x (N, C, *sp), w (O, C/groups, *k) -> (N, O, *out)."""
    if _depthwise(x.shape[1], groups, w.shape[1], x, w):
        sp = tuple(s + l + r for s, (l, r) in zip(x.shape[2:], pads))
        if all(s >= d * (k - 1) + 1 for s, k, d in zip(sp, w.shape[2:], dil)):
            return _dw.depthwise_conv(x, w, stride, pads, dil, bias)
    return _K.conv_fwd(x, w, stride, pads, dil, groups, bias)


def conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups):
    """The input gradient of conv: gy (N, O, *out), w (O, Cg, *k) -> (N, C, *in_sp)."""
    if _depthwise(groups * w.shape[1], groups, w.shape[1], gy, w):
        return _dw.depthwise_dx(gy, w, in_sp, stride, pads, dil, groups)
    return _K.conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups)


def conv_dw_fwd(x, gy, k, stride, pads, dil, groups):
    """The weight gradient of conv: x (N, C, *in), gy (N, O, *out) -> (O, Cg, *k)."""
    if _depthwise(x.shape[1], groups, 1, x, gy) and gy.shape[1] % groups == 0:
        return _dw.depthwise_dw(x, gy, k, stride, pads, dil)
    return _K.conv_dw_fwd(x, gy, k, stride, pads, dil, groups)
