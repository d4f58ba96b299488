"""Pooling functions of ``ember.nn.functional``.

>>> import ember.nn.functional as F
>>> F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2)
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
"""
from .. import _autocast_state as _ac
from .._autocast_state import on as _ac_on
from .._backend import np
from .._tensor import _wrap
from .._grad_state import _state
from ..ops.nn import pool as _P
from .functional_conv import _tuple
from .._quantized_mark import QUANTIZED as _QM
from .._row_sums import sum_last as _sum_last

_F3264 = (np.dtype(np.float32), np.dtype(np.float64))


def _check_pool_input(input, nd, name):
    x = input._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor for input, but got: "
                           f"{list(x.shape)}" if nd != 1 else
                           f"{name}() Expected 2D or 3D input tensor, but got {list(x.shape)}")


_HW = {1: ("",), 2: ("H", "W"), 3: ("T", "H", "W")}


def _check_window(nd, name, k, s, p, d=None):
    """PyTorch's errors for zero/negative kernel sizes, strides, dilations and paddings (NumPy
    would raise ZeroDivisionError or ValueError, or silently pad nothing)."""
    if nd == 1 and name == "max_pool1d" and any(kk <= 0 for kk in k):
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k[0]}")
    if any(v == 0 for v in s) or any(v == 0 for v in k):
        raise RuntimeError("stride should not be zero")
    if d is not None and any(v <= 0 for v in d):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           " ".join(f"dilation{a}: {v}" for a, v in zip(_HW[nd], d)))
    if any(v < 0 for v in p):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(p)}")


def _max_poolnd(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    _check_pool_input(input, nd, f"max_pool{nd}d")
    k = _tuple(kernel_size, nd)
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else _tuple(stride, nd)
    p = _tuple(padding, nd)
    d = _tuple(dilation, nd)
    _check_window(nd, f"max_pool{nd}d", k, s, p, d)
    for kk, pp, dd in zip(k, p, d):
        if pp > (dd * (kk - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
    if any(pp > kk // 2 for kk, pp in zip(k, p)):   # (with dilation: PyTorch's kernels also want pad <= k / 2)
        if nd == 1 and not return_indices:
            raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p[0]} "
                               f"and kernel_size={k[0]}")
        if nd == 3:
            raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got kT: {k[0]} kW: "
                               f"{k[2]} kH: {k[1]} padT: {p[0]} padW: {p[2]} padH: {p[1]}")
        kh, ph = (k[0], p[0]) if nd == 2 else (1, 0)
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {p[-1]}, "
                           f"padH = {ph}, kW = {k[-1]}, kH = {kh}")
    if input._rg is _QM:  # a quantized tensor: the integer max per window
        from .. import _quantized_dispatch as _qd
        return _qd.max_pool(input, k, s, p, d, ceil_mode, return_indices)
    if not return_indices and not (_state[0] and input._rg):    # values only: no argmax to keep
        vals = _P.max_pool_values(input._data, k, s, p, d, ceil_mode)
        if vals is not None:
            return _wrap(vals)
    vals, idx = _P.max_pool(input, k, s, p, d, ceil_mode)
    return (vals, idx) if return_indices else vals


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over (N, C, L).

    >>> F.max_pool1d(ember.tensor([[[1., 3., 2., 5.]]]), 2)
    tensor([[[3., 5.]]])
    """
    return _max_poolnd(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling over (N, C, H, W); ``return_indices`` gives flat indices per plane.

    >>> F.max_pool2d(ember.ones(1, 1, 5, 5), 2, ceil_mode=True).shape
    torch.Size([1, 1, 3, 3])
    """
    return _max_poolnd(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling over (N, C, D, H, W).

    >>> F.max_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return _max_poolnd(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_poolnd(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    _check_pool_input(input, nd, f"avg_pool{nd}d")
    k = _tuple(kernel_size, nd)
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else _tuple(stride, nd)
    p = _tuple(padding, nd)
    _check_window(nd, f"avg_pool{nd}d", k, s, p)
    for kk, pp in zip(k, p):
        if pp > kk // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation=1")
    sp = input.shape[-nd:]
    if nd == 3 and any(i < kk for i, kk in zip(sp, k)):
        raise RuntimeError(f"input image (T: {sp[0]} H: {sp[1]} W: {sp[2]}) smaller than kernel size "
                           f"(kT: {k[0]} kH: {k[1]} kW: {k[2]})")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if input._rg is _QM:  # a quantized tensor: PyTorch's integer kernel (1-D and 2-D)
        from .. import _quantized_dispatch as _qd
        if nd == 3:
            raise _qd.not_implemented("aten::avg_pool3d.out")
        return _qd.avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override)
    if nd == 1:      # as PyTorch: a 2-D pool of one row (its errors and its graph: SqueezeBackward1)
        return _P.avg_pool(input.unsqueeze(-2), (1,) + k, (1,) + s, (0,) + p, ceil_mode, count_include_pad,
                           divisor_override, "AvgPool2DBackward0").squeeze(-2)
    return _P.avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override, f"AvgPool{nd}DBackward0")


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling.

    >>> F.avg_pool1d(ember.tensor([[[1., 3., 2., 6.]]]), 2)
    tensor([[[2., 4.]]])
    """
    return _avg_poolnd(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling.

    >>> F.avg_pool2d(ember.ones(1, 1, 4, 4), 2, padding=1, count_include_pad=False)[0, 0, 0]
    tensor([1., 1., 1.])
    """
    return _avg_poolnd(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling.

    >>> F.avg_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return avg_pool3d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    return _avg_poolnd(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _out_size(input, output_size, nd):
    sp = input._data.shape[-nd:]
    os_ = _tuple(output_size, nd) if not isinstance(output_size, (tuple, list)) else tuple(output_size)
    if len(os_) == 1 and nd > 1:
        os_ = os_ * nd
    out = tuple(L if o is None else int(o) for o, L in zip(os_, sp))
    if any(o < 0 for o in out):
        raise RuntimeError(f"adaptive_avg_pool{nd}d: elements of output_size must be greater than or "
                           "equal to 0 but received {" + ", ".join(map(str, out)) + "}")
    return out


def _adaptive_avg(nd, input, output_size):
    _check_pool_input(input, nd, f"adaptive_avg_pool{nd}d")
    out = _out_size(input, output_size, nd)
    if input._rg is _QM:  # a quantized tensor: PyTorch's integer kernel
        from .. import _quantized_dispatch as _qd
        return _qd.adaptive_avg_pool(input, out)
    x = input._data
    if x.dtype.kind in "biu":
        from ..ops.elementwise.operands import _not_impl, _tn
        if all(o == 1 for o in out):   # PyTorch takes a mean for global pooling
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {_tn(x.dtype)}")
        _not_impl("adaptive_avg_pool3d_cpu" if nd == 3 else "adaptive_avg_pool2d", x.dtype)
    sp = x.shape[-nd:]
    if nd == 1 and 0 not in out:    # as PyTorch: the 2-D pool of one row
        return _adaptive_avg(2, input.unsqueeze(-2), (1,) + out).squeeze(-2)
    if 0 in out:
        return _wrap(np.zeros(x.shape[:-nd] + out, x.dtype)) + input.sum() * 0 if input.requires_grad \
            else _wrap(np.zeros(x.shape[:-nd] + out, x.dtype))
    if all(o == 1 for o in out) and x.dtype.kind == "f" and not (_state[0] and input._rg):
        # global pooling outside autograd (squeeze-excitation, classifier heads): one mean, 3x faster
        # than the windowed average (the row sums by BLAS: 3.5x NumPy's mean on 14 x 14 maps);
        # within an ulp of torch, as that is
        axes = tuple(range(x.ndim - nd, x.ndim))
        if x.dtype in _F3264 and x.flags.c_contiguous:
            m = _sum_last(x, nd, True)
            return _wrap(np.true_divide(m, x.dtype.type(int(np.prod(sp))), out=m))
        if x.dtype == np.float32:   # (channels-last: NumPy would add the strided values one by one)
            return _wrap(x.mean(axis=axes, dtype=np.float64, keepdims=True).astype(np.float32))
        return _wrap(x.mean(axis=axes, keepdims=True))
    if all(o == 1 for o in out) and x.dtype.kind == "f":    # recorded: a mean, as PyTorch (MeanBackward1)
        return input.mean(tuple(range(x.ndim - nd, x.ndim)), keepdim=True)
    if all(L % o == 0 for L, o in zip(sp, out)):  # regular windows: plain average pooling
        k = tuple(L // o for L, o in zip(sp, out))
        return _P.avg_pool(input, k, k, (0,) * nd, False, True, None, f"AdaptiveAvgPool{nd}DBackward0")
    # separable: average along each axis with an (o, L) matrix
    return _P.adaptive_avg_separable(input, out, f"AdaptiveAvgPool{nd}DBackward0")


def adaptive_avg_pool1d(input, output_size):
    """Average pooling to a fixed output length.

    >>> F.adaptive_avg_pool1d(ember.tensor([[[1., 2., 3., 4., 5.]]]), 2)
    tensor([[[2., 4.]]])
    """
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (e.g. (1, 1) for global pooling).

    >>> F.adaptive_avg_pool2d(ember.ones(2, 3, 7, 5), (1, 1)).shape
    torch.Size([2, 3, 1, 1])
    """
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling to a fixed 3-D output size.

    >>> F.adaptive_avg_pool3d(ember.ones(1, 1, 4, 5, 6), 2).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, = _ac.fp32(input)
        with _ac.suspended():
            return adaptive_avg_pool3d(input, output_size)
    return _adaptive_avg(3, input, output_size)


def _adaptive_max(nd, input, output_size, return_indices):
    _check_pool_input(input, nd, f"adaptive_max_pool{nd}d")
    if input._rg is _QM:
        from .._quantized_dispatch import not_implemented
        raise not_implemented(f"aten::adaptive_max_pool{nd}d.out")
    vals, idx = _P.adaptive_max(input, _out_size(input, output_size, nd))
    return (vals, idx) if return_indices else vals


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling to a fixed output length.

    >>> F.adaptive_max_pool1d(ember.tensor([[[1., 5., 3., 4., 2.]]]), 2)
    tensor([[[5., 4.]]])
    """
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size.

    >>> F.adaptive_max_pool2d(ember.ones(1, 1, 5, 7), (2, 3)).shape
    torch.Size([1, 1, 2, 3])
    """
    return _adaptive_max(2, input, output_size, return_indices)


def _unpool_size(nd, input, kernel_size, stride, padding, output_size):
    k = _tuple(kernel_size, nd)
    s = k if stride is None else _tuple(stride, nd)
    p = _tuple(padding, nd)
    sp = input._data.shape[-nd:]
    default = tuple((i - 1) * ss - 2 * pp + kk for i, ss, pp, kk in zip(sp, s, p, k))
    if output_size is None:
        return default
    out = tuple(output_size)[-nd:]
    for o, dflt, ss in zip(out, default, s):
        if not dflt - ss < o < dflt + ss:
            raise ValueError(f"invalid output_size {list(output_size)} (dim 0 must be between "
                             f"{dflt - ss} and {dflt + ss})")
    return out


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool1d: values go back to their indices, zeros elsewhere.

    >>> v, i = F.max_pool1d(ember.tensor([[[1., 3., 2., 5.]]]), 2, return_indices=True)
    >>> F.max_unpool1d(v, i, 2)
    tensor([[[0., 3., 0., 5.]]])
    """
    return _P.max_unpool(input, indices, _unpool_size(1, input, kernel_size, stride, padding, output_size))


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool2d.

    >>> v, i = F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2, return_indices=True)
    >>> F.max_unpool2d(v, i, 2).shape
    torch.Size([1, 1, 4, 4])
    """
    return _P.max_unpool(input, indices, _unpool_size(2, input, kernel_size, stride, padding, output_size))
