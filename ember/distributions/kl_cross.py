"""KL divergences between different families, registered with ``register_kl`` (imported by
``ember.distributions``). Each is ``-H(p) - E_p[log q(X)]`` with ``E_p[log q]`` in closed form
from p's moments (mean, variance, ``E[log X]``, the moment generating function), or infinite
where p's support is not inside q's.

>>> from ember.distributions import Exponential, Normal, kl_divergence
>>> kl_divergence(Exponential(ember.tensor([2.])), Normal(ember.tensor([0.5]), ember.tensor([2.])))
tensor([1.3365])
"""
import math

from . import _ember_api as ember  # not the package, which imports this one
from .bounded import Beta, ContinuousBernoulli, Uniform
from .discrete import Bernoulli, Binomial, Poisson
from .gamma import Exponential, Gamma
from .heavy_tails import Gumbel, Laplace, Pareto
from .kl import register_kl, _kl_multivariatenormal_multivariatenormal
from .multivariate_normal import LowRankMultivariateNormal, MultivariateNormal
from .normal import Normal
from .utils import euler_constant

__all__ = []


def _inf_like(p):
    """A tensor of +inf over p's batch shape."""
    ref = p.mean if not isinstance(p, Bernoulli) else p.probs
    return ember.full_like(ref, math.inf)


def _kl_infinity(p, q):
    return _inf_like(p)


_INFINITE = [(Bernoulli, Poisson), (Beta, Pareto), (ContinuousBernoulli, Pareto), (Poisson, Bernoulli),
             (Poisson, Binomial)]
_INFINITE += [(p, q) for p in (Exponential, Gamma) for q in (Beta, ContinuousBernoulli, Pareto, Uniform)]
_INFINITE += [(p, q) for p in (Gumbel, Laplace, Normal)
              for q in (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform) if (p, q) != (Gumbel, Gumbel)]
_INFINITE += [(Pareto, q) for q in (Beta, ContinuousBernoulli, Uniform)]
for _p, _q in _INFINITE:
    register_kl(_p, _q)(_kl_infinity)


def _mean_log(p):
    """``E_p[log X]`` for the positive-support families used below."""
    if isinstance(p, Beta):
        return ember.digamma(p.concentration1) - ember.digamma(p.concentration1 + p.concentration0)
    if isinstance(p, Exponential):
        return -ember.log(p.rate) - euler_constant
    if isinstance(p, Pareto):
        return ember.log(p.scale) + p.alpha.reciprocal()
    if isinstance(p, Uniform):
        return (ember.xlogy(p.high, p.high) - ember.xlogy(p.low, p.low)) / (p.high - p.low) - 1
    raise NotImplementedError(type(p).__name__)


def _second_moment_about(p, loc):
    return p.variance + (p.mean - loc).pow(2)


def _kl_to_normal(p, q):
    e_log_q = (-ember.log(q.scale) - 0.5 * math.log(2 * math.pi)
               - _second_moment_about(p, q.loc) / (2 * q.scale.pow(2)))
    return -p.entropy() - e_log_q


for _p in (Beta, ContinuousBernoulli, Exponential, Gamma, Gumbel, Laplace, Pareto):
    register_kl(_p, Normal)(_kl_to_normal)


def _outside(p, lower=None, upper=None):
    """Where a Uniform p reaches outside ``[lower, upper]`` (False for other families)."""
    if not isinstance(p, Uniform):
        return None
    mask = ember.zeros_like(p.low, dtype=ember.bool)
    if lower is not None:
        mask = mask | (p.low < lower)
    if upper is not None:
        mask = mask | (p.high > upper)
    return mask


def _finish(result, mask):
    return result if mask is None else ember.where(mask, math.inf, result)


def _kl_to_exponential(p, q):
    e_log_q = ember.log(q.rate) - q.rate * p.mean
    return _finish(-p.entropy() - e_log_q, _outside(p, lower=0))


for _p in (Beta, ContinuousBernoulli, Gamma, Pareto, Uniform):
    register_kl(_p, Exponential)(_kl_to_exponential)


def _gamma_mean_log(p):
    return ember.digamma(p.concentration) - ember.log(p.rate)


def _kl_to_gamma(p, q):
    mean_log = _gamma_mean_log(p) if isinstance(p, Gamma) else _mean_log(p)
    k, r = q.concentration, q.rate
    e_log_q = k * ember.log(r) - ember.lgamma(k) + (k - 1) * mean_log - r * p.mean
    return _finish(-p.entropy() - e_log_q, _outside(p, lower=0))


for _p in (Beta, Pareto, Uniform):
    register_kl(_p, Gamma)(_kl_to_gamma)


def _kl_to_gumbel(p, q):
    t = q.scale.reciprocal()
    if isinstance(p, Exponential):
        log_mgf = ember.log(p.rate / (p.rate + t))
    elif isinstance(p, Gamma):
        log_mgf = p.concentration * ember.log(p.rate / (p.rate + t))
    elif isinstance(p, Normal):
        log_mgf = -p.loc * t + 0.5 * (p.scale * t).pow(2)
    else:  # Uniform
        log_mgf = (ember.log(ember.exp(-p.low * t) - ember.exp(-p.high * t))
                   - ember.log(t * (p.high - p.low)))
    e_log_q = -ember.log(q.scale) - (p.mean - q.loc) * t - ember.exp(q.loc * t + log_mgf)
    return -p.entropy() - e_log_q


for _p in (Exponential, Gamma, Normal, Uniform):
    register_kl(_p, Gumbel)(_kl_to_gumbel)


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    a, b = q.concentration1, q.concentration0
    flipped = Uniform(1 - p.high, 1 - p.low, validate_args=False)
    lbeta = ember.lgamma(a) + ember.lgamma(b) - ember.lgamma(a + b)
    e_log_q = (a - 1) * _mean_log(p) + (b - 1) * _mean_log(flipped) - lbeta
    return _finish(-p.entropy() - e_log_q, _outside(p, 0, 1))


def _kl_to_continuous_bernoulli(p, q):
    e_log_q = (p.mean * (ember.log(q.probs) - ember.log1p(-q.probs)) + ember.log1p(-q.probs)
               + q._cont_bern_log_norm())
    result = -p.entropy() - e_log_q
    if isinstance(p, Uniform):  # PyTorch counts a Uniform touching 0 or 1 as outside the support
        return ember.where((p.low <= 0) | (p.high >= 1), math.inf, result)
    return result


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p, q):
    result = -p.entropy() + ember.log(q.high - q.low)
    # as PyTorch: infinite unless the Uniform reaches strictly past both ends of [0, 1]
    return ember.where((q.low >= 0) | (q.high <= 1), math.inf, result)


for _p in (Beta, Uniform):
    register_kl(_p, ContinuousBernoulli)(_kl_to_continuous_bernoulli)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    e_log_q = ember.log(q.alpha) + q.alpha * ember.log(q.scale) - (q.alpha + 1) * _mean_log(p)
    return _finish(-p.entropy() - e_log_q, _outside(p, lower=q.scale))


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * ember.log(q.rate) - q.rate)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
@register_kl(LowRankMultivariateNormal, MultivariateNormal)
@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_gaussian_lowrank(p, q):
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise ValueError("KL-divergence between two (Low Rank) Multivariate Normals with different event "
                         "shapes cannot be computed")
    as_mvn = [MultivariateNormal(d.loc, scale_tril=d.scale_tril, validate_args=False) for d in (p, q)]
    return _kl_multivariatenormal_multivariatenormal(*as_mvn)
