"""F.gelu (exact) with autograd: one GeluBackward0 node, the no-grad path's forward bits,
torch's gradients (first and second order), retain_graph, odd layouts."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7,), (300, 257), ()])
def test_matches_torch(dt, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = np.asarray(rng.standard_normal(shape) * 3, dtype=dt)
    if x.ndim:
        x.reshape(-1)[:3] = [0.0, -0.0, 12.0][:x.size]
    g = np.asarray(rng.standard_normal(shape), dtype=dt)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = F.gelu(e), torch.nn.functional.gelu(t)
    assert ye.grad_fn.name() == yt.grad_fn.name() == "GeluBackward0"
    with ember.no_grad():
        np.testing.assert_array_equal(ye.detach().numpy(), F.gelu(ember.tensor(x)).numpy())
    tol = dict(rtol=2e-6, atol=2e-6) if dt == np.float32 else dict(rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **tol)
    ye.backward(ember.tensor(g), retain_graph=True)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **tol)
    first = e.grad.numpy().copy()
    e.grad = None
    ye.backward(ember.tensor(g))                         # a second backward recomputes the cdf
    np.testing.assert_array_equal(e.grad.numpy(), first)


def test_double_backward_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((40, 30))
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ge,) = ember.autograd.grad(F.gelu(e).pow(2).sum(), e, create_graph=True)
    (gt,) = torch.autograd.grad(torch.nn.functional.gelu(t).pow(2).sum(), t, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-12, atol=1e-14)
    ge.sum().backward()
    gt.sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_strided_input_and_expanded_gradient():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).standard_normal((64, 50)).astype(np.float32)
    e = ember.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    F.gelu(e.t()[::2]).sum().backward()                     # a transposed, strided view; ones expanded
    torch.nn.functional.gelu(t.t()[::2]).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=2e-6, atol=2e-7)


def test_threads_give_one_threads_bits():
    """Large inputs go in blocks over the intra-op threads: the same bits as one thread."""
    x = np.random.default_rng(3).standard_normal(150_000).astype(np.float32) * 3
    old = ember.get_num_threads()
    grads = []
    try:
        for n in (1, 2):
            ember.set_num_threads(n)
            e = ember.tensor(x, requires_grad=True)
            F.gelu(e).sum().backward()
            grads.append(e.grad.numpy())
    finally:
        ember.set_num_threads(old)
    np.testing.assert_array_equal(grads[0], grads[1])
