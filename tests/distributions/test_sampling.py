"""Sampling: shapes for batch/sample shapes, seeded reproducibility, sample mean/variance of
20k draws against the distribution's own (torch-checked) moments, and reparameterized
gradients (rsample) against the analytic derivative of an expectation."""
import math

import numpy as np
import pytest

import ember
import ember.distributions as D

N = 20000


def _t(*v):
    return ember.tensor(list(v), dtype=ember.float64)


MOMENT_CASES = [
    ("Normal", lambda: D.Normal(_t(-1.0, 2.0), _t(0.5, 3.0))),
    ("LogNormal", lambda: D.LogNormal(_t(0.0, 0.5), _t(0.3, 0.5))),
    ("HalfNormal", lambda: D.HalfNormal(_t(1.0, 2.0))),
    ("Uniform", lambda: D.Uniform(_t(-1.0, 2.0), _t(1.0, 5.0))),
    ("Exponential", lambda: D.Exponential(_t(0.5, 3.0))),
    ("Laplace", lambda: D.Laplace(_t(-1.0, 2.0), _t(0.5, 2.0))),
    ("Gumbel", lambda: D.Gumbel(_t(-1.0, 2.0), _t(0.5, 2.0))),
    ("StudentT", lambda: D.StudentT(_t(6.0, 10.0), _t(0.0, 1.0), _t(1.0, 2.0))),
    ("Gamma", lambda: D.Gamma(_t(0.5, 4.0), _t(1.0, 2.0))),
    ("Chi2", lambda: D.Chi2(_t(1.0, 5.0))),
    ("InverseGamma", lambda: D.InverseGamma(_t(5.0, 8.0), _t(1.0, 2.0))),
    ("Weibull", lambda: D.Weibull(_t(1.0, 2.0), _t(1.5, 3.0))),
    ("Pareto", lambda: D.Pareto(_t(1.0, 2.0), _t(5.0, 6.0))),
    ("GeneralizedPareto", lambda: D.GeneralizedPareto(_t(0.0, 1.0), _t(1.0, 2.0), _t(0.1, -0.3))),
    ("FisherSnedecor", lambda: D.FisherSnedecor(_t(5.0, 10.0), _t(12.0, 20.0))),
    ("Beta", lambda: D.Beta(_t(0.5, 2.0), _t(2.0, 3.0))),
    ("Kumaraswamy", lambda: D.Kumaraswamy(_t(2.0, 3.0), _t(2.0, 1.5))),
    ("ContinuousBernoulli", lambda: D.ContinuousBernoulli(_t(0.2, 0.8))),
    ("Dirichlet", lambda: D.Dirichlet(ember.tensor([[0.5, 1.0, 2.0]], dtype=ember.float64))),
    ("Bernoulli", lambda: D.Bernoulli(_t(0.2, 0.7))),
    ("Geometric", lambda: D.Geometric(_t(0.3, 0.7))),
    ("Binomial", lambda: D.Binomial(_t(5.0, 10.0), _t(0.3, 0.6))),
    ("NegativeBinomial", lambda: D.NegativeBinomial(_t(3.0, 5.0), _t(0.3, 0.6))),
    ("Poisson", lambda: D.Poisson(_t(0.5, 4.0))),
    ("OneHotCategorical", lambda: D.OneHotCategorical(ember.tensor([0.2, 0.3, 0.5], dtype=ember.float64))),
    ("Multinomial", lambda: D.Multinomial(5, ember.tensor([0.2, 0.3, 0.5], dtype=ember.float64))),
    ("MultivariateNormal", lambda: D.MultivariateNormal(
        _t(1.0, -1.0), ember.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=ember.float64))),
    ("LowRankMultivariateNormal", lambda: D.LowRankMultivariateNormal(
        _t(1.0, -1.0), ember.tensor([[0.5], [1.0]], dtype=ember.float64), _t(0.5, 1.0))),
    ("Wishart", lambda: D.Wishart(_t(6.0), covariance_matrix=ember.tensor([[2.0, 0.3], [0.3, 1.0]],
                                                                          dtype=ember.float64))),
    ("MixtureSameFamily", lambda: D.MixtureSameFamily(D.Categorical(_t(0.3, 0.7)), D.Normal(_t(-1.0, 2.0), _t(1.0, 0.5)))),
]


@pytest.mark.parametrize("name,make", MOMENT_CASES, ids=[c[0] for c in MOMENT_CASES])
def test_sample_moments(name, make):
    ember.manual_seed(0)
    d = make()
    x = d.sample((N,))
    assert tuple(x.shape) == (N,) + tuple(d.batch_shape) + tuple(d.event_shape)
    a = x.numpy().astype(np.float64)
    mean, var = d.mean.detach().numpy(), d.variance.detach().numpy()
    sd = np.sqrt(var)
    # 6 standard errors of the mean; the variance within 12% plus 6 s.e. for heavy tails
    np.testing.assert_array_less(np.abs(a.mean(0) - mean), 6 * sd / math.sqrt(N) + 1e-12)
    np.testing.assert_allclose(a.var(0), var, rtol=0.12, atol=1e-9)
    assert bool(d.support.check(x).all()) or name in ("Uniform",)


@pytest.mark.parametrize("name,make", [
    ("Normal", lambda: D.Normal(ember.zeros(3), 1.0)),
    ("Gamma", lambda: D.Gamma(ember.ones(3), 1.0)),
    ("Beta", lambda: D.Beta(ember.ones(3), ember.ones(3))),
    ("Categorical", lambda: D.Categorical(ember.ones(3, 4))),
    ("OneHotCategorical", lambda: D.OneHotCategorical(ember.ones(3, 4))),
    ("Dirichlet", lambda: D.Dirichlet(ember.ones(3, 4))),
    ("MultivariateNormal", lambda: D.MultivariateNormal(ember.zeros(3, 2), ember.eye(2))),
    ("RelaxedBernoulli", lambda: D.RelaxedBernoulli(ember.tensor(0.5), probs=ember.full((3,), 0.3))),
    ("RelaxedOneHotCategorical", lambda: D.RelaxedOneHotCategorical(ember.tensor(0.5), logits=ember.zeros(3, 4))),
    ("Independent", lambda: D.Independent(D.Normal(ember.zeros(3, 2), 1.0), 1)),
    ("Cauchy", lambda: D.Cauchy(ember.zeros(3), 1.0)),
    ("HalfCauchy", lambda: D.HalfCauchy(ember.ones(3))),
    ("LogisticNormal", lambda: D.LogisticNormal(ember.zeros(3, 2), ember.ones(3, 2))),
    ("OneHotCategoricalStraightThrough", lambda: D.OneHotCategoricalStraightThrough(ember.ones(3, 4))),
])
def test_sample_shapes(name, make):
    torch = pytest.importorskip("torch")
    d = make()
    for shape in [(), (5,), (2, 4)]:
        s = d.sample(shape)
        assert tuple(s.shape) == shape + tuple(d.batch_shape) + tuple(d.event_shape)
        if d.has_rsample:
            assert tuple(d.rsample(shape).shape) == tuple(s.shape)
    td = getattr(torch.distributions, name, None)
    if name == "Categorical":
        assert d.sample().dtype == ember.int64
    assert (tuple(d.batch_shape), tuple(d.event_shape)) == {
        "Independent": ((3,), (2,)), "Dirichlet": ((3,), (4,)), "Categorical": ((3,), ()),
        "OneHotCategorical": ((3,), (4,)), "MultivariateNormal": ((3,), (2,)),
        "RelaxedOneHotCategorical": ((3,), (4,)), "LogisticNormal": ((3,), (3,)),
        "OneHotCategoricalStraightThrough": ((3,), (4,))}.get(name, ((3,), ()))
    assert td is not None


def test_von_mises_and_lkj_samples():
    ember.manual_seed(0)
    d = D.VonMises(_t(0.5, -2.5), _t(4.0, 0.5))
    x = d.sample((N,)).numpy()
    assert x.min() >= -np.pi and x.max() < np.pi
    # circular mean direction and 1 - mean resultant length (the circular variance)
    ang = np.angle(np.exp(1j * x).mean(0))
    np.testing.assert_allclose(ang, [0.5, -2.5], atol=0.05)
    np.testing.assert_allclose(1 - np.abs(np.exp(1j * x).mean(0)), d.variance.numpy(), atol=0.02)
    lkj = D.LKJCholesky(3, _t(0.5, 3.0))
    L = lkj.sample((2000,))
    assert bool(D.constraints.corr_cholesky.check(L).all())
    # E[corr_ij] = 0 and Var[corr_ij] = 1 / (2 eta + d - 1) for the LKJ marginals
    corr = (L @ L.mT)[..., 1, 0].numpy()
    np.testing.assert_allclose(corr.var(0), 1 / (2 * np.array([0.5, 3.0]) + 2), rtol=0.15)


def test_seeded_samples_reproduce():
    d = D.Gamma(ember.tensor([0.5, 2.0]), 1.0)
    ember.manual_seed(3)
    a = d.sample((4,))
    ember.manual_seed(3)
    assert bool((a == d.sample((4,))).all())


def _expectation_grad(make, param, f, n=N):
    """Monte-Carlo d/dparam E[f(X)] through rsample."""
    ember.manual_seed(1)
    p = ember.tensor(param, dtype=ember.float64, requires_grad=True)
    x = make(p).rsample((n,))
    f(x).mean(0).sum().backward()
    return p.grad.numpy()


@pytest.mark.parametrize("name,make,param,f,exact", [
    # d/dmu E[X^2] = 2 mu for Normal(mu, 1)
    ("Normal-loc", lambda p: D.Normal(p, 1.0), [0.5, -1.0], lambda x: x ** 2, lambda p: 2 * p),
    # d/dsigma E[X^2] = 2 sigma
    ("Normal-scale", lambda p: D.Normal(0.0, p), [0.5, 2.0], lambda x: x ** 2, lambda p: 2 * p),
    # Uniform(0, b): E[X] = b / 2
    ("Uniform", lambda p: D.Uniform(ember.zeros(2, dtype=ember.float64), p), [1.0, 3.0], lambda x: x,
     lambda p: 0.5 + 0 * p),
    # Exponential(rate): E[X] = 1 / rate
    ("Exponential", lambda p: D.Exponential(p), [0.5, 2.0], lambda x: x, lambda p: -1 / p ** 2),
    # Laplace(mu, b): E[|X - mu|] = b
    ("Laplace", lambda p: D.Laplace(0.0, p), [0.5, 2.0], lambda x: x.abs(), lambda p: 1 + 0 * p),
    # Gumbel(mu, 1): E[X] = mu + gamma
    ("Gumbel", lambda p: D.Gumbel(p, 1.0), [0.5, 2.0], lambda x: x, lambda p: 1 + 0 * p),
    # LogNormal(mu, 0.5): E[X] = exp(mu + 1/8)
    ("LogNormal", lambda p: D.LogNormal(p, 0.5), [0.0, 0.5], lambda x: x, lambda p: np.exp(p + 0.125)),
    # Gamma(a, 1): E[X] = a (implicit reparameterization)
    ("Gamma", lambda p: D.Gamma(p, 1.0), [0.5, 3.0], lambda x: x, lambda p: 1 + 0 * p),
    # Gamma(a, 1): E[X^2] = a (a + 1)
    ("Gamma-sq", lambda p: D.Gamma(p, 1.0), [0.7, 2.0], lambda x: x ** 2, lambda p: 2 * p + 1),
    # Beta(a, 2): E[X] = a / (a + 2)
    ("Beta", lambda p: D.Beta(p, ember.full((2,), 2.0, dtype=ember.float64)), [0.5, 3.0], lambda x: x,
     lambda p: 2 / (p + 2) ** 2),
    # Cauchy(mu, 1): E[atan(X - 0)] has d/dmu at 0 of 1/2 (mean of 1/(1+x^2) under Cauchy(0,1)) -> use mu=0
    ("Cauchy", lambda p: D.Cauchy(p, 1.0), [0.0, 0.0], lambda x: ember.atan(x), lambda p: 0.5 + 0 * p),
])
def test_rsample_gradients(name, make, param, f, exact):
    g = _expectation_grad(make, param, f)
    np.testing.assert_allclose(g, exact(np.asarray(param)), rtol=0.08, atol=0.03)


def test_rsample_mvn_and_relaxed_carry_gradients():
    loc = ember.zeros(2, requires_grad=True)
    L = ember.tensor([[1.0, 0.0], [0.5, 1.0]], requires_grad=True)
    D.MultivariateNormal(loc, scale_tril=L).rsample((3,)).sum().backward()
    assert loc.grad is not None and L.grad is not None
    p = ember.tensor([0.3, 0.6], requires_grad=True)
    D.RelaxedBernoulli(ember.tensor(0.5), probs=p).rsample().sum().backward()
    assert p.grad is not None and bool((p.grad != 0).all())
    lg = ember.zeros(3, requires_grad=True)
    (D.RelaxedOneHotCategorical(ember.tensor(0.5), logits=lg).rsample() * ember.tensor([1., 2., 3.])).sum().backward()
    assert lg.grad is not None and bool((lg.grad != 0).any())
    c = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (D.Dirichlet(c).rsample() * ember.tensor([1., 2., 3.])).sum().backward()
    assert c.grad is not None and bool(ember.isfinite(c.grad).all())


def test_sample_has_no_grad():
    loc = ember.zeros(2, requires_grad=True)
    assert not D.Normal(loc, 1.0).sample().requires_grad
    assert D.Normal(loc, 1.0).rsample().requires_grad


def test_gamma_cdf_gradient_in_concentration_matches_finite_difference():
    a = ember.tensor([0.7, 2.0, 5.0], dtype=ember.float64, requires_grad=True)
    x = ember.tensor([0.5, 2.5, 3.0], dtype=ember.float64)
    D.Gamma(a, 1.0).cdf(x).sum().backward()
    h = 1e-6
    fd = (D.Gamma(a.detach() + h, 1.0).cdf(x) - D.Gamma(a.detach() - h, 1.0).cdf(x)) / (2 * h)
    np.testing.assert_allclose(a.grad.numpy(), fd.numpy(), rtol=1e-5)
