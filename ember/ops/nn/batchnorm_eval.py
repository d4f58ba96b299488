"""Batch normalisation with running statistics, outside autograd (eval-mode inference): the
statistics and the affine parameters folded into one scale and one shift per channel,
``y = x * scale + shift`` (two passes over the data, no other temporary), as PyTorch's CPU
kernel computes it. With autograd recording through any input, ``F.batch_norm`` keeps its
differentiable composite.

>>> from ember.ops.nn.batchnorm_eval import batch_norm_eval
>>> x = ember.tensor([[1., 2.], [3., 4.]])
>>> batch_norm_eval(x, ember.tensor([1., 2.]), ember.tensor([4., 1.]), None, ember.tensor([0., 1.]), 0.)
tensor([[0., 1.],
        [1., 3.]])
"""
from .._util import np, _wrap, _state
from ..._parallel_pass import par_blocks
from ..._ufunc_buffers import rows, expand_rows, _SHORT

__all__ = []

_PAR_MIN = 1 << 23    # bytes * 2 passes: smaller outputs stay on one thread (two cores gain
                      # nothing below ~4 MB: a block's many cache-sized calls hand the GIL over)


def batch_norm_eval(input, running_mean, running_var, weight, bias, eps):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` over channel dim 1 (x at least 2-d),
    or None when this path does not apply (autograd recording, dtypes other than one
    float32/float64); PyTorch's RuntimeError when a statistic's size is not the channel count."""
    C = input._data.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t._data.size != C:
            raise RuntimeError(f"{name} should contain {C} elements not {t._data.size}")
    ts = (input, weight, bias)
    if _state[0] and any(t is not None and t._rg for t in ts):
        return None
    x = input._data
    dt = x.dtype
    if dt.kind != "f" or dt.itemsize < 4 or any(t is not None and t._data.dtype != dt
                                                 for t in (running_mean, running_var, weight, bias)):
        return None
    if any(t is not None and t._data.ndim != 1 for t in (running_mean, running_var, weight, bias)):
        return None
    scale = np.sqrt(running_var._data + dt.type(eps))
    np.divide(dt.type(1), scale, out=scale)
    if weight is not None:
        scale *= weight._data
    shift = -running_mean._data * scale
    if bias is not None:
        shift += bias._data
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = np.empty(x.shape, np.result_type(x, scale)) if x.flags.c_contiguous else None
    if y is None or x.ndim < 3:
        y = np.multiply(x, scale.reshape(shape))
        y += shift.reshape(shape)
        return _wrap(y)
    # both passes block by block (over the intra-op threads when large), the per-channel
    # values as full rows or under a row-sized ufunc buffer (ember._ufunc_buffers)
    N, S = x.shape[0], x[0, 0].size
    x3, y3 = x.reshape(N, C, S), y.reshape(N, C, S)
    if N == 1 and S < _SHORT:
        par_blocks(_scale_shift, y3, x3, scale.reshape(C, 1), shift.reshape(C, 1), passes=2, min_bytes=_PAR_MIN)
    else:
        with rows(S):
            par_blocks(_scale_shift, y3, x3, expand_rows(scale, S), expand_rows(shift, S), passes=2,
                       min_bytes=_PAR_MIN)
    return _wrap(y)


def _scale_shift(y, x, scale, shift):
    np.multiply(x, scale, out=y)
    y += shift
