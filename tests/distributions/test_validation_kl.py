"""validate_args behaviour (ValueError messages as torch's), kl_divergence values and gradients
against torch, and the register_kl dispatch."""
import numpy as np
import pytest

import ember
import ember.distributions as D
from _dist_parity import make_params, compare

torch = pytest.importorskip("torch")


def _both(fn_name, *args, **kw):
    """The message torch raises and the one ember raises for the same construction/call."""
    out = []
    for lib in (torch, ember):
        try:
            fn_name(lib, *args, **kw)
        except Exception as exc:  # noqa: BLE001 - compared below
            out.append(exc)
        else:
            out.append(None)
    return out


@pytest.mark.parametrize("build", [
    lambda m: m.distributions.Normal(m.tensor([0.0, 1.0]), m.tensor([1.0, -1.0])),
    lambda m: m.distributions.Normal(0.0, -1.0),
    lambda m: m.distributions.Bernoulli(probs=m.tensor([1.5])),
    lambda m: m.distributions.Bernoulli(probs=0.5, logits=0.0),
    lambda m: m.distributions.Categorical(probs=m.tensor(0.5)),
    lambda m: m.distributions.Categorical(probs=m.tensor([0.5, -0.5])),
    lambda m: m.distributions.Uniform(1.0, 0.0),
    lambda m: m.distributions.Gamma(m.tensor([1.0]), m.tensor([0.0])),
    lambda m: m.distributions.Dirichlet(m.tensor(1.0)),
    lambda m: m.distributions.Beta(m.tensor([-1.0]), m.tensor([1.0])),
    lambda m: m.distributions.Geometric(probs=m.tensor([0.0])),
    lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]])),
    lambda m: m.distributions.MultivariateNormal(m.zeros(2)),
    lambda m: m.distributions.MultivariateNormal(m.tensor(0.0), m.eye(2)),
    lambda m: m.distributions.Independent(m.distributions.Normal(m.zeros(2), 1.0), 2),
    lambda m: m.distributions.Poisson(m.tensor([-1.0])),
    lambda m: m.distributions.Normal(m.zeros(3), 1.0).log_prob(m.zeros(2)),
    lambda m: m.distributions.Normal(0.0, 1.0).log_prob(1.0),
    lambda m: m.distributions.Normal(0.0, 1.0).log_prob(m.tensor(float("nan"))),
    lambda m: m.distributions.Bernoulli(0.3).log_prob(m.tensor(0.5)),
    lambda m: m.distributions.Exponential(1.0).cdf(m.tensor(-1.0)),
    lambda m: m.distributions.Categorical(m.ones(3)).log_prob(m.tensor(3)),
    lambda m: m.distributions.Dirichlet(m.ones(3)).log_prob(m.tensor([0.5, 0.5])),
    lambda m: m.distributions.Dirichlet(m.ones(3)).log_prob(m.tensor([0.5, 0.6, 0.1])),
    lambda m: m.distributions.Binomial(3, m.tensor(0.5)).log_prob(m.tensor(4.0)),
    lambda m: m.distributions.Distribution.set_default_validate_args(3),
    lambda m: m.distributions.Normal(0.0, 1.0).expand([2]).log_prob(m.zeros(3)),
    lambda m: m.distributions.TransformedDistribution(m.distributions.Normal(0.0, 1.0), 3),
])
def test_errors_match_torch(build):
    t_exc, e_exc = _both(lambda m: build(m))
    assert t_exc is not None, "the case must raise in torch"
    assert type(e_exc) is type(t_exc), f"{type(e_exc)} vs {type(t_exc)}: {e_exc}"
    assert str(e_exc) == str(t_exc)


def test_validate_args_false_skips_checks():
    d = D.Normal(0.0, -1.0, validate_args=False)
    assert d.scale.item() == -1.0
    assert ember.isnan(D.Uniform(0.0, 1.0, validate_args=False).log_prob(ember.tensor(2.0))).item() is False
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(0.0, -1.0)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)


def test_repr_matches_torch():
    assert repr(D.Normal(ember.zeros(2), 1.0)) == repr(torch.distributions.Normal(torch.zeros(2), 1.0))
    assert repr(D.Normal(0.0, 1.0)) == repr(torch.distributions.Normal(0.0, 1.0))
    assert repr(D.Categorical(ember.ones(3))) == repr(torch.distributions.Categorical(torch.ones(3)))
    assert repr(D.constraints.interval(0.0, 1.0)) == repr(torch.distributions.constraints.interval(0.0, 1.0))


KL_CASES = [
    ("Normal", dict(loc=[0.1, -1.0], scale=[1.0, 2.0]), dict(loc=[0.5, 1.0], scale=[0.5, 1.5])),
    ("Bernoulli", dict(probs=[0.2, 0.7]), dict(probs=[0.5, 0.1])),
    ("Categorical", dict(probs=[[0.2, 0.3, 0.5]]), dict(logits=[[0.1, -1.0, 2.0]])),
    ("OneHotCategorical", dict(probs=[[0.2, 0.3, 0.5]]), dict(probs=[[0.6, 0.1, 0.3]])),
    ("Beta", dict(concentration1=[0.5, 2.0], concentration0=[1.5, 3.0]),
     dict(concentration1=[1.0, 0.7], concentration0=[2.0, 1.2])),
    ("Gamma", dict(concentration=[0.5, 2.0], rate=[1.5, 3.0]), dict(concentration=[1.0, 0.7], rate=[2.0, 1.2])),
    ("Dirichlet", dict(concentration=[[0.5, 2.0, 1.0]]), dict(concentration=[[1.0, 0.7, 3.0]])),
    ("Exponential", dict(rate=[0.5, 2.0]), dict(rate=[1.0, 0.7])),
    ("Uniform", dict(low=[0.0, -1.0], high=[1.0, 1.0]), dict(low=[-1.0, -1.0], high=[2.0, 0.5])),
    ("Laplace", dict(loc=[0.1, -1.0], scale=[1.0, 2.0]), dict(loc=[0.5, 1.0], scale=[0.5, 1.5])),
    ("Poisson", dict(rate=[0.5, 2.0]), dict(rate=[1.0, 0.7])),
    ("Geometric", dict(probs=[0.5, 0.2]), dict(probs=[0.3, 0.7])),
    ("Binomial", dict(total_count=5, probs=[0.5, 0.2]), dict(total_count=5, probs=[0.3, 0.7])),
    ("Gumbel", dict(loc=[0.1, -1.0], scale=[1.0, 2.0]), dict(loc=[0.5, 1.0], scale=[0.5, 1.5])),
    ("Cauchy", dict(loc=[0.1, -1.0], scale=[1.0, 2.0]), dict(loc=[0.5, 1.0], scale=[0.5, 1.5])),
    ("HalfNormal", dict(scale=[1.0, 2.0]), dict(scale=[0.5, 1.5])),
    ("LogNormal", dict(loc=[0.1, -1.0], scale=[1.0, 2.0]), dict(loc=[0.5, 1.0], scale=[0.5, 1.5])),
    ("Pareto", dict(scale=[1.0, 2.0], alpha=[1.0, 3.0]), dict(scale=[0.5, 2.5], alpha=[2.0, 1.5])),
    ("ContinuousBernoulli", dict(probs=[0.2, 0.7]), dict(probs=[0.5, 0.1])),
    ("MultivariateNormal", dict(loc=[[0.1, -1.0]], covariance_matrix=[[2.0, 0.3], [0.3, 1.0]]),
     dict(loc=[[0.5, 1.0], [0.0, 0.0]], scale_tril=[[1.0, 0.0], [-0.5, 0.7]])),
    ("Chi2", dict(df=[1.0, 3.0]), dict(df=[2.0, 0.5])),  # via Gamma
]


@pytest.mark.parametrize("name,pp,qp", KL_CASES, ids=[c[0] for c in KL_CASES])
def test_kl_matches_torch(name, pp, qp):
    ep, tp = make_params(torch, pp)
    eq, tq = make_params(torch, qp)
    e = D.kl_divergence(getattr(D, name)(**ep), getattr(D, name)(**eq))
    t = torch.distributions.kl_divergence(getattr(torch.distributions, name)(**tp),
                                          getattr(torch.distributions, name)(**tq))
    compare(torch, e, t, {**ep, **{k + "_q": v for k, v in eq.items()}},
            {**tp, **{k + "_q": v for k, v in tq.items()}}, f"kl {name}")


@pytest.mark.parametrize("p,q", [
    (lambda m: m.distributions.Independent(m.distributions.Normal(m.tensor([[0.1, 0.2]], dtype=m.float64), 1.0), 1),
     lambda m: m.distributions.Independent(m.distributions.Normal(m.tensor([[1.0, -1.0]], dtype=m.float64), 2.0), 1)),
    (lambda m: m.distributions.Uniform(m.tensor([0.0], dtype=m.float64), 1.0),
     lambda m: m.distributions.Normal(m.tensor([0.3], dtype=m.float64), 2.0)),
    (lambda m: m.distributions.Normal(m.tensor([0.3], dtype=m.float64), 2.0),
     lambda m: m.distributions.Laplace(m.tensor([0.0], dtype=m.float64), 1.5)),
    (lambda m: m.distributions.Exponential(m.tensor([0.3], dtype=m.float64)),
     lambda m: m.distributions.Gamma(m.tensor([2.0], dtype=m.float64), 1.5)),
    (lambda m: m.distributions.Beta(m.tensor([2.0], dtype=m.float64), 1.5),
     lambda m: m.distributions.Uniform(m.tensor([-0.5], dtype=m.float64), 1.5)),
    (lambda m: m.distributions.RelaxedBernoulli(m.tensor(0.5, dtype=m.float64), m.tensor([0.3], dtype=m.float64)),
     lambda m: m.distributions.RelaxedBernoulli(m.tensor(0.5, dtype=m.float64), m.tensor([0.6], dtype=m.float64))),
])
def test_kl_pairs_match_torch(p, q):
    try:
        t = torch.distributions.kl_divergence(p(torch), q(torch))
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            D.kl_divergence(p(ember), q(ember))
        return
    np.testing.assert_allclose(D.kl_divergence(p(ember), q(ember)).numpy(), t.numpy(), rtol=1e-6)


def test_kl_errors_and_registry():
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Categorical(ember.ones(2)))
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)

    class MyNormal(D.Normal):
        pass

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return ember.tensor(42.0)

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 42.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)


def _kl_zoo(m):
    D = m.distributions

    def T(*v):
        return m.tensor(list(v), dtype=m.float64)

    return {"Bernoulli": D.Bernoulli(T(0.3, 0.6)), "Beta": D.Beta(T(2.0, 0.5), T(3.0, 1.5)),
            "ContinuousBernoulli": D.ContinuousBernoulli(T(0.3, 0.8)), "Exponential": D.Exponential(T(2.0, 0.5)),
            "Gamma": D.Gamma(T(2.0, 0.7), T(3.0, 1.0)), "Gumbel": D.Gumbel(T(0.5, -1.0), T(2.0, 0.5)),
            "Laplace": D.Laplace(T(0.5, 1.0), T(2.0, 0.3)), "Normal": D.Normal(T(0.5, -0.3), T(2.0, 0.7)),
            "Pareto": D.Pareto(T(1.5, 0.5), T(3.0, 1.5)), "Poisson": D.Poisson(T(2.0, 0.5)),
            "Uniform": D.Uniform(T(0.2, 0.0), T(0.9, 1.0)), "Binomial": D.Binomial(5, T(0.3, 0.5)),
            "Uniform-wide": D.Uniform(T(-0.2, 1.0), T(1.5, 2.0)),
            "LowRankMultivariateNormal": D.LowRankMultivariateNormal(
                m.zeros(2, dtype=m.float64), m.tensor([[0.5], [1.0]], dtype=m.float64), T(0.5, 1.0)),
            "MultivariateNormal": D.MultivariateNormal(T(0.3, 0.1), m.tensor([[2.0, 0.3], [0.3, 1.0]],
                                                                             dtype=m.float64))}


def test_kl_every_pair_torch_has():
    """Every pair torch's registry answers (same-family, cross-family, infinite) ember answers alike."""
    E, T = _kl_zoo(ember), _kl_zoo(torch)
    checked = 0
    for a in E:
        for b in E:
            try:
                t = torch.distributions.kl_divergence(T[a], T[b]).numpy()
            except NotImplementedError:
                with pytest.raises(NotImplementedError):
                    D.kl_divergence(E[a], E[b])
                continue
            e = D.kl_divergence(E[a], E[b]).numpy()
            np.testing.assert_allclose(e, t, rtol=1e-6, equal_nan=True, err_msg=f"KL({a} || {b})")
            checked += 1
    assert checked >= 90


@pytest.mark.parametrize("make", [
    lambda m, T: m.distributions.Normal(T(0.5, -1.0), T(2.0, 0.7)),
    lambda m, T: m.distributions.Bernoulli(T(0.3, 0.8)),
    lambda m, T: m.distributions.Beta(T(2.0, 0.5), T(3.0, 1.5)),
    lambda m, T: m.distributions.Gamma(T(2.0, 0.7), T(3.0, 1.0)),
    lambda m, T: m.distributions.Exponential(T(2.0, 0.5)),
    lambda m, T: m.distributions.Dirichlet(m.tensor([[0.5, 1.0, 2.0], [3.0, 1.5, 0.8]], dtype=m.float64)),
    lambda m, T: m.distributions.ContinuousBernoulli(T(0.3, 0.8)),
    lambda m, T: m.distributions.Wishart(T(4.0, 5.0), covariance_matrix=m.tensor([[2.0, 0.3], [0.3, 1.0]],
                                                                                 dtype=m.float64)),
])
def test_exponential_family_bregman(make):
    """Entropy and same-family KL by the Bregman divergence of the log-normalizer, as torch."""
    def T(m):
        return lambda *v: m.tensor(list(v), dtype=m.float64)
    ed, td = make(ember, T(ember)), make(torch, T(torch))
    try:
        torch.distributions.ExponentialFamily.entropy(td)
    except NotImplementedError:  # Beta, Dirichlet: no _mean_carrier_measure in torch either
        with pytest.raises(NotImplementedError):
            D.ExponentialFamily.entropy(ed)
        return
    np.testing.assert_allclose(D.ExponentialFamily.entropy(ed).detach().numpy(),
                               torch.distributions.ExponentialFamily.entropy(td).detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(D.ExponentialFamily.entropy(ed).detach().numpy(), ed.entropy().detach().numpy(),
                               rtol=1e-6)



@pytest.mark.parametrize("name,pp,qp", [c for c in KL_CASES if c[0] in (
    "Normal", "Bernoulli", "Beta", "Gamma", "Exponential", "Poisson", "Dirichlet", "ContinuousBernoulli")])
def test_exponential_family_bregman_kl(name, pp, qp):
    """The Bregman-divergence KL (the fallback for same-family pairs) against torch's and the
    closed form."""
    ep, tp = make_params(torch, pp)
    eq, tq = make_params(torch, qp)
    ed, edq = getattr(D, name)(**ep), getattr(D, name)(**eq)
    td, tdq = getattr(torch.distributions, name)(**tp), getattr(torch.distributions, name)(**tq)
    e = D.kl._kl_expfamily_expfamily(ed, edq)
    np.testing.assert_allclose(e.detach().numpy(),
                               torch.distributions.kl._kl_expfamily_expfamily(td, tdq).detach().numpy(),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(e.detach().numpy(), D.kl_divergence(ed, edq).detach().numpy(), rtol=1e-6,
                               atol=1e-9)
