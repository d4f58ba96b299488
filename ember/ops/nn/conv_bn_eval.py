"""A convolution followed by an eval-mode batch norm, outside autograd, as one convolution.

Eval batch norm is ``y * scale + shift`` per channel (``scale = weight / sqrt(var + eps)``,
``shift = bias - mean * scale``, as ``batchnorm_eval`` computes them). After a convolution
that is either

* folded into the convolution: ``conv(x, w * scale) + (b * scale + shift)`` when the weight
  is smaller than the output (one pass over the weight instead of two over the output: the
  depthwise and the early, large-output layers), or
* applied in place to the convolution's output block by block (``Epilogue``: two passes
  over each block while the convolution's threads still hold it in cache, no new array, the
  same values as the separate layers), with the activation and a residual added the same way.

>>> from ember.ops.nn.conv_bn_eval import conv_bn_eval
>>> x, w = ember.ones(1, 1, 3, 3), ember.ones(2, 1, 1, 1)
>>> rm, rv = ember.tensor([1., 0.]), ember.tensor([4., 1.])
>>> conv_bn_eval(x, w, None, (1, 1), ((0, 0), (0, 0)), (1, 1), 1, rm, rv, None, None, 0.)[0, :, 0, 0]
tensor([0., 1.])
"""
import math

from .._util import np, _wrap, _state
from ..._ufunc_buffers import rows, expand_rows
from .conv_dispatch import conv_fwd

__all__ = []


class Epilogue:
    """The passes that finish a block of a convolution's output in place, in the order of the
    separate layers: ``* scale + shift`` per channel (an eval batch norm), ``+ residual`` (an
    array of the output's shape), then ``act`` (an in-place array function such as
    ``hard_activations.relu_array_``); any of them None. The convolution kernels call it on
    each block they finish, ``post(y3, (images, positions))`` with y3 the output as (N, O, P),
    while the block is still in cache and on the thread that wrote it.

    >>> from ember.ops.nn.conv_bn_eval import Epilogue
    >>> y = np.ones((1, 2, 3))
    >>> Epilogue(np.array([2., 3.]), np.array([0., -4.]))(y, (slice(None), slice(0, 2)))
    >>> y[0]
    array([[ 2.,  2.,  1.],
           [-1., -1.,  1.]])
    """
    __slots__ = ("scale", "shift", "residual", "act")

    def __init__(self, scale=None, shift=None, residual=None, act=None):
        self.scale, self.shift, self.residual, self.act = scale, shift, residual, act

    def __call__(self, y3, sel):
        b = y3[sel[0], :, sel[1]]
        if self.scale is not None or self.shift is not None:
            S = b.shape[2]
            with rows(S):
                if self.scale is not None:
                    b *= expand_rows(self.scale, S)
                if self.shift is not None:
                    b += expand_rows(self.shift, S)
        if self.residual is not None:
            b += self.residual[sel[0], :, sel[1]]
        if self.act is not None:
            self.act(b)


def _scale_shift(dt, mean, var, weight, bias, eps):
    """(scale, shift) of eval batch norm in dtype ``dt``, with ``batchnorm_eval``'s arithmetic."""
    scale = np.sqrt(var + dt.type(eps))
    np.divide(dt.type(1), scale, out=scale)
    if weight is not None:
        scale *= weight
    shift = -mean * scale
    if bias is not None:
        shift += bias
    return scale, shift


def conv_bn_eval(x, w, b, stride, pads, dil, groups, running_mean, running_var, weight, bias, eps, act=None,
                 fold=True, residual=None):
    """``batch_norm(conv(x, w, b), running_mean, running_var, weight, bias, eps)`` in eval mode
    on tensors (pads ((l, r), ...) as ``conv`` takes them), or None when this path does not
    apply (autograd recording, dtypes other than one float32/float64 throughout, statistics
    whose size is not the output channel count); the caller then runs the two layers.
    ``act``: an in-place array function (``hard_activations.relu_array_``, ...) applied last.
    ``fold=False``: never folded into the weights (the separate layers' bits). ``residual``: an
    array of the output's shape and dtype, added after the batch norm and before ``act``.

    >>> from ember.ops.nn.conv_bn_eval import conv_bn_eval
    >>> conv_bn_eval(ember.ones(1, 2, 2, 2), ember.ones(2, 1, 2, 2), None, (1, 1), ((0, 0), (0, 0)), (1, 1), 2,
    ...              ember.zeros(2), ember.ones(2), ember.tensor([1., 2.]), ember.tensor([0., 1.]), 0.).flatten()
    tensor([4., 9.])
    """
    ts = (x, w, b, running_mean, running_var, weight, bias)
    if _state[0] and any(t is not None and t._rg for t in ts):
        return None
    xa = x._data
    dt = xa.dtype
    if dt.kind != "f" or dt.itemsize < 4 or xa.ndim < 3:
        return None
    O = w._data.shape[0]
    for t in ts[1:]:
        if t is not None and (t._data.dtype != dt or (t is not w and t._data.shape != (O,))):
            return None
    wa = w._data
    scale, shift = _scale_shift(dt, running_mean._data, running_var._data,
                                None if weight is None else weight._data, None if bias is None else bias._data, eps)
    out = _out_shape(xa, wa, stride, pads, dil)
    if residual is not None and (residual.dtype != dt or residual.shape != (xa.shape[0], O) + out):
        return None
    res3 = None if residual is None else residual.reshape(residual.shape[:2] + (-1,))
    shape = (-1,) + (1,) * (wa.ndim - 1)
    if fold and wa.size <= xa.shape[0] * O * math.prod(out):
        if b is not None:
            shift = b._data * scale + shift
        post = Epilogue(residual=res3, act=act) if res3 is not None or act is not None else None
        return _wrap(conv_fwd(xa, wa * scale.reshape(shape), stride, pads, dil, groups, shift, post=post))
    y = conv_fwd(xa, wa, stride, pads, dil, groups, None if b is None else b._data,
                 post=Epilogue(scale, shift, res3, act))
    return _wrap(y)


def _out_shape(xa, wa, stride, pads, dil):
    """The output's spatial sizes."""
    return tuple(max(0, (s + l + r - d * (k - 1) - 1) // st + 1)
                 for s, (l, r), k, st, d in zip(xa.shape[2:], pads, wa.shape[2:], stride, dil))
