"""Softshrink / Hardshrink as one node each (ember/ops/nn/shrink_act.py): PyTorch's values
bit for bit (its vectorised kernel's zeros, NaN), gradients, node names, double backward and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

X = [float("nan"), 0.3, -0.7, 0.5, -0.5, -0.0, 0.0, 0.7, 1e30, -float("inf"), float("inf"), -2.5]


@pytest.mark.parametrize("name", ["softshrink", "hardshrink"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lambd", [0.5, 0.0, 2.0])
@pytest.mark.parametrize("n", [1, 5000])
def test_values_and_gradients_match_torch(name, dtype, lambd, n):
    rng = np.random.default_rng(0)
    x = np.array(X * n)                  # a multiple of 64 elements: all in torch's vectorised loop
    x = np.concatenate([x, rng.standard_normal(64 - len(x) % 64 + 128) * 3]).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    res = []
    for T in (ember, torch):
        xt = T.tensor(x, requires_grad=True)
        y = getattr(T.nn.functional, name)(xt, lambd)
        y.backward(T.tensor(g))
        res.append((y.detach().numpy(), xt.grad.numpy(), type(y.grad_fn).__name__))
    (ye, ge, ne), (yt, gt, nt) = res
    it = np.int32 if dtype == "float32" else np.int64
    nan = np.isnan(yt)
    np.testing.assert_array_equal(nan, np.isnan(ye))
    np.testing.assert_array_equal(ye[~nan].view(it), yt[~nan].view(it))
    np.testing.assert_array_equal(ge, gt)
    assert ne.replace("Backward", "") in nt


def test_zero_dim_double_backward_and_errors():
    x = ember.tensor(1.5, requires_grad=True)
    y = ember.nn.functional.softshrink(x, 0.5)
    assert y.item() == 1.0 and y.shape == ()
    (gx,) = ember.autograd.grad(y * y, x, create_graph=True)
    assert gx.item() == 2.0 and gx.requires_grad
    with pytest.raises(RuntimeError, match="lambda must be in range"):
        ember.nn.functional.softshrink(ember.tensor([1.0]), -1.0)
    assert ember.nn.functional.hardshrink(ember.tensor([1.0, -2.0]), -1.0).tolist() == [1.0, -2.0]
    assert ember.nn.Softshrink(0.5)(ember.tensor([1.0])).tolist() == [0.5]
    half = ember.nn.functional.softshrink(ember.tensor([1.0, 2.0], dtype=ember.float16), 0.5)
    assert half.dtype == ember.float16 and half.tolist() == [0.5, 1.5]
