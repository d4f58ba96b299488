"""float32 fmod / remainder / floor_divide (ember/ops/elementwise/float_mod.py) and
rad2deg / deg2rad: PyTorch's bits, special values and signed zeros included, for large
arrays (the vector kernels) and small ones (NumPy's calls), tensor and scalar divisors,
broadcasting and integer dividends."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SPECIAL = np.array([0., -0., 1., -1., 2., -2., 3., 0.5, -0.5, 1e30, -1e30, 1e-40, -3e-41, np.inf, -np.inf,
                    np.nan, 7.5, -7.5, 16777217., 1e8, -3e9, 5e-39], np.float32)
OPS = ["fmod", "remainder", "floor_divide"]


def _same_bits(t, e):
    t, e = t.numpy(), e.numpy()
    assert t.shape == e.shape and t.dtype == e.dtype
    nan = np.isnan(t)
    np.testing.assert_array_equal(nan, np.isnan(e))
    np.testing.assert_array_equal(t[~nan].view(np.int32), e[~nan].view(np.int32))


def _pairs(n_random):
    rng = np.random.default_rng(0)
    divisors = SPECIAL[np.abs(SPECIAL) >= 1e-37]     # (torch's vector fmod gives NaN for subnormal divisors)
    a = np.concatenate([np.repeat(SPECIAL, len(divisors)),
                        (rng.standard_normal(n_random) * rng.choice([1, 10, 1e4, 1e9], n_random)).astype(np.float32)])
    b = np.concatenate([np.tile(divisors, len(SPECIAL)),
                        (rng.standard_normal(n_random) * rng.choice([1e-3, 1, 10, 1e4], n_random)).astype(np.float32)])
    return a, b


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("n_random", [0, 50_000])
def test_tensor_tensor_bits(op, n_random):
    a, b = _pairs(n_random)
    _same_bits(getattr(torch, op)(torch.from_numpy(a), torch.from_numpy(b)),
               getattr(ember, op)(ember.from_numpy(a), ember.from_numpy(b)))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("divisor", [3.0, -2.5, 0.0, 1e-3, float("inf")])
@pytest.mark.parametrize("n", [5, 100_000])
def test_scalar_divisor_bits(op, divisor, n):
    a, _ = _pairs(n)
    _same_bits(getattr(torch, op)(torch.from_numpy(a), divisor), getattr(ember, op)(ember.from_numpy(a), divisor))


@pytest.mark.parametrize("op", OPS)
def test_broadcast_and_integer_dividend(op):
    rng = np.random.default_rng(1)
    a = (rng.standard_normal((400, 30)) * 50).astype(np.float32)
    b = (rng.standard_normal((1, 30)) * 3).astype(np.float32)
    _same_bits(getattr(torch, op)(torch.from_numpy(a), torch.from_numpy(b)),
               getattr(ember, op)(ember.from_numpy(a), ember.from_numpy(b)))
    i = rng.integers(-100, 100, 5000)
    _same_bits(getattr(torch, op)(torch.from_numpy(i), 2.5), getattr(ember, op)(ember.from_numpy(i), 2.5))


def test_small_remainder_zeros_keep_the_dividends_sign():
    a, b = [-4., 4., -0., 3., 6.], [2., -2., 3., -3., 3.]
    _same_bits(torch.tensor(a) % torch.tensor(b), ember.tensor(a) % ember.tensor(b))
    assert str(ember.tensor(-4.) % 2) == str(torch.tensor(-4.) % 2)
    assert ember.remainder(ember.tensor([-4., 4.], dtype=ember.float64), -2).tolist() == [-0.0, 0.0]


def test_gradients_unchanged():
    a = ember.tensor([5.5, -7.0, 2.0], requires_grad=True)
    b = ember.tensor([2.0, 3.0, -1.5], requires_grad=True)
    ta, tb = (torch.tensor(t.tolist(), requires_grad=True) for t in (a, b))
    for f in ("fmod", "remainder"):
        getattr(ember, f)(a, b).sum().backward()
        getattr(torch, f)(ta, tb).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_rad2deg_deg2rad_bits(dtype):
    x = (np.random.default_rng(2).standard_normal(10_000) * 100).astype(np.float32)
    for f in ("rad2deg", "deg2rad"):
        t = getattr(torch, f)(torch.from_numpy(x).to(getattr(torch, dtype))).float().numpy()
        e = getattr(ember, f)(ember.from_numpy(x).to(getattr(ember, dtype))).float().numpy()
        np.testing.assert_array_equal(t, e)
