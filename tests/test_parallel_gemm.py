"""NumPy's BLAS next to ember's pool (ember/_thread_pool.py) and products split over the pool
(ember/_parallel_gemm.py, the "single" BLAS mode): each split (batch, rows, columns, broadcast
batches, ``out=``) gives one NumPy call's result (its bits when split along the batch), small
products and other dtypes stay one call; NumPy's BLAS runs one thread (no idle workers spinning
on the pool's cores after a product)."""
import resource
import time

import numpy as np
import pytest

import ember
from ember import _thread_pool as _tp
from ember import _parallel_gemm as pg

threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture
def two_threads(monkeypatch, parallel_for_calls):
    """Two intra-op threads, every product large enough to split; counts parallel_for calls."""
    n = parallel_for_calls
    monkeypatch.setattr(pg, "MIN_FLOPS", 0)
    monkeypatch.setattr(pg, "_SECONDS_PER_FLOP", {np.dtype(np.float32): 1.0, np.dtype(np.float64): 1.0})  # "slow"
    monkeypatch.setattr(_tp, "_MODE", ["single"])
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    yield n
    ember.set_num_threads(old)


SHAPES = [  # a, b, split along the batch (bitwise equal): which split runs
    ((6, 40, 30), (6, 30, 20), True),         # the batch
    ((1, 40, 30), (5, 30, 20), True),         # a broadcast batch: still b's
    ((3, 4, 50, 8), (8, 40), True),           # b has no batch dims
    ((2, 20, 30), (1, 30, 90), True),         # batch of 2 = threads
    ((70, 30), (30, 20), False),              # rows of a (OpenBLAS may round a block's edge
    ((20, 30), (30, 90), False),              # columns of b   with another kernel)
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sa,sb,bitwise", SHAPES)
def test_splits_give_one_calls_result(two_threads, sa, sb, bitwise, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    ref = np.matmul(a, b)
    got = pg.gemm(a, b)
    assert two_threads[0] == 1, "the product was not split"
    assert got.dtype == ref.dtype and got.shape == ref.shape
    if bitwise:
        np.testing.assert_array_equal(got, ref)
    else:
        np.testing.assert_allclose(got, ref, rtol=1e-5 if dtype == np.float32 else 1e-13, atol=1e-5)


def test_out_and_transposed_operands(two_threads):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((30, 64)).astype(np.float32).T      # (64, 30), Fortran order
    b = rng.standard_normal((50, 30)).astype(np.float32).T      # (30, 50)
    out = np.full((64, 50), np.nan, np.float32)
    r = pg.gemm(a, b, out=out)
    assert r is out
    np.testing.assert_allclose(out, np.matmul(a, b), rtol=1e-5, atol=1e-5)


def test_small_other_dtypes_and_vectors_stay_one_call(monkeypatch):
    n = [0]
    monkeypatch.setattr(_tp, "parallel_for", lambda fn, k: n.__setitem__(0, n[0] + 1))
    monkeypatch.setattr(_tp, "_MODE", ["single"])
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        np.testing.assert_array_equal(pg.gemm(np.ones((4, 3)), np.ones((3, 2))), np.full((4, 2), 3.))
        monkeypatch.setattr(pg, "MIN_FLOPS", 0)
        i = np.arange(6).reshape(2, 3)
        np.testing.assert_array_equal(pg.gemm(i, i.T), i @ i.T)                  # integers
        np.testing.assert_array_equal(pg.gemm(np.ones((40, 3)), np.ones(3)), np.full(40, 3.))  # a vector
        c = np.ones((40, 3), np.complex64)
        np.testing.assert_array_equal(pg.gemm(c, c.T), c @ c.T)
    finally:
        ember.set_num_threads(old)
    assert n[0] == 0


def _blas_threads():
    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


def test_blas_runs_one_thread_inside_and_outside_parallel_blocks():
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(2)
        if _tp.blas_mode() == "own":
            pytest.skip("no BLAS threadpoolctl can set")
        assert _blas_threads() and set(_blas_threads()) == {1}
        seen = []
        _tp.parallel_for(lambda i: seen.append(_blas_threads()), 2)
        assert all(set(b) == {1} for b in seen)
        x = ember.randn(300, 400)
        (x @ x.T).relu().sum()
        assert set(_blas_threads()) == {1}
    finally:
        ember.set_num_threads(old)


def test_no_blas_workers_spin_after_a_product():
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(2)
        if _tp.blas_mode() == "own":
            pytest.skip("no BLAS threadpoolctl can set")
        a = ember.ones(400, 400)
        a @ a
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(0.1)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        spent = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
        assert spent < 0.03, f"{spent * 1e3:.0f} ms of CPU spent while idle"
    finally:
        ember.set_num_threads(old)


@pytest.mark.parametrize("threads", [1, 2])
def test_linear_and_matmul_match_torch_with_threads(threads, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(pg, "MIN_FLOPS", 0)
    old = ember.get_num_threads()
    ember.set_num_threads(threads)
    try:
        rng = np.random.default_rng(2)
        xs = [rng.standard_normal(s).astype(np.float32) for s in ((3, 40, 24), (16, 24), (3, 24, 40))]
        E = [ember.tensor(a, requires_grad=True) for a in xs]
        T = [torch.tensor(a, requires_grad=True) for a in xs]
        ye = (ember.nn.functional.linear(E[0], E[1]) @ E[2].transpose(1, 2)[:, :16]).sum()
        yt = (torch.nn.functional.linear(T[0], T[1]) @ T[2].transpose(1, 2)[:, :16]).sum()
        ye.backward()
        yt.backward()
        np.testing.assert_allclose(ye.item(), yt.item(), rtol=1e-4)
        for e, t in zip(E, T):
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=1e-4)
    finally:
        ember.set_num_threads(old)


def test_large_lapack_calls_use_the_threads_then_the_blas_is_back_at_one(monkeypatch):
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(2)
        if _tp.blas_mode() == "own":
            pytest.skip("no BLAS threadpoolctl can set")
        seen = []
        real = np.linalg.svd
        monkeypatch.setattr(np.linalg, "svd", lambda *a, **k: seen.append(_blas_threads()) or real(*a, **k))
        ember.linalg.svd(ember.randn(300, 300))            # large: the BLAS's threads
        ember.linalg.svd(ember.randn(8, 8))                # small: one thread
        assert [set(s) for s in seen] == [{2}, {1}]
        assert set(_blas_threads()) == {1}
        a = ember.randn(300, 300, dtype=ember.float64)
        torch = pytest.importorskip("torch")
        np.testing.assert_allclose(ember.linalg.inv(a).numpy(), torch.linalg.inv(torch.from_numpy(a.numpy())).numpy(),
                                   rtol=1e-6, atol=1e-8)
        assert set(_blas_threads()) == {1}
    finally:
        ember.set_num_threads(old)


@pytest.mark.parametrize("threads", [1, 2])
def test_wide_product_with_transposed_b_swapped(monkeypatch, threads):
    """x @ w.T with few rows (a Linear layer's forward) computed as (w @ x.T).T where the BLAS
    is faster that way: the same values, a C-contiguous result, ``out=`` filled."""
    monkeypatch.setattr(pg, "_SWAP", [True])
    monkeypatch.setattr(_tp, "_MODE", ["single"])
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 300)).astype(np.float32)
    w = rng.standard_normal((700, 300)).astype(np.float32)
    old = ember.get_num_threads()
    ember.set_num_threads(threads)
    try:
        calls = []
        real = np.matmul
        monkeypatch.setattr(pg.np, "matmul", lambda a, b, out=None: calls.append(a.shape) or real(a, b, out=out))
        got = pg.gemm(x, w.T)
        assert calls and all(s[-1] == 300 and s[0] != 16 for s in calls), "the product was not swapped"
        out = np.full((16, 700), np.nan, np.float32)
        assert pg.gemm(x, w.T, out=out) is out
    finally:
        ember.set_num_threads(old)
    ref = real(x.astype(np.float64), w.T.astype(np.float64))
    assert got.flags.c_contiguous and got.shape == (16, 700) and got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(out, got)


def test_swap_only_for_float32_wide_products(monkeypatch):
    monkeypatch.setattr(pg, "_SWAP", [True])
    seen = []
    real = np.matmul
    monkeypatch.setattr(pg.np, "matmul", lambda a, b, out=None: seen.append(a.shape) or real(a, b, out=out))
    rng = np.random.default_rng(4)
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)
    for a, b in [(rng.standard_normal((16, 300)), rng.standard_normal((700, 300)).T),   # float64
                 (f32(300, 300), f32(700, 300).T),                                        # a tall result
                 (f32(16, 300), f32(300, 700)),                                           # b not transposed
                 (f32(16, 300), f32(100, 300).T)]:                                        # narrow
        seen.clear()
        pg.gemm(a, b)
        assert seen == [a.shape], seen


def test_lead_blocks_cover_the_range_and_give_the_caller_more():
    for total, k, secs, mn in [(512, 2, 300e-6, 16), (100, 3, 1e-3, 1), (64, 4, 10.0, 1), (7, 2, 1.0, 1)]:
        sl = _tp.lead_blocks(total, k, secs, mn)
        assert sl[0].start == 0 and sl[-1].stop == total
        assert all(a.stop == b.start for a, b in zip(sl, sl[1:]))
        assert all(s.stop - s.start >= mn for s in sl)
        sizes = [s.stop - s.start for s in sl]
        assert sizes[0] >= max(sizes[1:]), sizes
    a, b = _tp.lead_blocks(512, 2, 300e-6, 16)          # 30 us of a 300 us product: ~55% first
    assert 0.53 < (a.stop - a.start) / 512 < 0.58
    assert len(_tp.lead_blocks(512, 2, 20e-6)) == 1    # shorter than a wake-up: not split


def test_worker_lets_go_of_the_job():
    """After parallel_for returns, no worker still refers to the blocks' function (its
    closure may hold a result the caller takes over without a copy, e.g. a leaf's .grad)."""
    import weakref
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        out = [0, 0]

        def fn(i):
            time.sleep(0.002)
            out[i] = 1
        _tp.parallel_for(fn, 2)
        ref = weakref.ref(fn)
        del fn
        assert ref() is None, "a worker still holds the job"
        assert out == [1, 1]
    finally:
        ember.set_num_threads(old)

