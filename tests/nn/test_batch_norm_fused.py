"""Training-mode batch_norm as one fused node (ops/nn/norm.py BatchNormTrain) against PyTorch:
output, running statistics, gradients of input/weight/bias (each alone and together), with and
without affine parameters, 2-5 dims, float32 and float64, and second derivatives."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _run(lib, x, w, b, go, need, create_graph=False):
    X = lib.tensor(x, requires_grad=need[0])
    W = None if w is None else lib.tensor(w, requires_grad=need[1])
    B = None if b is None else lib.tensor(b, requires_grad=need[2])
    rm, rv = lib.zeros(x.shape[1], dtype=X.dtype), lib.ones(x.shape[1], dtype=X.dtype)
    y = lib.nn.functional.batch_norm(X, rm, rv, W, B, training=True, momentum=0.3, eps=1e-3)
    ins = [t for t in (X, W, B) if t is not None and t.requires_grad]
    grads = lib.autograd.grad(y, ins, lib.tensor(go), create_graph=create_graph) if ins else []
    out = [y.detach().numpy(), rm.numpy(), rv.numpy()] + [g.detach().numpy() for g in grads]
    if create_graph and ins:
        second = lib.autograd.grad(sum((g * g).sum() for g in grads), ins, allow_unused=True)
        out += [np.zeros(1) if s is None else s.numpy() for s in second]
    return out


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-5), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 7), (2, 4, 5, 6), (2, 3, 2, 3, 4)])
@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
def test_batch_norm_train_matches_torch(shape, affine, dtype, tol):
    rng = np.random.default_rng(len(shape))
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    go = rng.standard_normal(shape).astype(dtype)
    w = rng.uniform(0.5, 1.5, shape[1]).astype(dtype) if affine in ("weight", "both") else None
    b = rng.standard_normal(shape[1]).astype(dtype) if affine in ("bias", "both") else None
    for need in ((True, True, True), (True, False, False), (False, True, True), (False, False, True)):
        e, t = _run(ember, x, w, b, go, need), _run(torch, x, w, b, go, need)
        assert len(e) == len(t)
        for a, c in zip(e, t):
            np.testing.assert_allclose(a, c, rtol=tol, atol=tol)


@pytest.mark.parametrize("affine", ["none", "both"])
def test_batch_norm_train_double_backward(affine):
    rng = np.random.default_rng(9)
    x, go = rng.standard_normal((3, 2, 4, 5)), rng.standard_normal((3, 2, 4, 5))
    w = rng.uniform(0.5, 1.5, 2) if affine == "both" else None
    b = rng.standard_normal(2) if affine == "both" else None
    e = _run(ember, x, w, b, go, (True, True, True), create_graph=True)
    t = _run(torch, x, w, b, go, (True, True, True), create_graph=True)
    for a, c in zip(e, t):
        np.testing.assert_allclose(a, c, rtol=1e-9, atol=1e-9)


def test_output_is_not_the_saved_state_inplace_relu_after_it():
    """ResNet applies ReLU(inplace=True) to BatchNorm's output: the backward must not see it."""
    rng = np.random.default_rng(2)
    x, go = rng.standard_normal((4, 3, 5, 5)).astype(np.float32), rng.standard_normal((4, 3, 5, 5)).astype(np.float32)
    res = []
    for lib in (ember, torch):
        bn = lib.nn.BatchNorm2d(3, affine=False)
        X = lib.tensor(x, requires_grad=True)
        y = lib.relu_(bn(X))
        y.backward(lib.tensor(go))
        res.append((y.detach().numpy(), X.grad.numpy()))
    for a, c in zip(*res):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5)


def test_channel_blocks_over_two_threads_match_torch(monkeypatch):
    """The passes split by channels over two intra-op threads give torch's results."""
    from ember.ops.nn import norm
    monkeypatch.setattr(norm, "_PAR_BYTES", 0)
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        rng = np.random.default_rng(11)
        x = (rng.standard_normal((3, 5, 8, 9)) + 2).astype(np.float32)     # planes of 72: by channels
        go = rng.standard_normal(x.shape).astype(np.float32)
        w, b = rng.uniform(0.5, 1.5, 5).astype(np.float32), rng.standard_normal(5).astype(np.float32)
        e, t = _run(ember, x, w, b, go, (True, True, True)), _run(torch, x, w, b, go, (True, True, True))
        for a, c in zip(e, t):
            np.testing.assert_allclose(a, c, rtol=2e-5, atol=2e-5)
    finally:
        ember.set_num_threads(old)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-5), (np.float64, 1e-11)])
@pytest.mark.parametrize("shape", [(64, 32, 4, 4), (4, 512, 7, 7), (256, 6), (130, 7)])
def test_short_planes_by_images_match_torch_with_the_same_bits_on_two_threads(shape, dtype, tol, monkeypatch):
    """Planes shorter than SHORT_P (deep layers' 7x7 and 4x4 maps, BatchNorm1d): per-channel
    values as planes, row sums by one grouped product, split by images over the threads (forced
    here): torch's results, and one thread's bits on two."""
    from ember import _parallel_pass, _row_sums
    from ember.ops.nn import batchnorm_short
    assert int(np.prod(shape[2:])) < batchnorm_short.SHORT_P
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    go = rng.standard_normal(shape).astype(dtype)
    w, b = rng.uniform(0.5, 1.5, shape[1]).astype(dtype), rng.standard_normal(shape[1]).astype(dtype)
    t = _run(torch, x, w, b, go, (True, True, True))
    old = ember.get_num_threads()
    res = []
    try:
        for n in (1, 2):
            ember.set_num_threads(n)
            if n == 2:
                monkeypatch.setattr(_parallel_pass, "MIN_BYTES", 1)
                monkeypatch.setattr(_row_sums, "PAR_BYTES", 1)
            res.append(_run(ember, x, w, b, go, (True, True, True)))
    finally:
        ember.set_num_threads(old)
    for a, c in zip(res[0], t):
        np.testing.assert_allclose(a, c, rtol=tol, atol=tol)
    for a, c in zip(*res):
        np.testing.assert_array_equal(a, c)
