"""nn.CrossMapLRN2d against PyTorch: forward values and input gradients (PyTorch's running-window
forward and hand-written backward), repr, and the errors it raises."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CONFIGS = [  # (shape, size, alpha, beta, k)
    ((2, 5, 3, 4), 3, 1e-4, 0.75, 1),
    ((2, 5, 3, 4), 3, 1.0, 1.0, 1),
    ((1, 7, 2, 3), 4, 0.5, 0.75, 2.0),
    ((3, 6, 2, 2), 2, 0.3, 0.5, 1.5),
    ((2, 8, 3, 3), 5, 2.0, 0.75, 1),
    ((2, 9, 2, 2), 6, 1.0, 1.3, 0.7),
    ((2, 3, 4, 2), 7, 1.0, 0.75, 1),      # size > channels
    ((1, 2, 3, 3), 9, 3.0, 2.0, 1),       # size far beyond channels
    ((2, 1, 4, 4), 3, 1.0, 0.75, 1),      # one channel
    ((2, 1, 3, 3), 2, 1.0, 0.75, 1),
    ((1, 16, 5, 5), 5, 1e-2, 0.75, 2),    # AlexNet-like
    ((2, 4, 0, 3), 3, 1.0, 0.75, 1),      # empty
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,size,alpha,beta,k", CONFIGS)
def test_forward_backward_match_torch(dtype, shape, size, alpha, beta, k):
    rng = np.random.default_rng(hash((shape, size)) % 2**32)
    x = (rng.standard_normal(shape) * 2).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.CrossMapLRN2d(size, alpha, beta, k)(tx)
    ty.backward(torch.tensor(g))
    ex = ember.tensor(x, requires_grad=True)
    ey = ember.nn.CrossMapLRN2d(size, alpha, beta, k)(ex)
    ey.backward(ember.tensor(g))
    assert ey.dtype == ember.float32 if dtype == "float32" else ember.float64
    tol = dict(rtol=4e-7, atol=1e-7) if dtype == "float32" else dict(rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), **tol)
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), **tol)


def test_documented_running_window_values():
    x = ember.ones(1, 5, 1, 1, requires_grad=True)
    y = ember.nn.CrossMapLRN2d(3, alpha=1, beta=1, k=1)(x)
    np.testing.assert_allclose(y.detach().numpy().ravel(), [0.6, 0.5, 3 / 7, 3 / 7, 0.5], rtol=1e-6)
    y.sum().backward()
    tx = torch.ones(1, 5, 1, 1, requires_grad=True)
    torch.nn.CrossMapLRN2d(3, alpha=1, beta=1, k=1)(tx).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)
    assert y.grad_fn.name() == torch.nn.CrossMapLRN2d(3)(tx).grad_fn.name() == "CrossMapLRN2dBackward"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bit_exact_where_pow_is_exact(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 12, 8, 8)).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    for size, beta, frac in [(5, 0.75, 0.9), (4, 1.0, 1.0), (3, 0.5, 1.0), (6, 2.0, 1.0)]:
        tx = torch.tensor(x, requires_grad=True)
        ty = torch.nn.CrossMapLRN2d(size, 0.1, beta, 1)(tx)
        ty.backward(torch.tensor(g))
        ex = ember.tensor(x, requires_grad=True)
        ey = ember.nn.CrossMapLRN2d(size, 0.1, beta, 1)(ex)
        ey.backward(ember.tensor(g))
        assert (ty.detach().numpy() == ey.detach().numpy()).mean() >= frac, (size, beta)
        assert (tx.grad.numpy() == ex.grad.numpy()).mean() >= frac, (size, beta)


def test_loss_backward_through_layer():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 4, 4)).astype("float32")
    tx = torch.tensor(x, requires_grad=True)
    (torch.nn.CrossMapLRN2d(3, 0.5, 0.75, 1)(tx) ** 2).mean().backward()
    ex = ember.tensor(x, requires_grad=True)
    (ember.nn.CrossMapLRN2d(3, 0.5, 0.75, 1)(ex) ** 2).mean().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_repr_and_defaults():
    for args in [(3,), (5, 1e-3, 0.5, 2), (2, 1, 1, 1.5)]:
        assert repr(ember.nn.CrossMapLRN2d(*args)) == repr(torch.nn.CrossMapLRN2d(*args))
    m = ember.nn.CrossMapLRN2d(3)
    assert (m.size, m.alpha, m.beta, m.k) == (3, 1e-4, 0.75, 1)
    assert ember.nn.modules.normalization.CrossMapLRN2d is ember.nn.CrossMapLRN2d
    assert list(m.parameters()) == []


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (1, 2, 3, 4, 5)])
def test_non_4d_raises_value_error(shape):
    with pytest.raises(ValueError) as te:
        torch.nn.CrossMapLRN2d(3)(torch.ones(shape))
    with pytest.raises(ValueError) as ee:
        ember.nn.CrossMapLRN2d(3)(ember.ones(shape))
    assert str(ee.value) == str(te.value)


def test_size_one_backward_raises_like_torch():
    x = np.ones((1, 4, 2, 2), "float32")
    ty = torch.nn.CrossMapLRN2d(1, 1, 1, 1)(torch.tensor(x, requires_grad=True))
    ey = ember.nn.CrossMapLRN2d(1, 1, 1, 1)(ember.tensor(x, requires_grad=True))
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError) as te:
        ty.sum().backward()
    with pytest.raises(RuntimeError) as ee:
        ey.sum().backward()
    assert str(ee.value) == str(te.value)


def test_integer_input_raises_runtime_error():
    with pytest.raises(RuntimeError):
        torch.nn.CrossMapLRN2d(3)(torch.ones(1, 3, 2, 2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="Long"):
        ember.nn.CrossMapLRN2d(3)(ember.ones(1, 3, 2, 2, dtype=ember.int64))
