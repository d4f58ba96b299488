"""Eval-mode batch norm outside autograd (ember/ops/nn/batchnorm_eval.py) against PyTorch, and
the autograd path left as it was."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-6), (np.float64, 1e-14)])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (2, 3, 4, 5), (1, 3, 2, 3, 4)])
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
def test_eval_matches_torch(shape, affine, dtype, tol):
    rng = np.random.default_rng(len(shape))
    C = shape[1]
    x = rng.standard_normal(shape).astype(dtype) * 3
    mean, var = rng.standard_normal(C).astype(dtype), rng.random(C).astype(dtype) + 0.1
    w = rng.standard_normal(C).astype(dtype) if affine in ("both", "weight") else None
    b = rng.standard_normal(C).astype(dtype) if affine in ("both", "bias") else None
    E = [None if a is None else ember.tensor(a) for a in (x, mean, var, w, b)]
    T = [None if a is None else torch.tensor(a) for a in (x, mean, var, w, b)]
    with ember.no_grad():
        ye = F.batch_norm(*E, training=False, eps=1e-3)
    yt = torch.nn.functional.batch_norm(*T, training=False, eps=1e-3)
    assert ye.dtype == getattr(ember, str(yt.dtype).split(".")[1])
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=tol, atol=tol)
    np.testing.assert_array_equal(E[0].numpy(), x)      # the input is left alone


def test_module_eval_and_gradients_still_match_torch():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 3, 3))
    be, bt = ember.nn.BatchNorm2d(4).double(), torch.nn.BatchNorm2d(4).double()
    for m in (be, bt):
        m.running_mean.copy_(type(m.running_mean)(np.arange(4.0)) if m is bt else ember.arange(4.0))
    be.eval(), bt.eval()
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    be(xe).square().sum().backward()
    bt(xt).square().sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(be.weight.grad.numpy(), bt.weight.grad.numpy(), rtol=1e-12)
    with ember.no_grad():
        np.testing.assert_allclose(be(ember.tensor(x)).numpy(), bt(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_wrong_sized_statistics_raise_like_torch():
    x = np.ones((2, 3, 4), np.float32)
    with pytest.raises(RuntimeError):
        torch.nn.functional.batch_norm(torch.tensor(x), torch.zeros(2), torch.ones(2))
    with pytest.raises(RuntimeError):
        with ember.no_grad():
            F.batch_norm(ember.tensor(x), ember.zeros(2), ember.ones(2))
