"""cumsum/cumprod give PyTorch's bits: the running value in double for float32 and in float
for float16/bfloat16, rounded at each position, along every dim (also the step-by-step path
taken along a leading dim with wide steps), forward and backward."""
import numpy as np
import pytest

import ember
from ember.ops.reduce import cumulative as C

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape", [(3000,), (30, 70), (7, 50, 9), (40, 600), (3, 20, 600)])
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_bits_equal_torch(shape, dt, op):
    a = (1 + np.random.default_rng(len(shape)).standard_normal(shape) * 0.01).astype(dt)
    for d in range(len(shape)):
        e = getattr(ember.tensor(a), op)(d).numpy()
        t = getattr(torch.from_numpy(a), op)(d).numpy()
        assert e.dtype == t.dtype
        np.testing.assert_array_equal(e, t)


def test_step_path_runs_and_long_1d_sums_do_not_drift(monkeypatch):
    steps = []
    real = np.moveaxis
    monkeypatch.setattr(C.np, "moveaxis", lambda *a: steps.append(1) or real(*a))
    a = np.random.default_rng(0).standard_normal((50, 600)).astype(np.float32)
    np.testing.assert_array_equal(ember.tensor(a).cumsum(0).numpy(), torch.from_numpy(a).cumsum(0).numpy())
    assert steps, "the step-by-step path did not run"
    x = np.full(1_000_000, 0.1, np.float32)     # float32 accumulation drifts by ~1e3 here
    np.testing.assert_array_equal(ember.tensor(x).cumsum(0).numpy(), torch.from_numpy(x).cumsum(0).numpy())


def test_bfloat16_and_gradients():
    a = np.random.default_rng(1).standard_normal((6, 300)).astype(np.float32)
    e = ember.tensor(a).to(ember.bfloat16).cumsum(1).float().numpy()
    t = torch.from_numpy(a).to(torch.bfloat16).cumsum(1).float().numpy()
    np.testing.assert_array_equal(e, t)
    x = ember.tensor(a, requires_grad=True)
    y = torch.tensor(a, requires_grad=True)
    (x.cumsum(0) * x).sum().backward()
    (y.cumsum(0) * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-6, atol=1e-6)
