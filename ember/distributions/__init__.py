"""Probability distributions, as ``torch.distributions``: parameterizable distributions with
sampling (``rsample`` reparameterized where possible), ``log_prob``, moments and entropy,
the ``constraints`` and ``transforms`` that go with them, and ``kl_divergence``.

Sampling draws from ember's generator (``ember.manual_seed``): reproducible, but not the
numbers PyTorch draws.

>>> from ember.distributions import Normal, kl_divergence
>>> p, q = Normal(0., 1.), Normal(1., 1.)
>>> kl_divergence(p, q)
tensor(0.5000)
"""
from . import constraints, transforms
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .independent import Independent
from .transformed_distribution import TransformedDistribution
from .normal import Normal, LogNormal, HalfNormal, LogisticNormal
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _transform_names
from .bounded import Uniform, Beta, Dirichlet, Kumaraswamy, ContinuousBernoulli
from .gamma import Gamma, Chi2, Exponential, InverseGamma, Weibull
from .heavy_tails import (Cauchy, HalfCauchy, Laplace, StudentT, Gumbel, Pareto, GeneralizedPareto,
                          FisherSnedecor)
from .discrete import Bernoulli, Geometric, Binomial, NegativeBinomial, Poisson
from .categorical import Categorical, OneHotCategorical, OneHotCategoricalStraightThrough, Multinomial
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical
from .multivariate_normal import MultivariateNormal, LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .constraint_registry import biject_to, transform_to
from .kl import kl_divergence, register_kl

__all__ = ["Distribution", "ExponentialFamily", "Independent", "TransformedDistribution", "Normal",
           "LogNormal", "HalfNormal", "LogisticNormal", "Uniform", "Beta", "Dirichlet", "Kumaraswamy",
           "ContinuousBernoulli", "Gamma", "Chi2", "Exponential", "InverseGamma", "Weibull", "Cauchy",
           "HalfCauchy", "Laplace", "StudentT", "Gumbel", "Pareto", "GeneralizedPareto", "FisherSnedecor",
           "Bernoulli", "Geometric", "Binomial", "NegativeBinomial", "Poisson", "Categorical",
           "OneHotCategorical", "OneHotCategoricalStraightThrough", "Multinomial", "RelaxedBernoulli",
           "RelaxedOneHotCategorical", "MultivariateNormal", "LowRankMultivariateNormal",
           "MixtureSameFamily", "biject_to", "transform_to", "kl_divergence", "register_kl",
           "constraints", "transforms"] + list(_transform_names)
from .von_mises import VonMises
from .wishart import Wishart
from .lkj_cholesky import LKJCholesky

__all__ += ["VonMises", "Wishart", "LKJCholesky"]
