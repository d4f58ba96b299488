"""Short paths for small tensors give the general paths' results: addmm's bias broadcast
(and PyTorch's error when it cannot), tanh-GELU outside autograd (the composite's bits),
arange of Python ints (PyTorch's values, dtype and errors)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("bias", [(192,), (1, 192), (3, 1), (3, 192), (1,), (5,), (2, 3, 192)])
def test_addmm_bias_shapes(bias):
    def run(T):
        try:
            return T.addmm(T.ones(*bias), T.ones(3, 4), T.full((4, 192), 0.5), beta=0.5, alpha=2).tolist()
        except RuntimeError as e:
            return ("RuntimeError", str(e))
    assert run(ember) == run(torch)


def test_addmm_bias_gradient_sums_the_broadcast():
    b = ember.tensor([1.0, 2.0], requires_grad=True)
    x = ember.ones(3, 4, requires_grad=True)
    ember.addmm(b, x, ember.ones(4, 2), beta=0.5).sum().backward()
    assert b.grad.tolist() == [1.5, 1.5] and x.grad.shape == (3, 4)


@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 64)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_tanh_without_autograd_matches_the_composite(shape, dtype):
    x = (np.random.default_rng(0).standard_normal(shape) * 4).astype(dtype)
    with ember.no_grad():
        fast = ember.nn.functional.gelu(ember.tensor(x), approximate="tanh")
    slow = ember.nn.functional.gelu(ember.tensor(x, requires_grad=True), approximate="tanh")
    assert fast.shape == slow.shape and fast.dtype == slow.dtype and not fast.requires_grad
    np.testing.assert_array_equal(fast.numpy(), slow.detach().numpy())
    ref = torch.nn.functional.gelu(torch.tensor(x), approximate="tanh").numpy()
    np.testing.assert_allclose(fast.numpy(), ref, rtol=2e-6 if dtype == "float32" else 1e-12, atol=1e-6)


@pytest.mark.parametrize("args", [(5,), (0,), (-3,), (2, 7), (7, 2), (3, 3), (True,), (2 ** 40, 2 ** 40 + 3)])
def test_arange_of_ints(args):
    def run(T):
        try:
            r = T.arange(*args)
            return r.tolist(), str(r.dtype)
        except RuntimeError as e:
            return "RuntimeError"
    assert run(ember) == run(torch)
    with ember.device("meta"):
        assert ember.arange(4).device.type == "meta"
    assert ember.arange(3, requires_grad=False).dtype == ember.int64


@pytest.mark.parametrize("shape", [(8, 64), (-1, 64), (4, 128), (3, 100), (-1, -1), (8, -2), (-1, -2), (0, 64)])
def test_view_sizes_and_errors_match_torch(shape):
    def run(T):
        x = T.zeros(1, 8, 64)
        try:
            return tuple(x.view(*shape).shape), tuple(x.reshape(*shape).shape)
        except RuntimeError as e:
            return str(e)
    assert run(ember) == run(torch)
