"""Draws the distributions need beyond ``rand``/``randn``: standard gamma with implicit
reparameterization gradients, Dirichlet (normalized gammas), binomial. All come from ember's
default generator (``ember.manual_seed`` makes them reproducible).

The gamma gradient is the implicit one, ``dx/da = -(dP(a, x)/da) / p(x; a)`` with ``P`` the
regularized lower incomplete gamma function; ``dP/da`` is taken by a central difference in
float64 (relative step 1e-5, error about 1e-9), where PyTorch uses series approximations.

>>> a = ember.tensor([2.0, 5.0], requires_grad=True)
>>> x = ember.distributions._sampling.standard_gamma(a)
>>> x.sum().backward(); bool((a.grad > 0).all())
True
"""
from .._backend import np
from .._random import rng
from ..ops._util import Op, apply_op, _wrap
from ..ops.elementwise.erf_gamma import _lgamma64
from ._special import _dP_da
from . import _ember_api as ember  # not the package, which imports this one

__all__ = ["standard_gamma", "dirichlet", "binomial", "standard_normal", "uniform01"]


def _gamma_dx_da(a, x):
    """The implicit reparameterization derivative d x / d a of a Gamma(a, 1) draw ``x``."""
    a = a.astype(np.float64)
    x = x.astype(np.float64)
    dp = _dP_da(a, x)
    with np.errstate(all="ignore"):
        log_pdf = (a - 1) * np.log(x) - x - _lgamma64(a)
        r = -dp / np.exp(log_pdf)
    return np.where(np.isfinite(r), r, 0.0)


class _StandardGamma(Op):
    @staticmethod
    def forward(ctx, alpha):
        x = rng(None).standard_gamma(alpha.astype(np.float64)).astype(alpha.dtype)
        x = np.maximum(x, np.finfo(alpha.dtype).tiny)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, g):
        alpha, x = ctx.saved_tensors
        d = _gamma_dx_da(alpha._data, x._data).astype(alpha._data.dtype)
        return g * _wrap(d)


def standard_gamma(alpha):
    """Gamma(alpha, 1) draws shaped like ``alpha``, differentiable w.r.t. ``alpha``.

    >>> ember.distributions._sampling.standard_gamma(ember.ones(3)).shape
    torch.Size([3])
    """
    return apply_op(_StandardGamma, (alpha,))


def dirichlet(concentration):
    """Dirichlet draws (gammas normalized over the last dim), differentiable.

    >>> float(ember.distributions._sampling.dirichlet(ember.ones(4)).sum())
    1.0
    """
    g = standard_gamma(concentration)
    s = g / g.sum(-1, keepdim=True)
    tiny = float(np.finfo(concentration._data.dtype).tiny)
    return s.clamp(min=tiny, max=1.0 - float(np.finfo(concentration._data.dtype).eps) / 2)


def binomial(count, prob):
    """Binomial(count, prob) draws (no gradient), in ``prob``'s dtype.

    >>> ember.distributions._sampling.binomial(ember.tensor([0., 3.]), ember.tensor([0.5, 1.]))
    tensor([0., 3.])
    """
    n = np.asarray(count._data).astype(np.int64)
    p = np.clip(np.asarray(prob._data, np.float64), 0.0, 1.0)
    return _wrap(rng(None).binomial(n, p).astype(prob._data.dtype))


def standard_normal(shape, like):
    """N(0, 1) draws of ``shape`` in ``like``'s dtype.

    >>> ember.distributions._sampling.standard_normal((2,), ember.zeros(1)).shape
    torch.Size([2])
    """
    return ember.randn(tuple(shape), dtype=like.dtype)


def uniform01(shape, like):
    """U[0, 1) draws of ``shape`` in ``like``'s dtype.

    >>> ember.distributions._sampling.uniform01((2,), ember.zeros(1)).dtype
    torch.float32
    """
    return ember.rand(tuple(shape), dtype=like.dtype)
