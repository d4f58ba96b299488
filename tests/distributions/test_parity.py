"""Each distribution against torch.distributions on the same float64 parameters and values:
log_prob, cdf, icdf, entropy, mean, mode, variance, stddev, their gradients w.r.t. the
parameters, and NotImplementedError where torch raises it."""
import math

import numpy as np
import pytest

import ember
from _dist_parity import make_params, compare

torch = pytest.importorskip("torch")

POS = [0.5, 1.3, 2.7]
REAL = [-1.2, 0.3, 2.0]
UNIT = [0.2, 0.5, 0.9]
PROBS2 = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]
LOGITS2 = [[0.1, -1.0, 2.0], [0.0, 0.5, -0.3]]

# name, constructor args (keyword names as torch), values for log_prob / cdf
CASES = [
    ("Normal", dict(loc=REAL, scale=POS), [0.1, -2.0, 3.0]),
    ("LogNormal", dict(loc=REAL, scale=POS), [0.4, 1.0, 5.0]),
    ("HalfNormal", dict(scale=POS), [0.4, 1.0, 5.0]),
    ("Uniform", dict(low=REAL, high=[0.0, 1.0, 4.0]), [-1.0, 0.5, 3.0]),
    ("Exponential", dict(rate=POS), [0.4, 1.0, 5.0]),
    ("Laplace", dict(loc=REAL, scale=POS), [0.1, -2.0, 3.0]),
    ("Cauchy", dict(loc=REAL, scale=POS), [0.1, -2.0, 3.0]),
    ("HalfCauchy", dict(scale=POS), [0.4, 1.0, 5.0]),
    ("Gumbel", dict(loc=REAL, scale=POS), [0.1, -2.0, 3.0]),
    ("StudentT", dict(df=[0.8, 1.5, 4.0], loc=REAL, scale=POS), [0.1, -2.0, 3.0]),
    ("Gamma", dict(concentration=POS, rate=[1.0, 0.5, 3.0]), [0.4, 1.0, 5.0]),
    ("Chi2", dict(df=[1.0, 2.5, 6.0]), [0.4, 1.0, 5.0]),
    ("InverseGamma", dict(concentration=[0.5, 1.5, 3.0], rate=[1.0, 0.5, 3.0]), [0.4, 1.0, 5.0]),
    ("Weibull", dict(scale=POS, concentration=[0.7, 1.0, 2.5]), [0.4, 1.0, 5.0]),
    ("Pareto", dict(scale=[0.3, 1.0, 2.0], alpha=[0.8, 1.5, 3.0]), [0.4, 1.5, 5.0]),
    # float32: torch's GeneralizedPareto compares float64 parameters with a float32 zero and raises
    ("GeneralizedPareto", dict(loc=np.float32([0.0, 1.0, -1.0]), scale=np.float32(POS),
                               concentration=np.float32([0.3, -0.2, 0.8])), np.float32([0.4, 1.5, 1.0])),
    ("FisherSnedecor", dict(df1=[1.5, 3.0, 6.0], df2=[2.5, 5.0, 9.0]), [0.4, 1.0, 5.0]),
    ("Beta", dict(concentration1=POS, concentration0=[2.0, 0.7, 1.0]), [0.2, 0.5, 0.9]),
    ("Kumaraswamy", dict(concentration1=[0.5, 1.5, 2.5], concentration0=[2.0, 0.7, 3.0]), [0.2, 0.5, 0.9]),
    ("ContinuousBernoulli", dict(probs=[0.2, 0.5, 0.9]), [0.2, 0.5, 0.9]),
    ("ContinuousBernoulli", dict(logits=REAL), [0.2, 0.5, 0.9]),
    ("Dirichlet", dict(concentration=[[0.5, 1.0, 2.0], [3.0, 1.5, 0.8]]), [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
    ("Bernoulli", dict(probs=UNIT), [0.0, 1.0, 1.0]),
    ("Bernoulli", dict(logits=REAL), [0.0, 1.0, 0.0]),
    ("Geometric", dict(probs=UNIT), [0.0, 3.0, 1.0]),
    ("Geometric", dict(logits=REAL), [0.0, 3.0, 1.0]),
    ("Binomial", dict(total_count=5, probs=UNIT), [0.0, 3.0, 5.0]),
    ("Binomial", dict(total_count=[3.0, 5.0, 8.0], logits=REAL), [0.0, 3.0, 5.0]),
    ("NegativeBinomial", dict(total_count=[1.0, 2.5, 4.0], probs=UNIT), [0.0, 3.0, 5.0]),
    ("NegativeBinomial", dict(total_count=[1.0, 2.5, 4.0], logits=REAL), [0.0, 3.0, 5.0]),
    ("Poisson", dict(rate=POS), [0.0, 3.0, 5.0]),
    ("Categorical", dict(probs=PROBS2), [[0, 2], [1, 1]]),
    ("Categorical", dict(logits=LOGITS2), [[0, 2], [1, 1]]),
    ("OneHotCategorical", dict(probs=PROBS2), [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
    ("OneHotCategorical", dict(logits=LOGITS2), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]),
    ("Multinomial", dict(total_count=4, probs=PROBS2), [[1.0, 1.0, 2.0], [0.0, 4.0, 0.0]]),
    ("Multinomial", dict(total_count=3, logits=LOGITS2), [[1.0, 1.0, 1.0], [0.0, 3.0, 0.0]]),
    ("RelaxedBernoulli", dict(temperature=[0.5], probs=UNIT), [0.2, 0.5, 0.9]),
    ("RelaxedOneHotCategorical", dict(temperature=[0.7], logits=LOGITS2), [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
    ("LogisticNormal", dict(loc=[[0.1, -0.5], [1.0, 0.2]], scale=[[1.0, 0.5], [2.0, 1.0]]),
     [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
    ("MultivariateNormal", dict(loc=[[0.1, -0.5], [1.0, 0.2]], covariance_matrix=[[2.0, 0.3], [0.3, 1.0]]),
     [[0.2, 0.3], [-1.0, 2.0]]),
    ("MultivariateNormal", dict(loc=[0.1, -0.5], precision_matrix=[[2.0, 0.3], [0.3, 1.0]]),
     [[0.2, 0.3], [-1.0, 2.0]]),
    ("MultivariateNormal", dict(loc=[0.1, -0.5], scale_tril=[[[1.5, 0.0], [0.3, 0.7]], [[1.0, 0.0], [-0.4, 2.0]]]),
     [[0.2, 0.3], [-1.0, 2.0]]),
    ("VonMises", dict(loc=REAL, concentration=[0.5, 2.0, 80.0]), [0.3, -2.0, 3.0]),
    ("Wishart", dict(df=[4.0, 5.0], covariance_matrix=[[2.0, 0.3], [0.3, 1.0]]),
     [[[1.0, 0.2], [0.2, 3.0]], [[0.5, -0.1], [-0.1, 0.4]]]),
    ("Wishart", dict(df=[2.5], precision_matrix=[[2.0, 0.3], [0.3, 1.0]]), [[1.0, 0.2], [0.2, 3.0]]),
    ("Wishart", dict(df=[3.5, 2.0], scale_tril=[[1.5, 0.0], [0.3, 0.7]]), [[1.0, 0.2], [0.2, 3.0]]),
    ("LKJCholesky", dict(dim=3, concentration=[0.5, 2.0]),
     [[1.0, 0.0, 0.0], [0.3, 0.9539392014169456, 0.0], [0.1, -0.24109400, 0.96531592]]),
    ("LowRankMultivariateNormal", dict(loc=[[0.1, -0.5], [1.0, 0.2]], cov_factor=[[0.5], [-1.0]],
                                       cov_diag=[0.7, 1.2]), [[0.2, 0.3], [-1.0, 2.0]]),
]

METHODS = ["log_prob", "cdf", "icdf", "entropy", "mean", "mode", "variance", "stddev", "perplexity"]


def _call(d, m, value, qs):
    if m in ("log_prob", "cdf"):
        return getattr(d, m)(value)
    if m == "icdf":
        return d.icdf(qs)
    if m in ("entropy", "perplexity"):
        return getattr(d, m)()
    return getattr(d, m)


@pytest.mark.parametrize("name,params,values", CASES, ids=[f"{c[0]}-{'-'.join(c[1])}" for c in CASES])
def test_methods_match_torch(name, params, values):
    ep, tp = make_params(torch, params)
    ed = getattr(ember.distributions, name)(**ep)
    td = getattr(torch.distributions, name)(**tp)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape)
    assert tuple(ed.event_shape) == tuple(td.event_shape)
    assert ed.has_rsample == td.has_rsample
    assert ed.has_enumerate_support == td.has_enumerate_support
    assert repr(ed.support) == repr(td.support) or name in ("Uniform", "Pareto", "GeneralizedPareto", "Binomial")
    f32 = isinstance(values, np.ndarray) and values.dtype == np.float32
    vals = np.asarray(values, dtype=np.int64 if name == "Categorical" else np.float32 if f32 else np.float64)
    ev, tv = ember.tensor(vals), torch.tensor(vals)
    qs = np.array([0.1, 0.5, 0.8], dtype=vals.dtype if f32 else np.float64)
    eq, tq = ember.tensor(qs, requires_grad=False), torch.tensor(qs)
    for m in METHODS:
        try:
            t_out = _call(td, m, tv, tq)
        except (NotImplementedError, ValueError) as exc:
            with pytest.raises(type(exc)):
                _call(ed, m, ev, eq)
            continue
        e_out = _call(ed, m, ev, eq)
        # torch's log-Bessel functions (VonMises) are polynomial fits good to ~1e-7; ember's to ~1e-15
        loose = f32 or name == "VonMises"
        compare(torch, e_out, t_out, ep, tp, f"{name}.{m}", rtol=(2e-4 if name == "VonMises" else 2e-5) if loose else 1e-6, atol=2e-6 if loose else 1e-8)


@pytest.mark.parametrize("name,params,values", CASES[:20], ids=[c[0] for c in CASES[:20]])
def test_expand_matches_torch(name, params, values):
    ep, tp = make_params(torch, params)
    ed = getattr(ember.distributions, name)(**ep).expand((4, 3))
    td = getattr(torch.distributions, name)(**tp).expand((4, 3))
    assert tuple(ed.batch_shape) == tuple(td.batch_shape) == (4, 3)
    v = np.asarray(values, dtype=getattr(values, "dtype", np.float64))
    compare(torch, ed.log_prob(ember.tensor(v)), td.log_prob(torch.tensor(v)), ep, tp, f"{name}.expand.log_prob",
            rtol=2e-5, atol=1e-6)
    assert type(ed) is getattr(ember.distributions, name)


@pytest.mark.parametrize("name,params", [
    ("Bernoulli", dict(probs=UNIT)), ("Binomial", dict(total_count=4, probs=UNIT)),
    ("Categorical", dict(probs=PROBS2)), ("OneHotCategorical", dict(logits=LOGITS2))])
def test_enumerate_support(name, params):
    ep, tp = make_params(torch, params)
    ed = getattr(ember.distributions, name)(**ep)
    td = getattr(torch.distributions, name)(**tp)
    for expand in (True, False):
        a, b = ed.enumerate_support(expand), td.enumerate_support(expand)
        assert a.dtype.is_floating_point == b.dtype.is_floating_point
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("name,params", [
    ("Bernoulli", dict(probs=UNIT)), ("Bernoulli", dict(logits=REAL)), ("Categorical", dict(probs=PROBS2)),
    ("Categorical", dict(logits=LOGITS2)), ("Geometric", dict(probs=UNIT)),
    ("Binomial", dict(total_count=4, logits=REAL))])
def test_probs_logits_duality(name, params):
    ep, tp = make_params(torch, params)
    ed = getattr(ember.distributions, name)(**ep)
    td = getattr(torch.distributions, name)(**tp)
    for attr in ("probs", "logits"):
        compare(torch, getattr(ed, attr), getattr(td, attr), ep, tp, f"{name}.{attr}")


def test_float32_stays_float32():
    d = ember.distributions.Normal(ember.zeros(3), ember.ones(3))
    assert d.log_prob(ember.zeros(3)).dtype == ember.float32
    assert d.sample().dtype == ember.float32
    g = ember.distributions.Gamma(ember.ones(2), ember.ones(2))
    assert g.rsample().dtype == ember.float32
    assert ember.distributions.Normal(0.0, 1.0).sample().dtype == ember.float32


def test_mixture_same_family():
    mix = [[0.3, 0.7], [0.5, 0.5]]
    loc = [[-1.0, 1.0], [0.0, 2.0]]
    scale = [[0.5, 1.5], [1.0, 0.3]]
    ep, tp = make_params(torch, dict(mix=mix, loc=loc, scale=scale))
    ed = ember.distributions.MixtureSameFamily(ember.distributions.Categorical(ep["mix"]),
                                               ember.distributions.Normal(ep["loc"], ep["scale"]))
    td = torch.distributions.MixtureSameFamily(torch.distributions.Categorical(tp["mix"]),
                                               torch.distributions.Normal(tp["loc"], tp["scale"]))
    v = np.array([[0.3, -1.0], [2.0, 0.5]])
    compare(torch, ed.log_prob(ember.tensor(v)), td.log_prob(torch.tensor(v)), ep, tp, "mix.log_prob")
    compare(torch, ed.cdf(ember.tensor(v)), td.cdf(torch.tensor(v)), ep, tp, "mix.cdf")
    compare(torch, ed.mean, td.mean, ep, tp, "mix.mean")
    compare(torch, ed.variance, td.variance, ep, tp, "mix.variance")
    assert ed.sample((5,)).shape == td.sample((5,)).shape


def test_independent_and_transformed():
    ep, tp = make_params(torch, dict(loc=[[0.1, 0.2], [0.3, -1.0]], scale=[[1.0, 2.0], [0.5, 1.5]]))
    ed = ember.distributions.Independent(ember.distributions.Normal(ep["loc"], ep["scale"]), 1)
    td = torch.distributions.Independent(torch.distributions.Normal(tp["loc"], tp["scale"]), 1)
    assert (tuple(ed.batch_shape), tuple(ed.event_shape)) == (tuple(td.batch_shape), tuple(td.event_shape))
    v = np.array([[0.5, -0.5], [1.0, 2.0]])
    compare(torch, ed.log_prob(ember.tensor(v)), td.log_prob(torch.tensor(v)), ep, tp, "ind.log_prob")
    compare(torch, ed.entropy(), td.entropy(), ep, tp, "ind.entropy")
    assert repr(ed) == repr(td).replace("torch.Size", "torch.Size")
    eT = ember.distributions.transforms
    tT = torch.distributions.transforms
    ed2 = ember.distributions.TransformedDistribution(ed, [eT.AffineTransform(1.0, 2.0), eT.SigmoidTransform()])
    td2 = torch.distributions.TransformedDistribution(td, [tT.AffineTransform(1.0, 2.0), tT.SigmoidTransform()])
    v = np.array([[0.5, 0.2], [0.9, 0.7]])
    compare(torch, ed2.log_prob(ember.tensor(v)), td2.log_prob(torch.tensor(v)), ep, tp, "td.log_prob")
    ed3 = ember.distributions.TransformedDistribution(ember.distributions.Normal(ep["loc"], ep["scale"]),
                                                      eT.AffineTransform(0.5, -2.0))
    td3 = torch.distributions.TransformedDistribution(torch.distributions.Normal(tp["loc"], tp["scale"]),
                                                      tT.AffineTransform(0.5, -2.0))
    compare(torch, ed3.cdf(ember.tensor(v)), td3.cdf(torch.tensor(v)), ep, tp, "td.cdf")
    q = np.array([0.2, 0.7])
    compare(torch, ed3.icdf(ember.tensor(q)), td3.icdf(torch.tensor(q)), ep, tp, "td.icdf")
