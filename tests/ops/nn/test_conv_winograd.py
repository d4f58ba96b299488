"""3x3 stride-1 convolutions by Winograd F(2x2, 3x3) against PyTorch: forward, input gradient
(a forward convolution of the output gradient, so Winograd too) and weight gradient, float32
and float64, odd and even sizes, padding 0-2, bias on and off, one and several images, serial
and over two threads, in one block of tiles and in many; and the cases that must stay im2col."""
import importlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

from ember.nn.functional_conv import _C  # noqa: E402
K = importlib.import_module(_C.__name__.rsplit(".", 1)[0] + ".conv_kernels")
W = importlib.import_module(_C.__name__.rsplit(".", 1)[0] + ".conv_winograd")


@pytest.fixture
def calls(monkeypatch):
    """How many convolutions ``winograd_conv`` ran and weight gradients ``winograd_dw`` took
    (a list of two counts)."""
    n = [0, 0]

    def spy(i, real):
        def counted(*args, **kwargs):
            n[i] += 1
            return real(*args, **kwargs)
        return counted
    monkeypatch.setattr(W, "winograd_conv", spy(0, W.winograd_conv))
    monkeypatch.setattr(W, "winograd_dw", spy(1, W.winograd_dw))
    return n


@pytest.fixture(params=["winograd", "winograd-blocks", "winograd-threads-split", "winograd-threads-blocks",
                        "im2col"])
def algorithm(request, monkeypatch, calls):
    """Every eligible convolution by Winograd (in one block of tiles, in blocks of one tile row,
    over two threads: the 16 GEMMs of one block split, or the blocks shared), or none. Input
    gradients by phases, so that they are Winograd too."""
    old = ember.get_num_threads()
    monkeypatch.setattr(K, "_PHASES_ALL", True)
    monkeypatch.setattr(W, "_ENABLED", request.param != "im2col")
    monkeypatch.setattr(W, "_MIN_C", 0)
    monkeypatch.setattr(W, "_MIN_H", 0)
    monkeypatch.setattr(W, "_MIN_H_ONE_THREAD", 0)
    monkeypatch.setattr(W, "_DW_MIN_H", 0)
    monkeypatch.setattr(W, "_MIN_SAVING", -10 ** 9)
    monkeypatch.setattr(W, "_FEW_IMAGES_IM2COL", False)
    if request.param.endswith("blocks"):
        monkeypatch.setattr(W, "_BLOCK_BYTES", 1)
        monkeypatch.setattr(W, "_MIN_BLOCK", 1)
    if "threads" in request.param:
        monkeypatch.setattr(W, "_PAR_FLOPS", 0)
        monkeypatch.setattr(W, "_SPLIT_GEMMS", request.param.endswith("split"))
        ember.set_num_threads(2)
    yield request.param
    ember.set_num_threads(old)


CASES = [  # (N, C, H, W), out channels, padding, bias
    ((2, 5, 9, 8), 6, 1, True),
    ((1, 4, 8, 8), 7, 1, False),
    ((3, 6, 7, 11), 4, 0, True),
    ((2, 3, 6, 5), 5, 2, True),
    ((1, 8, 5, 5), 8, 0, False),
    ((2, 4, 1, 1), 3, 1, True),        # one output position per image
    ((1, 3, 3, 4), 2, 0, True),        # one output row
    ((4, 16, 12, 10), 16, 1, True),
]


def _check(xs, O, p, bias, dtype, tol):
    rng = np.random.default_rng(sum(xs) + O + p)
    shapes = (xs, (O, xs[1], 3, 3), (O,))[:3 if bias else 2]
    arrays = [rng.standard_normal(sh).astype(dtype) for sh in shapes]
    E = [ember.tensor(a, requires_grad=True) for a in arrays]
    T = [torch.tensor(a, requires_grad=True) for a in arrays]
    ye, yt = F.conv2d(*E, padding=p), TF.conv2d(*T, padding=p)
    assert str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    gy = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(gy))
    yt.backward(torch.tensor(gy))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-4), (np.float64, 1e-10)])
@pytest.mark.parametrize("xs,O,p,bias", CASES)
def test_matches_torch(xs, O, p, bias, dtype, tol, algorithm, calls):
    _check(xs, O, p, bias, dtype, tol)
    # the forward and the input gradient (a convolution of gy, padded by 2 - p); the weight's
    assert calls == ([0, 0] if algorithm == "im2col" else [2, 1])


@pytest.mark.parametrize("p", [0, 1, 2])
def test_conv_transpose(p, algorithm, calls):
    """conv_transpose2d's forward is a convolution's input gradient, its input gradient a
    convolution: both Winograd at stride 1."""
    rng = np.random.default_rng(11 + p)
    x, w, b = rng.standard_normal((2, 5, 6, 7)), rng.standard_normal((5, 4, 3, 3)), rng.standard_normal(4)
    E = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    T = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    ye, yt = F.conv_transpose2d(*E, padding=p), TF.conv_transpose2d(*T, padding=p)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-10)
    gy = rng.standard_normal(tuple(yt.shape))
    ye.backward(ember.tensor(gy))
    yt.backward(torch.tensor(gy))
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)
    assert calls == ([0, 0] if algorithm == "im2col" else [2, 1])


def test_asymmetric_padding_and_strided_input(calls, monkeypatch):
    """'same' padding of an even kernel is asymmetric elsewhere; here the kernels' own
    asymmetric pads and a non-contiguous input, against im2col: forward and weight gradient."""
    monkeypatch.setattr(W, "_MIN_C", 0)
    monkeypatch.setattr(W, "_MIN_H", 0)
    monkeypatch.setattr(W, "_MIN_H_ONE_THREAD", 0)
    monkeypatch.setattr(W, "_DW_MIN_H", 0)
    monkeypatch.setattr(W, "_MIN_SAVING", -10 ** 9)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 9, 10, 5)).transpose(0, 3, 1, 2)      # (3, 5, 9, 10), a view
    w = rng.standard_normal((6, 5, 3, 3))
    for pads in (((0, 2), (1, 0)), ((2, 0), (0, 1)), ((1, 1), (2, 2))):
        y = K.conv_fwd(x, w, (1, 1), pads, (1, 1), 1)
        monkeypatch.setattr(W, "_ENABLED", False)
        ref = K.conv_fwd(x, w, (1, 1), pads, (1, 1), 1)
        monkeypatch.setattr(W, "_ENABLED", True)
        np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12)
    assert calls[0] == 3
    gy = rng.standard_normal((3, 6, 9, 10))
    for pads in (((1, 1), (1, 1)), ((0, 2), (1, 0))):
        dw = K.conv_dw_fwd(x, gy[..., :x.shape[2] + sum(pads[0]) - 2, :x.shape[3] + sum(pads[1]) - 2],
                           (3, 3), (1, 1), pads, (1, 1), 1)
        monkeypatch.setattr(W, "_ENABLED", False)
        ref = K.conv_dw_fwd(x, gy[..., :x.shape[2] + sum(pads[0]) - 2, :x.shape[3] + sum(pads[1]) - 2],
                            (3, 3), (1, 1), pads, (1, 1), 1)
        monkeypatch.setattr(W, "_ENABLED", True)
        np.testing.assert_allclose(dw, ref, rtol=1e-12, atol=1e-12)
    assert calls[1] == 2


def test_float32_error_is_im2col_level(monkeypatch):
    """Deep layers (C = 256): the float32 Winograd output and weight gradient are as close to
    the float64 ones as the float32 im2col results are (F(2x2, 3x3) adds little rounding)."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((4, 256, 14, 14))
    w = rng.standard_normal((128, 256, 3, 3)) / 48
    exact = K.conv_fwd(x, w, (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    x32, w32 = x.astype(np.float32), w.astype(np.float32)
    assert W.eligible(x32, w32, (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    err_w = np.abs(K.conv_fwd(x32, w32, (1, 1), ((1, 1), (1, 1)), (1, 1), 1) - exact).max()
    monkeypatch.setattr(W, "_ENABLED", False)
    err_i = np.abs(K.conv_fwd(x32, w32, (1, 1), ((1, 1), (1, 1)), (1, 1), 1) - exact).max()
    assert err_w < 4 * err_i + 1e-7, (err_w, err_i)
    gy = rng.standard_normal(exact.shape)
    exact = K.conv_dw_fwd(x, gy, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    dw_i = K.conv_dw_fwd(x32, gy.astype(np.float32), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    monkeypatch.setattr(W, "_ENABLED", True)
    assert W.dw_eligible(x32, gy.astype(np.float32), (3, 3), (1, 1), (1, 1), 1)
    dw_w = K.conv_dw_fwd(x32, gy.astype(np.float32), (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    assert np.abs(dw_w - exact).max() < 4 * np.abs(dw_i - exact).max() + 1e-6


@pytest.fixture
def one_thread():
    old = ember.get_num_threads()
    ember.set_num_threads(1)
    yield
    ember.set_num_threads(old)


def test_which_convolutions_are_eligible(one_thread):
    f32, one, pad = np.float32, (1, 1), ((1, 1), (1, 1))
    x, w = np.zeros((8, 128, 28, 28), f32), np.zeros((128, 128, 3, 3), f32)
    assert W.eligible(x, w, one, pad, one, 1)
    assert W.eligible(x.astype(np.float64), w.astype(np.float64), one, pad, one, 1)
    assert not W.eligible(x, w, (2, 2), pad, one, 1)                       # strided
    assert not W.eligible(x, w, one, pad, (2, 2), 1)                       # dilated
    assert not W.eligible(x, w[:, :64], one, pad, one, 2)                  # grouped
    assert not W.eligible(x, np.zeros((128, 128, 5, 5), f32), one, pad, one, 1)
    assert not W.eligible(x, w.astype(np.float64), one, pad, one, 1)       # mixed dtypes
    assert not W.eligible(x.astype(np.float16), w.astype(np.float16), one, pad, one, 1)
    assert not W.eligible(np.zeros((1, 3, 224, 224), f32), w[:64, :3], one, pad, one, 1)   # C = 3
    assert not W.eligible(x[:1, :, :1, :1], w, one, pad, one, 1)           # a 1x1 image
    assert not W.eligible(np.zeros((1, 512, 14, 14), f32), np.zeros((512, 512, 3, 3), f32), one, pad, one, 1)
    assert W.eligible(np.zeros((4, 256, 14, 14), f32), np.zeros((256, 256, 3, 3), f32), one, pad, one, 1)
    assert not W.eligible(np.zeros((2, 48, 56, 56), f32), w[:48, :48], one, pad, one, 1)     # 48 channels
    assert W.eligible(np.zeros((2, 64, 56, 56), f32), w[:64, :64], one, pad, one, 1)   # 64: on one thread
    assert W.eligible(np.zeros((1, 64, 112, 112), f32), w[:64, :64], one, pad, one, 1)      # ... big image
    assert not W.dw_eligible(np.zeros((1, 64, 112, 112), f32), np.zeros((1, 64, 112, 112), f32),
                             (3, 3), one, one, 1)
    assert W.dw_eligible(np.zeros((1, 128, 56, 56), f32), np.zeros((1, 128, 56, 56), f32), (3, 3), one, one, 1)
    assert not W.eligible(np.zeros((2, 64, 1, 1, 1), f32), np.zeros((64, 64, 3, 3, 3), f32),
                          (1, 1, 1), ((1, 1),) * 3, (1, 1, 1), 1)          # 3-d
    ember.set_num_threads(2)     # fewer images than threads: only a big image
    assert not W.eligible(np.zeros((1, 128, 28, 28), f32), w, one, pad, one, 1)
    assert W.eligible(np.zeros((2, 128, 28, 28), f32), w, one, pad, one, 1)
    assert W.eligible(np.zeros((1, 64, 112, 112), f32), w[:64, :64], one, pad, one, 1)
    assert not W.eligible(np.zeros((2, 64, 56, 56), f32), w[:64, :64], one, pad, one, 1)   # 64: im2col


def test_default_thresholds(calls, one_thread):
    """A first layer (C = 3) and 32 channels on 28 x 28 stay im2col; 128 channels run Winograd,
    forward, input gradient and weight gradient."""
    rng = np.random.default_rng(9)
    x = ember.tensor(rng.standard_normal((1, 3, 28, 28)).astype(np.float32), requires_grad=True)
    w3 = ember.tensor(rng.standard_normal((32, 3, 3, 3)).astype(np.float32), requires_grad=True)
    w32 = ember.tensor(rng.standard_normal((32, 32, 3, 3)).astype(np.float32), requires_grad=True)
    F.conv2d(F.conv2d(x, w3, padding=1), w32, padding=1).sum().backward()
    assert calls == [0, 0]
    x = ember.tensor(rng.standard_normal((1, 128, 28, 28)).astype(np.float32), requires_grad=True)
    w = ember.tensor(rng.standard_normal((128, 128, 3, 3)).astype(np.float32), requires_grad=True)
    F.conv2d(x, w, padding=1).sum().backward()
    assert calls == [2, 1]


def test_double_backward(algorithm):
    rng = np.random.default_rng(10)
    x, w = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((5, 4, 3, 3))
    E = [ember.tensor(a, requires_grad=True) for a in (x, w)]
    T = [torch.tensor(a, requires_grad=True) for a in (x, w)]
    (ge,) = ember.autograd.grad((F.conv2d(*E, padding=1) ** 2).sum(), E[0], create_graph=True)
    (gt,) = torch.autograd.grad((TF.conv2d(*T, padding=1) ** 2).sum(), T[0], create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-10, atol=1e-10)
    ge.sum().backward()
    gt.sum().backward()
    for e, t in zip(E, T):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)
