"""Large elementwise passes split over ember's intra-op threads (ember/_parallel_pass.py and
the ops that use it): with 2 threads every result and gradient has the same bits as with 1,
the split path really runs (parallel_for is called), small tensors stay on one call, and the
threaded results agree with torch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import _thread_pool as _tp
from ember import _parallel_pass as pp

DTYPES = [np.float32, np.float64]


@pytest.fixture
def calls(parallel_for_calls):
    """Counts the calls of ``parallel_for`` made through the parallel passes."""
    return parallel_for_calls


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).reshape(-1)


def same_bits_1_and_2(fn, calls, *, split=True):
    """Runs ``fn()`` (a list of arrays/Tensors) with 1 and with 2 threads; the results must be
    bitwise equal and (``split``) the 2-thread run must hand blocks to the pool."""
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        a = fn()
        before = calls[0]
        ember.set_num_threads(2)
        b = fn()
        if split:
            assert calls[0] > before, "the threaded path did not run"
        else:
            assert calls[0] == before
    finally:
        ember.set_num_threads(old)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        x = x.detach().numpy() if isinstance(x, ember.Tensor) else x
        y = y.detach().numpy() if isinstance(y, ember.Tensor) else y
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(_bits(x), _bits(y))
    return a


def _rand(shape, dt, seed=0, requires_grad=False):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dt)
    return ember.tensor(x, requires_grad=requires_grad)


# ---------------------------------------------------------------- the passes themselves
@pytest.mark.parametrize("dt", DTYPES)
def test_par_ufunc_broadcast_noncontiguous_and_out(dt, calls):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((800, 700)).astype(dt).T          # F-ordered (700, 800)
    b = rng.standard_normal((700, 1)).astype(dt)
    c = rng.standard_normal(800).astype(dt)

    def run():
        out = np.empty((700, 800), dt)
        return [pp.par_ufunc(np.add, a, b), pp.par_ufunc(np.multiply, c, a),
                pp.par_ufunc(np.greater, a, 0.5), pp.par_ufunc(np.subtract, a, c, out=out), out,
                pp.par_ufunc(np.add, a, 2, dtype=np.float64)]
    r = same_bits_1_and_2(run, calls)
    np.testing.assert_array_equal(r[0], a + b)
    assert r[2].dtype == np.bool_ and r[5].dtype == np.float64


def test_par_map_chunks_and_blocks(calls):
    x = np.random.default_rng(1).standard_normal((5, 200003)).astype(np.float32)
    fn = lambda a, s: np.exp(-a * a) * s + a   # noqa: E731
    r = same_bits_1_and_2(lambda: [pp.par_map(fn, x, np.float32(3), passes=3),
                                   pp.par_map(fn, x.T, 2.0)], calls)
    np.testing.assert_array_equal(r[0], fn(x, np.float32(3)))
    np.testing.assert_array_equal(r[1], fn(x.T, 2.0))


def test_par_blocks_keeps_reduced_axes(calls):
    x = np.random.default_rng(2).standard_normal((600, 4, 500))
    out = np.empty((600, 1, 500))
    same_bits_1_and_2(lambda: [pp.par_blocks(lambda o, a: np.sum(a, axis=1, keepdims=True, out=o), out, x,
                                             keep=(1,)).copy()], calls)
    np.testing.assert_array_equal(out, x.sum(axis=1, keepdims=True))


def test_small_tensors_stay_on_one_call(calls):
    x = _rand((100, 100), np.float32, requires_grad=True)

    def run():
        y = (x.relu() * 2 + x).exp().sigmoid()
        F.gelu(y).sum().backward()
        g = x.grad.clone()
        x.grad = None
        return [y, g]
    same_bits_1_and_2(run, calls, split=False)


def test_blocks_inside_a_worker_run_serially():
    seen = []

    def block(i):
        seen.append(pp.pass_threads(1 << 30))
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(2)
        _tp.parallel_for(block, 2)
    finally:
        ember.set_num_threads(old)
    assert sorted(seen) == [1, 1]


def test_worker_blocks_keep_the_callers_fp_state(calls):
    x = np.zeros(600000)
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError):
            old = ember.get_num_threads()
            try:
                ember.set_num_threads(2)
                pp.par_ufunc(np.divide, x, x)
            finally:
                ember.set_num_threads(old)


# ---------------------------------------------------------------- ops, forward and backward
@pytest.mark.parametrize("dt", DTYPES)
def test_binary_arithmetic_forward_backward(dt, calls):
    def run():
        a = _rand((64, 70, 140), dt, 0, True)
        b = _rand((70, 1), dt, 1, True)
        at = _rand((140, 70, 64), dt, 2, True)
        c = at.permute(2, 1, 0)                     # non-contiguous, a's shape
        y = (a + b) * a - a / (b.abs() + 1) + (c - a) * 0.5 + 3 - a * 2
        z = ember.tensor(np.arange(64 * 70 * 140).reshape(64, 70, 140)) + a   # int + float promotion
        (y.sum() + z.sum()).backward()
        return [y, z, a.grad, b.grad, at.grad]
    same_bits_1_and_2(run, calls)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", ["relu", "exp", "tanh", "sigmoid", "sqrt", "erf", "gelu", "abs", "sin"])
def test_unary_forward_backward(dt, name, calls):
    def run():
        x = _rand((50, 24, 1000), dt, 3, True)
        xs = x[:, ::2]                              # non-contiguous
        arg = xs.abs() if name == "sqrt" else xs
        f = F.gelu if name == "gelu" else getattr(ember, name)
        y = f(arg)
        (y * y).sum().backward()
        return [y, x.grad]
    same_bits_1_and_2(run, calls)


def test_inplace_relu_and_where(calls):
    def run():
        x = _rand((40, 64, 300), np.float32, 4, True)
        h = x * 1.5
        F.relu(h, inplace=True)
        y = ember.where(h > 0.3, h, x)
        y.sum().backward()
        return [h, y, x.grad]
    same_bits_1_and_2(run, calls)


def test_engine_sums_large_gradients(calls):
    def run():
        x = _rand((600, 1000), np.float32, 5, True)
        h = x * 2.0
        y = h.exp() + h.sin() + h.tanh()            # h's gradient summed from three uses
        y.sum().backward()
        return [x.grad]
    same_bits_1_and_2(run, calls)


@pytest.mark.parametrize("dt", DTYPES)
def test_layer_norm_forward_backward(dt, calls):
    def run():
        x = _rand((8, 197, 384), dt, 6, True)
        w = _rand((384,), dt, 7, True)
        b = _rand((384,), dt, 8, True)
        y = F.layer_norm(x, (384,), w, b)
        with ember.no_grad():
            y2 = F.layer_norm(x, (384,), w, b)
        (y * y).sum().backward()
        return [y, y2, x.grad, w.grad, b.grad]
    y, y2 = same_bits_1_and_2(run, calls)[:2]
    np.testing.assert_array_equal(_bits(y.detach().numpy()), _bits(y2.numpy()))   # fused = the ops


@pytest.mark.parametrize("dt", DTYPES)
def test_batch_norm_eval_and_train(dt, calls):
    def run():
        x = _rand((4, 64, 48, 48), dt, 9, True)
        rm, rv = _rand((64,), dt, 10), _rand((64,), dt, 11).abs() + 0.5
        w, b = _rand((64,), dt, 12, True), _rand((64,), dt, 13, True)
        with ember.no_grad():
            ye = F.batch_norm(x, rm, rv, w, b, training=False)
        yt = F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=True)
        (yt * yt).sum().backward()
        return [ye, yt, x.grad, w.grad, b.grad]
    same_bits_1_and_2(run, calls)


@pytest.mark.parametrize("k,s", [(3, 2), (2, 2)])   # overlapping and non-overlapping windows
def test_max_pool_backward(k, s, calls):
    def run():
        x = _rand((4, 64, 56, 56), np.float32, 14, True)
        y = F.max_pool2d(x, k, s, padding=k // 2 if k == 3 else 0)
        (y * y).sum().backward()
        return [y, x.grad]
    same_bits_1_and_2(run, calls)


@pytest.mark.parametrize("dt", DTYPES)
def test_softmax_family(dt, calls):
    def run():
        x = _rand((300, 2000), dt, 15, True)
        y = F.softmax(x, -1)
        z = F.log_softmax(x, -1)
        ((y * y).sum() + (z * y.detach()).sum()).backward()
        return [y, z, x.grad]
    same_bits_1_and_2(run, calls)


def _ints(shape, seed):
    """Small integers as float32: GEMMs of them are exact, whatever the BLAS's thread count
    (which changes a GEMM's rounding, outside these passes)."""
    return ember.tensor(np.random.default_rng(seed).integers(-3, 4, shape).astype(np.float32), requires_grad=True)


def test_attention_softmax_with_dead_rows(calls):
    def run():
        q, k = _ints((8, 12, 100, 64), 16), _ints((8, 12, 100, 64), 17)
        v = _rand((8, 12, 100, 64), np.float32, 18)
        mask = np.ones((100, 100), bool)
        mask[5] = False                               # an all-masked row
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=ember.tensor(mask))
        yc = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        ym = F.scaled_dot_product_attention(q, k, v, attn_mask=_rand((12, 100, 100), np.float32, 27))
        return [y, yc, ym]       # (blocks run their GEMMs on one BLAS thread, as with one thread set)
    same_bits_1_and_2(run, calls)


@pytest.mark.parametrize("safe", [False, True])
def test_attention_softmax_rows_arrays(safe, calls):
    from ember.ops.nn.attention import _softmax_rows
    s0 = np.random.default_rng(25).standard_normal((8, 12, 197, 197)).astype(np.float32)
    s0[1, 2, 3] = -np.inf

    def run():
        s, dead = _softmax_rows(s0.copy(), safe)
        return [s] + ([] if dead is None else [dead])
    r = same_bits_1_and_2(run, calls)
    assert len(r) == (2 if safe else 1) and (np.isnan(r[0][1, 2, 3]).all() != safe)


def test_linear_bias(calls):
    def run():
        x, w = _ints((1576, 768), 19), _ints((1000, 768), 20)
        b = _rand((1000,), np.float32, 21, True)
        with ember.no_grad():
            y0 = F.linear(x, w, b)
        y = F.linear(x, w, b)
        y.sum().backward()
        return [y0, y, b.grad, x.grad, w.grad]
    same_bits_1_and_2(run, calls)


@pytest.mark.parametrize("opt", ["SGD", "Adam"])
def test_optimizer_step(opt, calls):
    def run():
        p = ember.nn.Parameter(_rand((1000, 600), np.float32, 22))
        o = ember.optim.SGD([p], lr=0.1, momentum=0.9) if opt == "SGD" else ember.optim.Adam([p], lr=0.01)
        for i in range(2):
            p.grad = _rand((1000, 600), np.float32, 23 + i)
            o.step()
        return [p]
    same_bits_1_and_2(run, calls)


# ---------------------------------------------------------------- parity with torch, 2 threads
def test_threaded_ops_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(24)
    xn = rng.standard_normal((4, 64, 56, 56)).astype(np.float32)
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(2)
        x = ember.tensor(xn, requires_grad=True)
        y = F.gelu(F.max_pool2d(x, 3, 2, 1)).relu()
        yl = F.layer_norm(y, (28,))
        ys = F.softmax(yl * 3, -1)
        (ys * ys).sum().backward()
    finally:
        ember.set_num_threads(old)
    xt = torch.tensor(xn, requires_grad=True)
    yt = torch.nn.functional.gelu(torch.nn.functional.max_pool2d(xt, 3, 2, 1)).relu()
    ylt = torch.nn.functional.layer_norm(yt, (28,))
    yst = torch.nn.functional.softmax(ylt * 3, -1)
    (yst * yst).sum().backward()
    np.testing.assert_allclose(ys.detach().numpy(), yst.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("dt", DTYPES)
def test_gelu_without_autograd_is_the_composite(dt, calls):
    x = _rand((300, 1100), dt, 26) * 3

    def run():
        with ember.no_grad():
            fused = F.gelu(x)
        return [fused, x * (ember.erf(x * (1 / np.sqrt(2))) + 1) * 0.5]
    a, b = same_bits_1_and_2(run, calls)
    np.testing.assert_array_equal(_bits(a.numpy()), _bits(b.numpy()))


def test_results_laid_out_as_numpy_lays_them_out(calls):
    rng = np.random.default_rng(28)
    c = rng.standard_normal((700, 800)).astype(np.float32)
    f = np.asfortranarray(c)
    cl = rng.standard_normal((4, 50, 60, 64)).astype(np.float32).transpose(0, 3, 1, 2)   # channels_last-like
    cases = [(c, c), (f, f), (f, 2.0), (c, f), (cl, cl), (cl, 1.5), (c, c[0])]

    def run():
        out = []
        for a, b in cases:
            r = pp.par_ufunc(np.add, a, b)
            assert r.strides == np.add(a, b).strides
            out.append(r)
        return out
    same_bits_1_and_2(run, calls)


def test_par_copy_with_broadcast_and_cast(calls):
    src = np.random.default_rng(29).standard_normal((1, 900, 700))

    def run():
        dst = np.empty((4, 900, 700), np.float32)
        return [pp.par_copy(dst, src)]
    r = same_bits_1_and_2(run, calls)
    np.testing.assert_array_equal(r[0], np.broadcast_to(src.astype(np.float32), (4, 900, 700)))
