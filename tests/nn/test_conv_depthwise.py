"""The direct depthwise kernels (ember/ops/nn/conv_depthwise.py) against PyTorch: forward, input
gradient and weight gradient in float32 and float64, over kernel sizes, strides, padding,
dilation and channel multipliers (groups == in_channels, out_channels = k * in_channels), in
each block layout (channels-first, channels-last, taps copied out for one product), serially
and split over two threads."""
import importlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

D = importlib.import_module("ember.ops.nn.conv_depthwise")

CASES = [  # (N, C, *sp), multiplier, kernel, stride, padding, dilation
    ((2, 5, 9, 10), 1, (3, 3), 1, 1, 1),
    ((1, 4, 12, 11), 1, (5, 5), 1, 2, 1),
    ((2, 6, 11, 9), 1, (3, 3), 2, 1, 1),
    ((2, 3, 13, 12), 1, (5, 5), 2, 2, 1),
    ((1, 4, 14, 13), 1, (3, 3), 3, 0, 1),
    ((2, 4, 11, 9), 1, (3, 3), 1, 2, 2),
    ((2, 4, 12, 12), 1, (3, 3), 2, 2, 2),
    ((2, 3, 10, 9), 2, (3, 3), 1, 1, 1),
    ((1, 3, 11, 10), 3, (3, 2), 2, (1, 0), (1, 2)),
    ((2, 5, 9, 10), 1, (2, 4), (1, 2), (0, 1), (2, 1)),
    ((3, 4, 7, 7), 1, (1, 1), 1, 0, 1),
    ((2, 3, 6, 5), 1, (3, 3), 1, 0, 1),                  # no padding: the input read in place
    ((2, 3, 13), 1, (3,), 2, 1, 1),                      # 1d
    ((2, 4, 9), 2, (5,), 1, 2, 2),
    ((1, 3, 6, 7, 5), 1, (3, 3, 3), (2, 1, 1), 1, 1),    # 3d
    ((2, 2, 5, 6, 7), 2, (2, 3, 3), 1, (0, 1, 1), (2, 1, 1)),
]


@pytest.fixture(params=["first-serial", "last-serial", "gemv-serial", "first-threads", "last-threads", "gemv-threads"])
def mode(request, monkeypatch):
    """Each block layout, serially and on two threads with one channel per block ("gemv" runs
    at stride 1 only; strided cases fall back to channels-first)."""
    layout, how = request.param.split("-")
    monkeypatch.setattr(D, "_LAYOUT", layout)
    old = ember.get_num_threads()
    if how == "threads":
        ember.set_num_threads(2)
        monkeypatch.setattr(D, "_PAR_BYTES", 0)
        monkeypatch.setattr(D, "_TASK_BYTES", 16)
    else:
        ember.set_num_threads(1)
    yield request.param
    ember.set_num_threads(old)


def _check(xs, mult, k, s, p, d, dtype, tol, bias=True):
    C = xs[1]
    rng = np.random.default_rng(sum(xs) + mult + sum(k))
    arrays = [rng.standard_normal(sh).astype(dtype) for sh in (xs, (C * mult, 1) + k, (C * mult,))]
    if not bias:
        arrays = arrays[:2]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    nd = len(xs) - 2
    ye = getattr(F, f"conv{nd}d")(*E, stride=s, padding=p, dilation=d, groups=C)
    yt = getattr(TF, f"conv{nd}d")(*T, stride=s, padding=p, dilation=d, groups=C)
    assert ye.dtype == getattr(ember, str(yt.dtype).split(".")[1])
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    gy = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(gy))
    yt.backward(torch.tensor(gy))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("xs,mult,k,s,p,d", CASES)
def test_depthwise_matches_torch(xs, mult, k, s, p, d, dtype, tol, mode):
    _check(xs, mult, k, s, p, d, dtype, tol, bias=(sum(xs) % 2 == 0))


def test_mobilenet_shapes_match_torch():
    """The depthwise layers of MobileNet v3 (3x3 and 5x5, stride 1 and 2), many channels on
    small planes (channels-last blocks) and few on large ones, at two threads."""
    old = ember.get_num_threads()
    ember.set_num_threads(2)
    try:
        for xs, k, s in (((2, 16, 30, 30), (3, 3), 1), ((2, 40, 15, 15), (5, 5), 2),
                         ((1, 200, 7, 7), (5, 5), 1), ((3, 120, 8, 8), (3, 3), 2)):
            _check(xs, 1, k, s, k[0] // 2, 1, np.float32, 3e-4)
    finally:
        ember.set_num_threads(old)


def test_double_backward_strided_with_multiplier():
    x = ember.randn(2, 2, 7, 6, dtype=ember.float64, requires_grad=True)
    w = ember.randn(4, 1, 3, 3, dtype=ember.float64, requires_grad=True)

    def f(x, w):
        return F.conv2d(x, w, stride=2, padding=1, groups=2)
    assert ember.autograd.gradcheck(f, (x, w))
    assert ember.autograd.gradgradcheck(f, (x, w))


def test_too_small_input_raises_like_torch():
    x, w = np.ones((1, 3, 2, 2), np.float32), np.ones((3, 1, 3, 3), np.float32)
    with pytest.raises(RuntimeError):
        TF.conv2d(torch.tensor(x), torch.tensor(w), groups=3)
    with pytest.raises(RuntimeError):
        F.conv2d(ember.tensor(x), ember.tensor(w), groups=3)
