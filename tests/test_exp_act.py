"""F.elu / F.selu / F.celu / F.softplus: one node each under torch's names, values and
gradients (first and second order) against torch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

CASES = [("elu", lambda m, v: m.elu(v)), ("elu(0.5)", lambda m, v: m.elu(v, 0.5)), ("selu", lambda m, v: m.selu(v)),
         ("celu(2)", lambda m, v: m.celu(v, 2.0)), ("softplus", lambda m, v: m.softplus(v)),
         ("softplus(2, 5)", lambda m, v: m.softplus(v, 2.0, 5.0))]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name,f", CASES)
def test_matches_torch(dt, name, f):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((200, 300)) * 6).astype(dt)
    x.reshape(-1)[:6] = [0.0, -0.0, 100.0, -100.0, np.inf, -np.inf]
    g = rng.standard_normal((200, 300)).astype(dt)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = f(F, e), f(torch.nn.functional, t)
    assert ye.grad_fn.name() == yt.grad_fn.name()
    tol = dict(rtol=4e-7, atol=1e-30) if dt == np.float32 else dict(rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **tol)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **tol)


@pytest.mark.parametrize("name,f", CASES)
def test_double_backward_and_in_place(name, f):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((20, 10)) * 3
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad((f(F, e) ** 2).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad((f(torch.nn.functional, t) ** 2).sum(), t, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-13)
    ge.sum().backward()
    gt.sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    if name in ("elu", "selu"):
        y = ember.tensor(x)
        assert getattr(F, name)(y, inplace=True) is y
        np.testing.assert_allclose(y.numpy(), f(torch.nn.functional, torch.tensor(x)).numpy(), rtol=1e-14)
    if name == "celu(2)":
        y = ember.tensor(x)
        assert F.celu(y, 2.0, inplace=True) is y
        np.testing.assert_allclose(y.numpy(), f(torch.nn.functional, torch.tensor(x)).numpy(), rtol=1e-14)


def test_zero_dim():
    torch = pytest.importorskip("torch")
    for name, f in CASES:
        for v in (-1.5, 0.0, 2.0, 30.0):
            e, t = ember.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
            ye, yt = f(F, e), f(torch.nn.functional, t)
            assert ye.shape == ()
            np.testing.assert_allclose(ye.item(), yt.item(), rtol=4e-7)
            ye.backward(), yt.backward()
            assert e.grad.shape == ()
            np.testing.assert_allclose(e.grad.item(), t.grad.item(), rtol=4e-7)
