"""F.hardtanh / F.relu6 / F.leaky_relu: one node each under torch's names, forward bits and
gradients (inf/NaN gradients, signed zeros) as torch's vectorised kernels; errors as torch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

CASES = [("hardtanh", lambda m, v: m.hardtanh(v)), ("relu6", lambda m, v: m.relu6(v)),
         ("hardtanh(-2, 3)", lambda m, v: m.hardtanh(v, -2.0, 3.0)),
         ("leaky_relu", lambda m, v: m.leaky_relu(v)), ("leaky_relu(0.3)", lambda m, v: m.leaky_relu(v, 0.3)),
         ("leaky_relu(2)", lambda m, v: m.leaky_relu(v, 2.0)), ("leaky_relu(-0.5)", lambda m, v: m.leaky_relu(v, -0.5))]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name,f", CASES)
def test_matches_torch(dt, name, f):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((200, 300)) * 4).astype(dt)
    x.reshape(-1)[:7] = [np.nan, -0.0, 0.0, -1, 1, 6, -2]
    g = rng.standard_normal((200, 300)).astype(dt)
    g.reshape(-1)[1:10] = [np.inf, np.nan, -np.inf, np.inf, np.nan, np.inf, np.nan, 1, 2]
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = f(F, e), f(torch.nn.functional, t)
    assert ye.grad_fn.name() == yt.grad_fn.name()
    np.testing.assert_array_equal(ye.detach().numpy().view(np.uint8), yt.detach().numpy().view(np.uint8))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("name,f", CASES)
def test_double_backward(name, f):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((20, 10)) * 3
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad((f(F, e) ** 2).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad((f(torch.nn.functional, t) ** 2).sum(), t, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-14)
    ge.sum().backward()
    gt.sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-14)


def test_errors_and_in_place():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(ember.randn(3), 2.0, 1.0)
    with pytest.raises(NotImplementedError, match="leaky_relu_cpu"):
        F.leaky_relu(ember.arange(-2, 3), 0.5)
    x = np.linspace(-3, 7, 11).astype(np.float32)
    e, t = ember.tensor(x), torch.tensor(x)
    assert F.relu6(e, inplace=True) is e
    torch.nn.functional.relu6(t, inplace=True)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    e2, t2 = ember.tensor(x), torch.tensor(x)
    F.leaky_relu(e2, 0.2, inplace=True), torch.nn.functional.leaky_relu(t2, 0.2, inplace=True)
    np.testing.assert_array_equal(e2.numpy(), t2.numpy())


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_hard_swish_sigmoid_match_torch(dt, name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((100, 300)) * 4).astype(dt)
    x.reshape(-1)[:8] = [np.nan, -3.0, 3.0, -0.0, 0.0, 2.9999998, -3.0000002, 1.0]
    g = rng.standard_normal((100, 300)).astype(dt)
    g.reshape(-1)[8:12] = [np.inf, np.nan, -np.inf, np.nan]
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = getattr(F, name)(e), getattr(torch.nn.functional, name)(t)
    assert ye.grad_fn.name() == yt.grad_fn.name()
    a, b = ye.detach().numpy(), yt.detach().numpy()
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))      # (NaN payloads aside: the same bits)
    ok = ~np.isnan(b)
    np.testing.assert_array_equal(a[ok].view(np.uint8), b[ok].view(np.uint8))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())
    xs = x[1:, :20].astype(np.float64)        # (no NaN) second order
    e2, t2 = ember.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    (ge,) = ember.autograd.grad((getattr(F, name)(e2) ** 2).sum(), e2, create_graph=True)
    (gt,) = torch.autograd.grad((getattr(torch.nn.functional, name)(t2) ** 2).sum(), t2, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-14)
    ge.sum().backward()
    if name == "hardswish":
        gt.sum().backward()
        np.testing.assert_allclose(e2.grad.numpy(), t2.grad.numpy(), rtol=1e-14)
    else:   # torch has no derivative of hardsigmoid_backward; hardsigmoid'' is 0: 2 hardsigmoid'^2
        inside = (xs > -3) & (xs < 3)
        np.testing.assert_allclose(e2.grad.numpy(), np.where(inside, 2 * np.float32(1 / 6) ** 2, 0), rtol=1e-7)


@pytest.mark.parametrize("name", ["relu6", "hardtanh", "leaky_relu", "hardswish", "hardsigmoid", "silu"])
def test_in_place_forms_with_autograd(name):
    """inplace=True on a non-leaf tensor in a graph (MobileNet v2's ReLU6(inplace=True)):
    the input overwritten, gradients as torch's."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(7).standard_normal((50, 40)).astype(np.float32) * 5
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    he, ht = e * 1.5, t * 1.5
    ye = getattr(F, name)(he, inplace=True)
    yt = getattr(torch.nn.functional, name)(ht, inplace=True)
    assert ye is he
    np.testing.assert_allclose(he.detach().numpy(), ht.detach().numpy(), rtol=3e-7)
    (ye * ye).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["hardtanh", "relu6", "leaky_relu", "hardswish", "hardsigmoid", "silu", "gelu", "relu",
                                  "elu", "selu", "celu", "softplus"])
def test_zero_dim_tensors(name):
    torch = pytest.importorskip("torch")
    for v in (-4.0, -0.5, 0.0, 2.0, 7.0):
        e, t = ember.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
        ye, yt = getattr(F, name)(e), getattr(torch.nn.functional, name)(t)
        assert ye.shape == () and ye.grad_fn.name() == yt.grad_fn.name()
        np.testing.assert_allclose(ye.item(), yt.item(), rtol=1e-6, atol=1e-7)
        ye.backward(), yt.backward()
        assert e.grad.shape == ()
        np.testing.assert_allclose(e.grad.item(), t.grad.item(), rtol=1e-6, atol=1e-7)
