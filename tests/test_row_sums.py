"""Sums along the last axis by BLAS (ember/_row_sums.py): NumPy's accuracy, the same bits for a
row whatever block of rows it is summed in, and the reductions built on it agree with torch."""
import numpy as np
import pytest

import ember
from ember import _row_sums as rs

SHAPES = [(1000, 1000), (64, 4096), (3000, 64), (700, 10), (9, 50257), (1, 100000), (37, 784), (5, 12544)]


def _err(r, a):
    ref = a.astype(np.float64).sum(-1)
    return float((np.abs(r - ref) / np.abs(a).astype(np.float64).sum(-1)).max())


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_accuracy_at_numpys_level(shape, dt):
    a = np.random.default_rng(0).standard_normal(shape).astype(dt)
    r = rs.row_sum(a)
    assert r.dtype == dt and r.shape == shape[:-1]
    eps = np.finfo(dt).eps
    assert _err(r, a) <= max(4 * _err(np.add.reduce(a, axis=-1), a), 8 * eps)
    pos = np.abs(a) + 0.1      # no cancellation: relative to the sum itself
    assert _err(rs.row_sum(pos), pos) <= max(2 * _err(np.add.reduce(pos, axis=-1), pos), 8 * eps)


@pytest.mark.parametrize("n", [10, 64, 200, 768, 1000, 3136])
def test_a_rows_bits_do_not_depend_on_its_block(n):
    a = np.random.default_rng(1).standard_normal((203, n)).astype(np.float32)
    whole = rs.row_sum(a, min_size=0)
    rng = np.random.default_rng(2)
    for _ in range(20):
        i, j = sorted(rng.integers(0, 204, 2))
        np.testing.assert_array_equal(rs.row_sum(a[i:j], min_size=0), whole[i:j])
    for i in range(5):
        np.testing.assert_array_equal(rs.row_sum(a[i], min_size=0), whole[i])


def test_planes_of_a_channel_block_and_out():
    a = np.random.default_rng(3).standard_normal((4, 16, 3136)).astype(np.float32)
    whole = rs.row_sum(a)
    block = a[:, 5:11]                                   # not contiguous: planes one by one
    assert not block.flags.c_contiguous
    np.testing.assert_array_equal(rs.row_sum(block, min_size=0), whole[:, 5:11])
    np.testing.assert_array_equal(rs.row_sum(a[:, 8:16], min_size=0), whole[:, 8:16])   # one stacked product
    out = np.empty((4, 16), np.float32)
    assert rs.row_sum(a, out) is out
    np.testing.assert_array_equal(out, whole)


def test_special_values_and_fallbacks():
    a = np.zeros((8, 512), np.float32)
    a[0] = -0.0
    a[1, 3], a[2, 7], a[3, 1:3] = np.inf, np.nan, (np.inf, -np.inf)
    r = rs.row_sum(a)
    ref = np.add.reduce(a, axis=-1)
    np.testing.assert_array_equal(np.signbit(r), np.signbit(ref))
    np.testing.assert_array_equal(r, ref)
    ints = np.arange(5000).reshape(2, 2500)
    assert rs.row_sum(ints).dtype == ints.dtype        # integers: NumPy's sum
    assert rs.row_sum(np.ones(3000, np.float32)) == 3000.0
    assert rs.sum_last(np.ones((2, 30, 100)), 2, keepdims=True).shape == (2, 1, 1)


def test_sum_mean_softmax_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).standard_normal((300, 700)).astype(np.float32)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for f in (lambda T: T.sum(-1), lambda T: T.mean(-1, keepdim=True), lambda T: T.sum(),
              lambda T: T.mean((0, 1)), lambda T: T.softmax(-1), lambda T: T.log_softmax(-1)):
        np.testing.assert_allclose(f(e).detach().numpy(), f(t).detach().numpy(), rtol=1e-5, atol=5e-5)
    (e.softmax(-1) * e).sum().backward()
    (t.softmax(-1) * t).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_split_over_threads_gives_the_same_bits(monkeypatch, parallel_for_calls):
    a = np.random.default_rng(5).standard_normal((999, 768)).astype(np.float32)
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        one = rs.row_sum(a)
        before = parallel_for_calls[0]
        monkeypatch.setattr(rs, "PAR_BYTES", 1 << 12)
        ember.set_num_threads(2)
        two = rs.row_sum(a)
        assert parallel_for_calls[0] > before, "the threaded path did not run"
    finally:
        ember.set_num_threads(old)
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("shape", [(100, 1000), (256, 1000), (2000, 64), (3, 5, 700)])
def test_layer_norm_same_bits_with_and_without_grad(shape):
    x = np.random.default_rng(6).standard_normal(shape).astype(np.float32)
    ln = ember.nn.LayerNorm(shape[-1])
    with ember.no_grad():
        y_eval = ln(ember.tensor(x)).numpy()
    y_grad = ln(ember.tensor(x, requires_grad=True)).detach().numpy()
    np.testing.assert_array_equal(y_eval, y_grad)


def test_norms_of_a_0d_tensor_like_torch():
    torch = pytest.importorskip("torch")
    for f in (lambda T, x: x.norm(dim=0), lambda T, x: T.linalg.vector_norm(x, dim=0),
              lambda T, x: T.linalg.vector_norm(x, 1, 0, keepdim=True)):
        e, t = ember.tensor(-3.0, requires_grad=True), torch.tensor(-3.0, requires_grad=True)
        f(ember, e).backward()
        f(torch, t).backward()
        assert float(f(ember, e)) == float(f(torch, t)) and float(e.grad) == float(t.grad)
