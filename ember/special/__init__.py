"""Special functions, as ``torch.special``: Bessel and Airy functions, orthogonal polynomials,
the error, gamma and zeta families, the normal distribution's CDF and quantiles, and the
``special`` spellings of ops ember has at top level (``expit`` is ``sigmoid``, ``psi`` is
``digamma``, ...). Computed in float64 NumPy kernels and rounded to the input's precision;
gradients exactly where PyTorch has them (none for the Bessel functions and polynomials).

>>> ember.special.erfcx(ember.tensor([1.]))
tensor([0.4276])
>>> ember.special.bessel_j0(ember.tensor([1.]))
tensor([0.7652])
"""
from .._backend import np
from .._tensor import Tensor, _wrap
from ..autograd.function import Op, apply_op
from ..ops.elementwise import erf_gamma as _EG, exp_log as _EL, special as _SP
from .. import ops as _ops
from ..ops.elementwise.elementwise_more import _flt, _check_tensor
from ._dispatch import put, float_kernel, binary_arrays, compute_dtype
from ._bessel import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0,
                      modified_bessel_i1, modified_bessel_k0, modified_bessel_k1,
                      scaled_modified_bessel_k0, scaled_modified_bessel_k1, spherical_bessel_j0,
                      i0e, i1, i1e)
from ._polynomials import (chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v,
                           chebyshev_polynomial_w, shifted_chebyshev_polynomial_t,
                           shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
                           shifted_chebyshev_polynomial_w, hermite_polynomial_h, hermite_polynomial_he,
                           laguerre_polynomial_l, legendre_polynomial_p)
from ._normal import erfcx, ndtr, ndtri, log_ndtr
from ._zeta import zeta as _zeta_np

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma",
           "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc",
           "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e",
           "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax",
           "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
           "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py",
           "xlogy", "zeta"]

# the same functions as ember's top-level ops
digamma = psi = _EG.digamma
erf, erfc, erfinv, polygamma = _EG.erf, _EG.erfc, _EG.erfinv, _EG.polygamma
gammaln = _EG.lgamma
i0 = _SP.i0
gammainc, gammaincc = _SP.igamma, _SP.igammac
exp2, expm1, log1p = _ops.public["exp2"], _EL.expm1, _EL.log1p
expit = _ops.public["sigmoid"]
logit, sinc, xlogy, logsumexp = (_ops.public[k] for k in ("logit", "sinc", "xlogy", "logsumexp"))


def round(input, *, decimals=0, out=None):
    """Round to the nearest integer (half to even), or to ``decimals`` decimal places.

    >>> ember.special.round(ember.tensor([0.5, 1.5, 2.567]))
    tensor([0., 2., 3.])
    """
    return _ops.public["round"](input, decimals=decimals, out=out)


def softmax(input, dim, *, dtype=None):
    """``exp(x) / sum(exp(x))`` along ``dim``.

    >>> ember.special.softmax(ember.tensor([0., 0.]), 0)
    tensor([0.5000, 0.5000])
    """
    return _ops.public["softmax"](input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """``log(softmax(x))`` along ``dim``, computed stably.

    >>> ember.special.log_softmax(ember.tensor([0., 0.]), 0)
    tensor([-0.6931, -0.6931])
    """
    return _ops.public["log_softmax"](input, dim, dtype=dtype)


def multigammaln(input, p, *, out=None):
    """The multivariate log-gamma function of dimension ``p``.

    >>> ember.special.multigammaln(ember.tensor([2.5]), 2)
    tensor([0.8570])
    """
    return put(_EG.mvlgamma(input, p), out)


# ---------------------------------------------------------------- entr, xlog1py, zeta
class Entr(Op):
    _name = "SpecialEntrBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)

        def k(v):
            with np.errstate(all="ignore"):
                r = np.where(v > 0, -v * np.log(np.where(v > 0, v, 1)), 0.0)
            return np.where(v < 0, -np.inf, np.where(np.isnan(v), v, r))
        return _flt(float_kernel(k, "entr_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * -(a.log() + 1)


def entr(input, *, out=None):
    """Elementwise entropy ``-x log(x)`` (0 at 0, -inf for negative x).

    >>> ember.special.entr(ember.tensor([0., 0.5, 1.]))
    tensor([0.0000, 0.3466, -0.0000])
    """
    _check_tensor(input, "entr")
    return put(apply_op(Entr, (input,)), out)


def _lift(x, dt):
    """A Python scalar operand as a tensor of the result dtype."""
    return x if isinstance(x, Tensor) else _wrap(np.asarray(x, dtype=dt.np))


class Xlog1py(Op):
    _name = "SpecialXlog1PyBackward0"

    @staticmethod
    def forward(ctx, a, b, npdt):
        ctx.save_for_backward(a, b)
        cd = compute_dtype(npdt)
        a, b = a.astype(cd, copy=False), b.astype(cd, copy=False)
        with np.errstate(all="ignore"):
            r = np.where((a == 0) & ~np.isnan(b), 0, a * np.log1p(b))
        return r.astype(npdt, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = apply_op(Xlog1py, (g, b), g._data.dtype).masked_fill((a == 0) & (b <= -1), 0)
        if ctx.needs_input_grad[1]:
            gb = g * a / (b + 1)
        return ga, gb


def xlog1py(input, other, *, out=None):
    """``input * log1p(other)``, with 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> ember.special.xlog1py(ember.tensor([0., 2.]), ember.tensor([-1., 1.]))
    tensor([0.0000, 1.3863])
    """
    a, b, dt = binary_arrays(input, other, "special_xlog1py")
    return put(apply_op(Xlog1py, (_lift(a, dt), _lift(b, dt)), dt.np), out)


class Zeta(Op):
    _name = "SpecialZetaBackward0"

    @staticmethod
    def forward(ctx, x, q, npdt):
        ctx.save_for_backward(x, q)
        return _zeta_np(x, q).astype(compute_dtype(npdt)).astype(npdt, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, g * -x * apply_op(Zeta, (x + 1, q), g._data.dtype)


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function ``sum_k (other + k) ** -input`` (the Riemann zeta at other = 1).

    >>> ember.special.zeta(ember.tensor([2., 4.]), 1.)
    tensor([1.6449, 1.0823])
    """
    a, b, dt = binary_arrays(input, other, "special_zeta")
    return put(apply_op(Zeta, (_lift(a, dt), _lift(b, dt)), dt.np), out)

