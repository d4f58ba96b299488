"""Each convolution algorithm (im2col by image / rows, 1x1 direct GEMM, depthwise direct) and
each thread split against PyTorch: forward and both gradients, float32 and float64, over
strides, padding, dilation and groups."""
import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import _thread_pool

torch = pytest.importorskip("torch")
TF = torch.nn.functional

from ember.nn.functional_conv import _C  # noqa: E402
K = importlib.import_module(_C.__name__.rsplit(".", 1)[0] + ".conv_kernels")   # the im2col kernels
D = importlib.import_module(K.__name__.rsplit(".", 1)[0] + ".conv_depthwise")
Wn = importlib.import_module(K.__name__.rsplit(".", 1)[0] + ".conv_windows")

CASES = [  # (N, C, *sp), (O, C/g, *k), stride, padding, dilation, groups
    ((3, 8, 9, 10), (6, 8, 1, 1), 1, 0, 1, 1),          # 1x1: the input is the im2col matrix
    ((1, 8, 9, 10), (6, 8, 1, 1), 2, 0, 1, 1),          # 1x1 strided
    ((2, 8, 9, 10), (6, 4, 1, 1), 1, 1, 1, 2),          # 1x1 padded, grouped
    ((3, 6, 11, 9), (6, 1, 3, 3), 1, 1, 1, 6),          # depthwise
    ((1, 6, 12, 12), (6, 1, 5, 5), 1, 2, 1, 6),         # depthwise 5x5
    ((2, 6, 11, 9), (6, 1, 3, 3), 1, 2, 2, 6),          # depthwise dilated
    ((2, 6, 11, 9), (6, 1, 3, 3), 2, 1, 1, 6),          # depthwise strided
    ((2, 4, 11, 9), (8, 1, 3, 3), 1, 1, 1, 4),          # depthwise, channel multiplier 2
    ((2, 6, 11, 9), (6, 1, 3, 2), (1, 2), (0, 1), (2, 1), 6),
    ((4, 5, 12, 11), (7, 5, 3, 3), 1, 1, 1, 1),
    ((3, 6, 12, 11), (4, 3, 3, 2), 2, (1, 0), (1, 2), 2),
    ((1, 4, 5, 5), (6, 4, 3, 3), 1, 1, 1, 1),
    # unstrided, fewer input than output channels: the input gradient's one add per tap
    ((2, 3, 130), (5, 3, 3), 1, 2, 2, 1),
    ((2, 4, 12, 11), (8, 2, 3, 2), 1, (2, 0), (2, 1), 2),
    ((1, 2, 5, 6, 5), (4, 2, 2, 3, 2), 1, 1, (1, 2, 1), 1),
    # one image: with threads, each takes a band of output rows (``_by_bands``)
    ((1, 5, 13, 11), (7, 5, 3, 3), 2, 1, 1, 1),
    ((1, 6, 12, 11), (4, 3, 3, 2), 1, (1, 0), (1, 2), 2),
    ((1, 3, 31), (5, 3, 3), 1, 1, 1, 1),
]


@pytest.fixture(params=["serial", "threads"])
def threads(request, monkeypatch):
    """Serial, and two threads with every size threshold at zero so each split runs."""
    old = ember.get_num_threads()
    if request.param == "threads":
        ember.set_num_threads(2)
        monkeypatch.setattr(K, "_PAR_BYTES", 0)
        monkeypatch.setattr(Wn, "_PAR_BYTES", 0)
        monkeypatch.setattr(D, "_PAR_BYTES", 0)
        monkeypatch.setattr(D, "_TASK_BYTES", 64)
        monkeypatch.setattr(K, "_BLOCK_BYTES", 1)
        monkeypatch.setattr(K, "_PAR_FLOPS", 0)
        monkeypatch.setattr(K, "_MIN_BAND", 1)
    else:
        ember.set_num_threads(1)
    yield request.param
    ember.set_num_threads(old)


def _check(xs, ws, s, p, d, g, dtype, tol, bias=True):
    rng = np.random.default_rng(sum(xs) + sum(ws))
    arrays = [rng.standard_normal(sh).astype(dtype) for sh in (xs, ws, (ws[0],))]
    if not bias:
        arrays = arrays[:2]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    fe = getattr(F, f"conv{len(xs) - 2}d")
    ft = getattr(TF, f"conv{len(xs) - 2}d")
    ye = fe(*E, stride=s, padding=p, dilation=d, groups=g)
    yt = ft(*T, stride=s, padding=p, dilation=d, groups=g)
    assert str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    gy = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(gy))
    yt.backward(torch.tensor(gy))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("xs,ws,s,p,d,g", CASES)
def test_conv_algorithms_match_torch(xs, ws, s, p, d, g, dtype, tol, threads):
    _check(xs, ws, s, p, d, g, dtype, tol)


@pytest.mark.parametrize("layout", ["rows", "by_image"])
def test_layouts_with_threads(layout, threads, monkeypatch):
    monkeypatch.setattr(K, "_BY_IMAGE", 10 ** 9 if layout == "rows" else 0)
    _check((4, 6, 7, 7), (8, 3, 3, 3), 1, 1, 1, 2, np.float64, 1e-10)
    _check((3, 4, 6, 6, 5), (4, 2, 2, 3, 2), (1, 2, 1), 1, 1, 2, np.float64, 1e-10, bias=False)


def test_depthwise_direct_equals_im2col(monkeypatch):
    """The direct depthwise kernels and the im2col GEMMs give the same numbers."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 5, 10, 9))
    w = rng.standard_normal((5, 1, 3, 3))
    args = ((1, 1), ((1, 1), (2, 2)), (1, 2), 5)
    y = K.conv_fwd(x, w, *args)
    gy = rng.standard_normal(y.shape)
    direct = (y, K.conv_dx_fwd(gy, w, (10, 9), *args), K.conv_dw_fwd(x, gy, (3, 3), *args))
    monkeypatch.setattr(K, "_DEPTHWISE", False)
    gemm = (K.conv_fwd(x, w, *args), K.conv_dx_fwd(gy, w, (10, 9), *args), K.conv_dw_fwd(x, gy, (3, 3), *args))
    for a, b in zip(direct, gemm):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_double_backward_depthwise():
    x = ember.randn(2, 3, 6, 6, dtype=ember.float64, requires_grad=True)
    w = ember.randn(3, 1, 3, 3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x, w: F.conv2d(x, w, padding=1, groups=3), (x, w))
    assert ember.autograd.gradgradcheck(lambda x, w: F.conv2d(x, w, padding=1, groups=3), (x, w))


# ----------------------------------------------------------------------------- the thread pool
def test_parallel_for_runs_every_block_and_reraises():
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        out = [0] * 7
        _thread_pool.parallel_for(lambda i: out.__setitem__(i, i + 1), 7)
        assert out == [1, 2, 3, 4, 5, 6, 7]

        def bad(i):
            if i == 3:
                raise ValueError("block 3")
        with pytest.raises(ValueError, match="block 3"):
            _thread_pool.parallel_for(bad, 4)
        inner = []    # a block that starts parallel work runs it serially, without deadlock
        _thread_pool.parallel_for(lambda i: _thread_pool.parallel_for(lambda j: inner.append((i, j)), 2), 2)
        assert sorted(inner) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    finally:
        ember.set_num_threads(old)


def test_set_num_threads_like_torch():
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        for bad, exc in ((0, RuntimeError), (1.5, RuntimeError)):
            with pytest.raises(exc):
                ember.set_num_threads(bad)
            with pytest.raises(exc):
                torch.set_num_threads(bad)
    finally:
        ember.set_num_threads(old)


@pytest.mark.parametrize("value", ["1"])
def test_omp_num_threads_sets_the_default_as_in_torch(value):
    code = "import {m}; print({m}.get_num_threads())"
    env = dict(os.environ, OMP_NUM_THREADS=value)
    env.pop("MKL_NUM_THREADS", None)
    got = [subprocess.run([sys.executable, "-c", code.format(m=m)], env=env, capture_output=True, text=True,
                          check=True).stdout.split()[-1] for m in ("ember", "torch")]
    assert got[0] == got[1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_pool_works_in_a_forked_child():
    """A child forked after the pool started (a DataLoader worker) gets fresh workers."""
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        _thread_pool.parallel_for(lambda i: None, 2)
        pid = os.fork()
        if pid == 0:   # the child: parallel work must finish (the parent's workers are gone)
            out = [0, 0]
            _thread_pool.parallel_for(lambda i: out.__setitem__(i, 1), 2)
            os._exit(0 if out == [1, 1] else 1)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
    finally:
        ember.set_num_threads(old)


@pytest.mark.parametrize("shape", [(4, 3, 11, 10), (1, 5, 11, 10)])
def test_max_pool_split_over_threads(shape, monkeypatch):
    """Max pooling split into blocks of planes (by batch, or by channel for one image) gives
    torch's values, indices and gradient, NaN included."""
    P = importlib.import_module(K.__name__.rsplit(".", 1)[0] + ".pool")
    monkeypatch.setattr(P, "_PAR_BYTES", 0)
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        x = np.random.default_rng(5).standard_normal(shape)
        x[0, 1, 2, 3] = np.nan
        xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ye, ie = F.max_pool2d(xe, 3, 2, 1, return_indices=True)
        yt, it = TF.max_pool2d(xt, 3, 2, 1, return_indices=True)
        np.testing.assert_array_equal(ye.detach().numpy(), yt.detach().numpy())
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        g = np.random.default_rng(6).standard_normal(tuple(yt.shape))
        ye.backward(ember.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    finally:
        ember.set_num_threads(old)


@pytest.mark.parametrize("s,m", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_depthwise_conv_transpose(s, m, threads):
    """conv_transpose with groups == out channels runs the depthwise input-gradient kernels."""
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal((2, 4 * m, 6, 5)), rng.standard_normal((4 * m, 1, 3, 3))
    xe, we = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ye = F.conv_transpose2d(xe, we, stride=s, padding=1, groups=4)
    yt = TF.conv_transpose2d(xt, wt, stride=s, padding=1, groups=4)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = rng.standard_normal(tuple(yt.shape))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_one_image_bands_split_the_output_rows(monkeypatch):
    """With two threads and one image, each thread computes a band of output rows end to end;
    the bands together give every output once (against the serial result, bit for bit in
    float64 up to the BLAS's blocking)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 24, 60, 57))       # large enough for a split to pay
    w = rng.standard_normal((32, 24, 3, 3))
    b = rng.standard_normal(32)
    old = ember.get_num_threads()
    calls = []
    real = K._by_bands
    monkeypatch.setattr(K, "_by_bands", lambda *a: calls.append(real(*a)) or calls[-1])
    monkeypatch.setattr(K, "_PAR_FLOPS", 0)
    try:
        ember.set_num_threads(1)
        serial = K.conv_fwd(x, w, (1, 1), ((1, 1), (0, 2)), (1, 1), 1, b)
        ember.set_num_threads(2)
        banded = K.conv_fwd(x, w, (1, 1), ((1, 1), (0, 2)), (1, 1), 1, b)
    finally:
        ember.set_num_threads(old)
    assert calls == [False, True]
    np.testing.assert_allclose(banded, serial, rtol=1e-12, atol=1e-12)
