"""Max pooling without indices (no autograd recording): the separable values-only kernel gives
torch's values bit for bit; and the pooling nodes carry torch's grad_fn names."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops.nn import pool as P

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _cases(n, seed):
    rng = np.random.default_rng(seed)
    for trial in range(n):
        nd = int(rng.integers(1, 4))
        sp = tuple(int(v) for v in rng.integers(3, 9, nd))
        k = tuple(int(v) for v in rng.integers(1, 4, nd))
        s = tuple(int(v) for v in rng.integers(1, 4, nd))
        d = tuple(int(v) for v in rng.integers(1, 3, nd))
        p = tuple(int(min(rng.integers(0, 2), (dd * (kk - 1) + 1) // 2)) for kk, dd in zip(k, d))
        dt = [np.float32, np.float64, np.int64][trial % 3]
        x = (rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 4))) + sp) * 5).astype(dt)
        if trial % 5 == 0 and dt != np.int64:
            x.flat[rng.integers(0, x.size)] = np.nan
        yield nd, x, k, s, p, d, bool(rng.integers(0, 2))


@pytest.mark.parametrize("threads", [1, 2])
def test_values_path_matches_torch(threads):
    old = ember.get_num_threads()
    ember.set_num_threads(threads)
    try:
        for nd, x, k, s, p, d, cm in _cases(120, threads):
            if nd == 1 and x.dtype == np.int64:
                continue                     # torch has no integer max_pool1d
            ef, tf = getattr(F, f"max_pool{nd}d"), getattr(TF, f"max_pool{nd}d")
            try:
                want = tf(torch.tensor(x), k, s, p, d, cm).numpy()
            except RuntimeError:
                with pytest.raises(RuntimeError):
                    ef(ember.tensor(x), k, s, p, d, cm)
                continue
            got = ef(ember.tensor(x), k, s, p, d, cm).numpy()
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)
    finally:
        ember.set_num_threads(old)


def test_large_input_split_over_threads_is_identical():
    x = np.random.default_rng(1).standard_normal((4, 16, 64, 64)).astype(np.float32)
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        one = P.max_pool_values(x, (3, 3), (2, 2), (1, 1), (1, 1), False)
        ember.set_num_threads(2)
        two = P.max_pool_values(x, (3, 3), (2, 2), (1, 1), (1, 1), False)
    finally:
        ember.set_num_threads(old)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, TF.max_pool2d(torch.tensor(x), 3, 2, 1).numpy())


def test_recorded_and_indexed_calls_keep_the_indexed_path():
    x = ember.randn(1, 2, 6, 6, requires_grad=True)
    y = F.max_pool2d(x, 2)
    assert y.grad_fn is not None
    v, i = F.max_pool2d(x.detach(), 2, return_indices=True)
    assert i.dtype == ember.int64 and v.grad_fn is None


def _names(lib):
    f = lib.nn.functional
    x = lib.randn(1, 2, 6, 6, requires_grad=True)
    y = f.max_pool2d(x, 2)
    g, = lib.autograd.grad((y * y).sum(), x, create_graph=True)
    v, i = f.max_pool2d(x, 2, return_indices=True)
    return [y.grad_fn.name(), g.grad_fn.name(), f.max_pool3d(lib.randn(1, 1, 4, 4, 4, requires_grad=True), 2).grad_fn.name(),
            f.max_unpool2d(v, i, 2).grad_fn.name(), f.adaptive_max_pool2d(x, 3).grad_fn.name(),
            f.fractional_max_pool2d(x, 2, output_size=3).grad_fn.name()]


def test_node_names_as_torch():
    assert _names(ember) == _names(torch)


@pytest.mark.parametrize("shape", [(1, 120, 28, 28), (8, 64, 7, 7), (2, 3, 5, 9), (3, 5, 13), (1, 2, 3, 4, 5)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_global_average_pooling_outside_autograd(shape, dtype):
    """adaptive_avg_pool to size 1 without autograd is one mean: within an ulp of torch."""
    x = (np.random.default_rng(0).standard_normal(shape) * 3 + 1).astype(dtype)
    nd = len(shape) - 2
    with ember.no_grad():
        got = getattr(F, f"adaptive_avg_pool{nd}d")(ember.tensor(x), 1)
    want = getattr(TF, f"adaptive_avg_pool{nd}d")(torch.tensor(x), 1).numpy()
    assert got.shape == want.shape and got.dtype == ember.tensor(x).dtype
    np.testing.assert_allclose(got.numpy(), want, rtol=4 * np.finfo(dtype).eps, atol=4 * np.finfo(dtype).eps)
    xr = ember.tensor(x, requires_grad=True)
    assert getattr(F, f"adaptive_avg_pool{nd}d")(xr, 1).grad_fn is not None
