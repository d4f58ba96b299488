"""Transforms (forward, inverse, log|det J|, shapes, gradients), constraints (.check, reprs,
event_dim) and biject_to/transform_to against torch.distributions."""
import numpy as np
import pytest

import ember
import ember.distributions as D
from _dist_parity import compare

torch = pytest.importorskip("torch")

X1 = [[0.3, -1.2, 2.0], [0.0, 0.7, -0.4]]
POS1 = [[0.3, 1.2, 2.0], [0.1, 0.7, 4.0]]
UNIT1 = [[0.3, 0.2, 0.9], [0.1, 0.7, 0.5]]
SIMPLEX = [[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]

TRANSFORMS = [
    ("ExpTransform", (), X1),
    ("SigmoidTransform", (), X1),
    ("TanhTransform", (), X1),
    ("SoftplusTransform", (), X1),
    ("AbsTransform", (), X1),
    ("PowerTransform", (lambda m: m.tensor(2.5, dtype=m.float64),), POS1),
    ("AffineTransform", (lambda m: 1.0, lambda m: -2.0), X1),
    ("AffineTransform", (lambda m: m.tensor([0.5, 1.0, -1.0], dtype=m.float64),
                         lambda m: m.tensor([2.0, -0.5, 3.0], dtype=m.float64), lambda m: 1), X1),
    ("SoftmaxTransform", (), X1),
    ("StickBreakingTransform", (), X1),
    ("LowerCholeskyTransform", (), [[0.3, -1.2], [2.0, 0.1]]),
    ("PositiveDefiniteTransform", (), [[0.3, -1.2], [2.0, 0.1]]),
    ("CorrCholeskyTransform", (), X1),
    ("ReshapeTransform", (lambda m: (3,), lambda m: (3, 1)), X1),
    ("IndependentTransform", (lambda m: m.distributions.transforms.ExpTransform(), lambda m: 1), X1),
    ("ComposeTransform", (lambda m: [m.distributions.transforms.ExpTransform(),
                                     m.distributions.transforms.AffineTransform(1.0, 2.0)],), X1),
    ("CatTransform", (lambda m: [m.distributions.transforms.ExpTransform(),
                                 m.distributions.transforms.identity_transform], lambda m: 1,
                      lambda m: [2, 1]), X1),
    ("StackTransform", (lambda m: [m.distributions.transforms.ExpTransform(),
                                   m.distributions.transforms.SigmoidTransform()], lambda m: 0), X1),
    ("CumulativeDistributionTransform", (lambda m: m.distributions.Normal(0.5, 2.0),), X1),
]


def _build(m, name, args):
    return getattr(m.distributions.transforms, name)(*[a(m) for a in args])


@pytest.mark.parametrize("name,args,x", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])
def test_transform_matches_torch(name, args, x):
    et, tt = _build(ember, name, args), _build(torch, name, args)
    xa = np.asarray(x)
    ex = ember.tensor(xa, requires_grad=True)
    tx = torch.tensor(xa, requires_grad=True)
    ey, ty = et(ex), tt(tx)
    compare(torch, ey, ty, {"x": ex}, {"x": tx}, f"{name} forward")
    assert et.bijective == tt.bijective
    assert repr(et.domain) == repr(tt.domain) and repr(et.codomain) == repr(tt.codomain)
    assert et.domain.event_dim == tt.domain.event_dim and et.codomain.event_dim == tt.codomain.event_dim
    assert tuple(et.forward_shape(tuple(xa.shape))) == tuple(tt.forward_shape(torch.Size(xa.shape)))
    assert tuple(et.inverse_shape(tuple(ty.shape))) == tuple(tt.inverse_shape(ty.shape))
    yd = ty.detach().numpy()
    ey2, ty2 = ember.tensor(yd, requires_grad=True), torch.tensor(yd, requires_grad=True)
    compare(torch, et.inv(ey2), tt.inv(ty2), {"y": ey2}, {"y": ty2}, f"{name} inverse", rtol=1e-5, atol=1e-7)
    try:
        tl = tt.log_abs_det_jacobian(tx, ty)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            et.log_abs_det_jacobian(ex, ey)
        return
    compare(torch, et.log_abs_det_jacobian(ex, ey), tl, {"x": ex}, {"x": tx}, f"{name} log_abs_det_jacobian")
    try:
        ts = tt.sign
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            et.sign
        return
    es = et.sign
    assert np.all(np.asarray(getattr(es, "numpy", lambda: es)()) == np.asarray(getattr(ts, "numpy", lambda: ts)()))


def test_transform_reprs_equality_and_cache():
    T, tT = D.transforms, torch.distributions.transforms
    for name in ("ExpTransform", "SigmoidTransform", "TanhTransform", "StickBreakingTransform"):
        assert repr(getattr(T, name)()) == repr(getattr(tT, name)())
    assert repr(T.ExpTransform().inv) == repr(tT.ExpTransform().inv)
    assert repr(T.ComposeTransform([T.ExpTransform(), T.AffineTransform(1.0, 2.0)])) == \
        repr(tT.ComposeTransform([tT.ExpTransform(), tT.AffineTransform(1.0, 2.0)]))
    assert repr(T.IndependentTransform(T.ExpTransform(), 1)) == repr(tT.IndependentTransform(tT.ExpTransform(), 1))
    assert T.ExpTransform() == T.ExpTransform() and T.ExpTransform().inv.inv == T.ExpTransform()
    assert T.AffineTransform(0.0, 2.0) == T.AffineTransform(0.0, 2.0) != T.AffineTransform(0.0, 3.0)
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        T.ExpTransform(cache_size=2)
    with pytest.raises(ValueError, match="different numbers of elements"):
        T.ReshapeTransform((4,), (2, 3))
    t = T.ExpTransform(cache_size=1)
    x = ember.tensor([0.5])
    y = t(x)
    assert t(x) is y and t.inv(y) is x
    assert T.identity_transform(x) is x


CONSTRAINTS = [
    ("real", None), ("positive", None), ("nonnegative", None), ("unit_interval", None), ("boolean", None),
    ("nonnegative_integer", None), ("positive_integer", None), ("simplex", None), ("one_hot", None),
    ("lower_cholesky", None), ("lower_triangular", None), ("positive_definite", None),
    ("positive_semidefinite", None), ("symmetric", None), ("square", None), ("corr_cholesky", None),
    ("real_vector", None), ("interval", (-0.5, 0.7)), ("half_open_interval", (-0.5, 0.7)),
    ("greater_than", (0.2,)), ("greater_than_eq", (0.2,)), ("less_than", (0.2,)),
    ("integer_interval", (0, 2)), ("multinomial", (3,)),
]
VALUES = [
    [0.0, 1.0, -0.5, 0.2, float("nan"), 2.0, 0.7, 3.0],
    [[0.2, 0.8], [1.0, 0.0], [0.5, 0.6], [-0.1, 1.1]],
    [[[1.0, 0.0], [0.5, 2.0]], [[2.0, 0.5], [0.5, 1.0]], [[1.0, 0.0], [0.0, -1.0]], [[1.0, 2.0], [2.0, 1.0]],
     [[1.0, 0.0], [0.6, 0.8]]],
]


@pytest.mark.parametrize("name,args", CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS])
def test_constraint_check_matches_torch(name, args):
    ec = getattr(D.constraints, name)
    tc = getattr(torch.distributions.constraints, name)
    if args is not None:
        ec, tc = ec(*args), tc(*args)
    assert repr(ec) == repr(tc)
    assert ec.event_dim == tc.event_dim and ec.is_discrete == tc.is_discrete
    for v in VALUES:
        a = np.asarray(v)
        if a.ndim < ec.event_dim:
            continue
        np.testing.assert_array_equal(ec.check(ember.tensor(a)).numpy(), tc.check(torch.tensor(a)).numpy())


def test_dependent_and_independent_constraints():
    c = D.constraints
    assert c.is_dependent(c.dependent) and not c.is_dependent(c.real)
    with pytest.raises(ValueError, match="Cannot determine validity"):
        c.dependent.check(ember.zeros(1))
    ind = c.independent(c.positive, 1)
    assert ind.event_dim == 1 and repr(ind) == repr(torch.distributions.constraints.independent(
        torch.distributions.constraints.positive, 1))
    np.testing.assert_array_equal(ind.check(ember.tensor([[1.0, 2.0], [1.0, -1.0]])).numpy(), [True, False])
    with pytest.raises(ValueError, match="Expected value.dim"):
        c.independent(c.real, 2).check(ember.zeros(3))


@pytest.mark.parametrize("name,args", [c for c in CONSTRAINTS if c[0] not in (
    "boolean", "nonnegative_integer", "positive_integer", "one_hot", "integer_interval", "multinomial",
    "lower_triangular", "symmetric", "square")])
def test_biject_to_and_transform_to(name, args):
    ec = getattr(D.constraints, name)
    tc = getattr(torch.distributions.constraints, name)
    if args is not None:
        ec, tc = ec(*args), tc(*args)
    for reg, treg in ((D.biject_to, torch.distributions.biject_to),
                      (D.transform_to, torch.distributions.transform_to)):
        try:
            tt = treg(tc)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                reg(ec)
            continue
        et = reg(ec)
        assert type(et).__name__ == type(tt).__name__
        shape = {0: (4,), 1: (2, 3), 2: (2, 2)}[tc.event_dim]
        if name == "corr_cholesky":
            shape = (3,)
        x = np.random.default_rng(0).normal(size=shape)
        y = et(ember.tensor(x))
        np.testing.assert_allclose(y.numpy(), tt(torch.tensor(x)).numpy(), rtol=1e-6, atol=1e-9)
        assert bool(ec.check(y).all())


def test_compat_import():
    import subprocess
    import sys
    code = ("from ember import compat; compat.install(); import torch.distributions as D; "
            "from torch.distributions import constraints, transforms; "
            "from torch.distributions.kl import kl_divergence; "
            "from torch.distributions.bernoulli import Bernoulli; "
            "from torch.distributions.relaxed_categorical import RelaxedOneHotCategorical; "
            "from torch.distributions.studentT import StudentT; "
            "print(type(D.Normal(0., 1.)).__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ember.distributions.normal"
