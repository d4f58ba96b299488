"""``tensor ** number`` on float32/float64: torch's own formulas (2, 3, -0.5, -1, -2: the same
bits), IEEE special cases (signed zeros, infinities, NaN, negative bases), results that do not
depend on the array's size, and gradients, against torch."""
import numpy as np
import pytest

import ember

EXPONENTS = [2, 3, 0.5, -0.5, -1, -2, 4, 5, -3, 2.5, -1.5, 7.0, 1, 0, 10, 1e20, float("inf"), float("-inf"),
             float("nan"), 0.3, -0.3, 0.0, -0.0]


def _data(dt, n=3000):
    x = (np.random.default_rng(0).standard_normal(n) * 3).astype(dt)
    x[:10] = [0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1.0, -2.0, 1e-30, -1e30]
    return x


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("e", EXPONENTS)
def test_matches_torch(dt, e):
    torch = pytest.importorskip("torch")
    x = _data(dt)
    r = (ember.from_numpy(x) ** e).numpy()
    t = (torch.from_numpy(x) ** e).numpy()
    assert r.dtype == t.dtype
    np.testing.assert_array_equal(np.isnan(r), np.isnan(t))
    ok = ~np.isnan(t)
    np.testing.assert_array_equal(np.signbit(r[ok]), np.signbit(t[ok]))
    np.testing.assert_array_equal(np.isinf(r), np.isinf(t))
    fin = np.isfinite(t)
    np.testing.assert_allclose(r[fin], t[fin], rtol=1e-6 if dt == np.float32 else 5e-16, atol=0)   # (torch: ~1e-6 at 1e30 ** 0.3)
    if e in (2, 3, -0.5, -1, -2):          # torch's formulas: bit for bit
        np.testing.assert_array_equal(r, t)
    one = np.array([(ember.from_numpy(x[k:k + 1]) ** e).item() for k in range(0, x.size, 97)], dt)
    np.testing.assert_array_equal(one, r[::97])      # the same value alone as inside a large array


@pytest.mark.parametrize("e", [3, 4, 2.5, -3, 0.5])
def test_gradient_matches_torch(e):
    torch = pytest.importorskip("torch")
    x = np.abs(_data(np.float32, 500)[10:]) + 0.1 if e in (2.5, 0.5) else _data(np.float32, 500)[10:]
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ex ** e).sum().backward()
    (tx ** e).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_float16_and_integer_exponent_paths_unchanged():
    torch = pytest.importorskip("torch")
    x = _data(np.float16, 200)
    np.testing.assert_array_equal((ember.from_numpy(x) ** 2).numpy(), (torch.from_numpy(x) ** 2).numpy())
    i = np.arange(-5, 6)
    np.testing.assert_array_equal((ember.from_numpy(i) ** 3).numpy(), (torch.from_numpy(i) ** 3).numpy())


def test_zero_dim():
    torch = pytest.importorskip("torch")
    for e in (2, 3, -0.5, 4, 2.5, -3):
        for v in (2.0, -1.5, -0.0):
            r, t = ember.tensor(v) ** e, torch.tensor(v) ** e
            assert r.shape == t.shape == () and r.dtype == ember.float32
            np.testing.assert_array_equal(r.numpy(), t.numpy())
