"""Special functions the distributions need with gradients ember's ops lack: the regularized
lower incomplete gamma ``P(a, x)`` differentiable in ``a`` too (``ember.igamma`` is only in
``x``), and a binary cross-entropy with logits whose gradient at ``logits == 0`` is exact.

``dP/da`` is a central difference in float64 (relative step 1e-5; error about 1e-9).

>>> a = ember.tensor([2.0], requires_grad=True)
>>> p = ember.distributions._special.gammainc(a, ember.tensor([3.0]))
>>> p.backward(); p, round(float(a.grad), 4)
(tensor([0.8009], grad_fn=<GammaincBackward0>), -0.1974)
"""
from .._backend import np
from ..ops._util import Op, apply_op, _wrap
from ..ops.elementwise.special import _igamma64
from ..ops.elementwise.erf_gamma import _lgamma64
from . import _ember_api as ember  # not the package, which imports this one
from ..nn import functional as F

__all__ = ["gammainc", "bce_with_logits"]


def _dP_da(a, x):
    a = a.astype(np.float64)
    x = x.astype(np.float64)
    h = 1e-5 * np.maximum(np.abs(a), 1e-3)
    return (_igamma64(a + h, x, False) - _igamma64(a - h, x, False)).reshape(a.shape) / (2 * h)


class _Gammainc(Op):
    @staticmethod
    def forward(ctx, a, x):
        a, x = np.broadcast_arrays(a, x)
        ctx.save_for_backward(a, x)
        return _igamma64(a, x, False).reshape(a.shape).astype(np.result_type(a.dtype, x.dtype))

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        ga = gx = None
        if ctx.needs_input_grad[0]:
            ga = g * _wrap(_dP_da(a._data, x._data).astype(a._data.dtype))
        if ctx.needs_input_grad[1]:
            with np.errstate(all="ignore"):
                d = np.exp((a._data - 1) * np.log(x._data) - x._data - _lgamma64(a._data))
            gx = g * _wrap(np.where(np.isfinite(d), d, 0.0).astype(x._data.dtype))
        return ga, gx


def gammainc(a, x):
    """``P(a, x)``, differentiable in both arguments.

    >>> ember.distributions._special.gammainc(ember.tensor([1.0]), ember.tensor([1.0]))
    tensor([0.6321])
    """
    a, x = ember.broadcast_tensors(a, x)
    return apply_op(_Gammainc, (a, x))


def bce_with_logits(logits, value):
    """Elementwise ``-(value log sigmoid(logits) + (1 - value) log sigmoid(-logits))``.

    >>> ember.distributions._special.bce_with_logits(ember.tensor([0.]), ember.tensor([1.]))
    tensor([0.6931])
    """
    return F.softplus(logits) - logits * value
