"""N-d convolution (1d/2d/3d) as three NumPy kernels closed under differentiation.

``conv``  y  = x (*) w                           (im2col + GEMM)
``conv_dx``  dx = the gradient of ``conv`` w.r.t. x  (GEMM + kh*kw strided adds, no np.add.at)
``conv_dw``  dw = the gradient of ``conv`` w.r.t. w  (im2col + GEMM)

The array kernels live in ``conv_kernels`` (im2col, 1x1 and threaded paths) and
``conv_depthwise`` (groups == in_channels); this file holds the differentiable ops.

Each op's backward is written with the other two, so second derivatives come for free,
and ``conv_transpose`` is ``conv_dx`` with the roles renamed.

>>> from ember.ops.nn.conv import conv
>>> x = ember.ones(1, 1, 4, 4); w = ember.ones(1, 1, 3, 3)
>>> conv(x, w, None, (1, 1), ((0, 0), (0, 0)), (1, 1), 1)
tensor([[[[9., 9.],
          [9., 9.]]]])
"""
from .._util import np, Op, apply_op, _wrap, _state
from .conv_dispatch import conv_fwd, conv_dx_fwd, conv_dw_fwd

__all__ = []  # reached through ember.nn.functional


class Convolution(Op):
    _name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, *rest):
        b = rest[0] if len(rest) == 5 else None
        stride, pads, dil, groups = rest[-4:]
        ctx.save_for_backward(x, w)
        ctx.p = (stride, pads, dil, groups)
        return conv_fwd(x, w, stride, pads, dil, groups, b)
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        stride, pads, dil, groups = ctx.p
        n = ctx.needs_input_grad
        gx = conv_dx(g, w, x.shape[2:], stride, pads, dil, groups) if n[0] else None
        gw = conv_dw(x, g, w.shape[2:], stride, pads, dil, groups) if n[1] else None
        gb = g.sum((0,) + tuple(range(2, g.dim()))) if len(n) > 2 and n[2] else None
        return gx, gw, gb


class ConvDx(Op):
    _name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, gy, w, in_sp, stride, pads, dil, groups):
        ctx.save_for_backward(gy, w)
        ctx.p = (stride, pads, dil, groups)
        return conv_dx_fwd(gy, w, in_sp, stride, pads, dil, groups)

    @staticmethod
    def backward(ctx, h):
        gy, w = ctx.saved_tensors
        stride, pads, dil, groups = ctx.p
        n = ctx.needs_input_grad
        d_gy = conv(h, w, None, stride, pads, dil, groups) if n[0] else None
        d_w = conv_dw(h, gy, w.shape[2:], stride, pads, dil, groups) if n[1] else None
        return d_gy, d_w


class ConvDw(Op):
    _name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, gy, k, stride, pads, dil, groups):
        ctx.save_for_backward(x, gy)
        ctx.p = (stride, pads, dil, groups)
        return conv_dw_fwd(x, gy, k, stride, pads, dil, groups)

    @staticmethod
    def backward(ctx, h):
        x, gy = ctx.saved_tensors
        stride, pads, dil, groups = ctx.p
        n = ctx.needs_input_grad
        d_x = conv_dx(gy, h, x.shape[2:], stride, pads, dil, groups) if n[0] else None
        d_gy = conv(x, h, None, stride, pads, dil, groups) if n[1] else None
        return d_x, d_gy


def _same_dtype(x, w, b=None):
    """PyTorch's errors for a convolution whose input, weight and bias dtypes differ."""
    xd = x._data.dtype
    if b is not None and b._data.dtype != xd:      # (PyTorch checks the bias first)
        from ..linalg.products import _low
        raise RuntimeError(f"Input type ({_low(x._data)}) and bias type ({_low(b._data)}) should be the same")
    if w._data.dtype != xd:
        from ..linalg.products import _up
        raise RuntimeError(f"expected scalar type {_up(x._data)} but found {_up(w._data)}")


def conv(x, w, b, stride, pads, dil, groups):
    """Differentiable N-d convolution on normalised arguments (see ``F.conv2d``)."""
    _same_dtype(x, w, b)
    ts = (x, w) if b is None else (x, w, b)
    if _state[0] and any(t._rg for t in ts):
        return apply_op(Convolution, ts, stride, pads, dil, groups)
    return _wrap(conv_fwd(x._data, w._data, stride, pads, dil, groups, None if b is None else b._data))


def conv_dx(gy, w, in_sp, stride, pads, dil, groups):
    """Differentiable input-gradient of conv (= transposed convolution)."""
    if _state[0] and (gy._rg or w._rg):
        return apply_op(ConvDx, (gy, w), tuple(in_sp), stride, pads, dil, groups)
    return _wrap(conv_dx_fwd(gy._data, w._data, tuple(in_sp), stride, pads, dil, groups))


def conv_dw(x, gy, k, stride, pads, dil, groups):
    """Differentiable weight-gradient of conv."""
    if _state[0] and (x._rg or gy._rg):
        return apply_op(ConvDw, (x, gy), tuple(k), stride, pads, dil, groups)
    return _wrap(conv_dw_fwd(x._data, gy._data, tuple(k), stride, pads, dil, groups))
