"""Pooling functions of ``ember.nn.functional`` beyond the basic family: the ``*_with_indices``
forms, 3-D adaptive max pooling and max-unpooling, fractional max pooling, and power-average
(LP) pooling.

>>> import ember.nn.functional as F
>>> F.lp_pool1d(ember.tensor([[[3., 4., 1., 1.]]]), 2, 2)
tensor([[[5.0000, 1.4142]]])
"""
from .._backend import np
from ..ops.nn import pool as _P
from ..ops.nn.pool_fractional import fractional_max
from .functional_conv import _tuple
from .functional_pool import (_max_poolnd, _adaptive_max, _unpool_size, avg_pool1d, avg_pool2d, avg_pool3d)
from ..ops.elementwise.basic_math import relu as _relu

__all__ = ["max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "max_unpool3d", "fractional_max_pool2d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d", "fractional_max_pool3d_with_indices",
           "lp_pool1d", "lp_pool2d", "lp_pool3d"]


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """1-D max pooling returning (values, indices).

    >>> F.max_pool1d_with_indices(ember.tensor([[[1., 3., 2., 5.]]]), 2)[1]
    tensor([[[1, 3]]])
    """
    return _max_poolnd(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """2-D max pooling returning (values, flat indices per plane).

    >>> F.max_pool2d_with_indices(ember.arange(16.).reshape(1, 1, 4, 4), 2)[1]
    tensor([[[[ 5,  7],
              [13, 15]]]])
    """
    return _max_poolnd(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """3-D max pooling returning (values, flat indices per volume).

    >>> F.max_pool3d_with_indices(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2)[1]
    tensor([[[[[7]]]]])
    """
    return _max_poolnd(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling to a fixed 3-D output size.

    >>> F.adaptive_max_pool3d(ember.ones(1, 1, 4, 5, 6), (2, 2, 3)).shape
    torch.Size([1, 1, 2, 2, 3])
    """
    return _adaptive_max(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """Adaptive 1-D max pooling returning (values, indices).

    >>> F.adaptive_max_pool1d_with_indices(ember.tensor([[[1., 5., 3., 4., 2.]]]), 2)[1]
    tensor([[[1, 3]]])
    """
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """Adaptive 2-D max pooling returning (values, indices).

    >>> F.adaptive_max_pool2d_with_indices(ember.arange(16.).reshape(1, 1, 4, 4), 1)[1]
    tensor([[[[15]]]])
    """
    return _adaptive_max(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """Adaptive 3-D max pooling returning (values, indices).

    >>> F.adaptive_max_pool3d_with_indices(ember.arange(8.).reshape(1, 1, 2, 2, 2), 1)[1]
    tensor([[[[[7]]]]])
    """
    return _adaptive_max(3, input, output_size, True)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool3d.

    >>> v, i = F.max_pool3d(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2, return_indices=True)
    >>> F.max_unpool3d(v, i, 2).flatten()
    tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """
    return _P.max_unpool(input, indices, _unpool_size(3, input, kernel_size, stride, padding, output_size))


# ---------------------------------------------------------------- fractional max pooling
def _ratio(r, nd):
    return tuple(float(v) for v in r) if isinstance(r, (tuple, list)) else (float(r),) * nd


def _fractional(nd, input, kernel_size, output_size, output_ratio, _random_samples):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    x = input._data
    if x.ndim < nd + 1:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.ndim}, {x.ndim - 1}], but "
                         f"got {-nd - 1})")
    if x.ndim > nd + 2:
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}")
    k = _tuple(kernel_size, nd)
    sp = x.shape[-nd:]
    if output_size is None:
        ratio = _ratio(output_ratio, nd)
        out = tuple(int(L * r) for L, r in zip(sp, ratio))
    else:
        out = _tuple(output_size, nd)
    names = ("height", "width") if nd == 2 else ("time", "height", "width")
    for L, kk, o, nm in zip(sp, k, out, names):
        if o + kk - 1 > L or (nd == 3 and o + kk - 1 == L):      # PyTorch's 3-D check is strict
            raise RuntimeError(f"{name}_out(): pool {nm} {kk} too large relative to input {nm} {L}"
                               if nd == 3 else f"{name}(): pool {nm} {kk} too large relative to input {nm} {L}")
    batched = x.ndim == nd + 2
    xb = input if batched else input.unsqueeze(0)
    B, C = xb.shape[0], xb.shape[1]
    if _random_samples is None:
        from ..ops.random.factories import rand
        _random_samples = rand(B, C, nd, dtype=input.dtype)
    s = _random_samples._data
    if s.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to be 3D tensor, got: {s.ndim}D")
    if s.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if s.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {s.shape[2]}.")
    if s.shape[0] < B:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if s.shape[1] != C:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    vals, idx = fractional_max(xb, k, out, s)
    if not batched:
        vals, idx = vals.squeeze(0), idx.squeeze(0)
    return vals, idx


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """2-D fractional max pooling: ``kernel_size`` windows at pseudo-random strides that reach
    ``output_size`` (or ``output_ratio`` of the input size).

    >>> F.fractional_max_pool2d(ember.randn(1, 2, 9, 9), 2, output_size=4).shape
    torch.Size([1, 2, 4, 4])
    """
    vals, idx = _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)
    return (vals, idx) if return_indices else vals


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """2-D fractional max pooling returning (values, indices).

    >>> F.fractional_max_pool2d_with_indices(ember.ones(1, 6, 6), 3, output_ratio=0.5)[0].shape
    torch.Size([1, 3, 3])
    """
    return _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """3-D fractional max pooling.

    >>> F.fractional_max_pool3d(ember.randn(1, 1, 6, 6, 6), 2, output_size=3).shape
    torch.Size([1, 1, 3, 3, 3])
    """
    vals, idx = _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)
    return (vals, idx) if return_indices else vals


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """3-D fractional max pooling returning (values, indices).

    >>> F.fractional_max_pool3d_with_indices(ember.ones(1, 4, 4, 4), 2, output_size=2)[1].shape
    torch.Size([1, 2, 2, 2])
    """
    return _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)


# ---------------------------------------------------------------- power-average pooling
def _lp_pool(nd, avg, input, norm_type, kernel_size, stride, ceil_mode):
    k = _tuple(kernel_size, nd)
    out = avg(input.pow(norm_type), k, stride, 0, ceil_mode)
    # sign(out) * relu(|out|) keeps out's sign (out < 0 only for odd powers of negatives)
    return (out.sign() * _relu(out.abs())).mul(int(np.prod(k))).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``(sum over each window of x**p) ** (1/p)``.

    >>> F.lp_pool1d(ember.tensor([[[1., 1., 2., 2.]]]), 1, 2)
    tensor([[[2., 4.]]])
    """
    return _lp_pool(1, avg_pool1d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling.

    >>> F.lp_pool2d(ember.ones(1, 1, 4, 4), 2, 2)
    tensor([[[[2., 2.],
              [2., 2.]]]])
    """
    return _lp_pool(2, avg_pool2d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-D power-average pooling.

    >>> F.lp_pool3d(ember.ones(1, 1, 2, 2, 2), 1, 2).flatten()
    tensor([8.])
    """
    return _lp_pool(3, avg_pool3d, input, norm_type, kernel_size, stride, ceil_mode)
