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
from . import kl_cross as _kl_cross  # noqa: F401 (registers the cross-family pairs)

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

# PyTorch keeps one module per distribution (``torch.distributions.bernoulli``); ember groups
# them by family. These names make ``torch.distributions.<module>.<Class>`` resolve as in torch.
from . import discrete as bernoulli, discrete as binomial, discrete as geometric  # noqa: E402
from . import discrete as negative_binomial, discrete as poisson  # noqa: E402
from . import bounded as beta, bounded as uniform, bounded as dirichlet  # noqa: E402
from . import bounded as kumaraswamy, bounded as continuous_bernoulli  # noqa: E402
from . import heavy_tails as cauchy, heavy_tails as half_cauchy, heavy_tails as laplace  # noqa: E402
from . import heavy_tails as studentT, heavy_tails as gumbel, heavy_tails as pareto  # noqa: E402
from . import heavy_tails as generalized_pareto, heavy_tails as fishersnedecor  # noqa: E402
from . import gamma as chi2, gamma as exponential, gamma as inverse_gamma, gamma as weibull  # noqa: E402
from . import normal as log_normal, normal as half_normal, normal as logistic_normal  # noqa: E402
from . import categorical as one_hot_categorical, categorical as multinomial  # noqa: E402
from . import relaxed as relaxed_bernoulli, relaxed as relaxed_categorical  # noqa: E402
from . import multivariate_normal as lowrank_multivariate_normal  # noqa: E402
