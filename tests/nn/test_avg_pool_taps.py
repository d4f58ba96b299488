"""Average pooling summed tap after tap (``pool._tap_sum``), as torch's kernel adds a window:
torch's bits for 1d/2d/3d windows, strides, padding with and without counting it, ceil mode,
divisor_override, float32/float64 and half types (summed in float32), and its gradients."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [  # function, input shape, kwargs
    ("avg_pool2d", (4, 3, 12, 12), dict(kernel_size=2)),
    ("avg_pool2d", (2, 3, 11, 10), dict(kernel_size=3, stride=1, padding=1)),
    ("avg_pool2d", (2, 3, 11, 10), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d", (2, 3, 11, 10), dict(kernel_size=(3, 2), stride=(2, 3), ceil_mode=True)),
    ("avg_pool2d", (2, 3, 8, 8), dict(kernel_size=2, divisor_override=3)),
    ("avg_pool1d", (2, 3, 17), dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool3d", (2, 2, 6, 7, 5), dict(kernel_size=2, stride=(1, 2, 2))),
    ("avg_pool2d", (3, 9, 9), dict(kernel_size=1)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("fn,shape,kw", CASES)
def test_avg_pool_has_torch_bits(fn, shape, kw, dtype):
    x = np.random.default_rng(len(shape) + sum(shape)).standard_normal(shape).astype(np.float32)
    try:
        t = getattr(torch.nn.functional, fn)(torch.tensor(x).to(getattr(torch, dtype)), **kw)
    except NotImplementedError:        # (torch's CPU kernel lacks this dtype; ember computes it)
        pytest.skip(f"torch has no CPU {fn} for {dtype}")
    e = getattr(ember.nn.functional, fn)(ember.tensor(x).to(getattr(ember, dtype)), **kw)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.float().numpy(), t.float().numpy())


@pytest.mark.parametrize("fn,shape,kw", CASES[:5])
def test_avg_pool_gradients_match_torch(fn, shape, kw):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = getattr(ember.nn.functional, fn)(xe, **kw), getattr(torch.nn.functional, fn)(xt, **kw)
    g = rng.standard_normal(tuple(yt.shape))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def _names(L):
    F = L.nn.functional
    x = L.randn(2, 3, 8, 8, requires_grad=True)
    x3 = L.randn(2, 3, 4, 8, 8, requires_grad=True)
    x1 = L.randn(2, 3, 8, requires_grad=True)
    ys = [F.avg_pool1d(x1, 2), F.avg_pool2d(x, 2), F.avg_pool3d(x3, 2), F.adaptive_avg_pool1d(x1, 3),
          F.adaptive_avg_pool2d(x, 3), F.adaptive_avg_pool2d(x, 4), F.adaptive_avg_pool3d(x3, 3),
          F.adaptive_avg_pool2d(x, 1), F.adaptive_avg_pool1d(x1, 1), F.adaptive_avg_pool3d(x3, 1)]
    return [y.grad_fn.name() for y in ys] + [ys[i].grad_fn.next_functions[0][0].name() for i in (0, 3, 8)]


def test_pooling_nodes_have_torch_names():
    """avg_pool1d and adaptive 1-d pools are 2-d pools of one row (SqueezeBackward1 over them),
    global adaptive pools a mean (MeanBackward1), the rest AvgPool2DBackward0,
    AdaptiveAvgPool3DBackward0 ... as in torch."""
    assert _names(ember) == _names(torch)


@pytest.mark.parametrize("shape,out,fn", [((2, 3, 8, 8), 3, "adaptive_avg_pool2d"),
                                          ((2, 3, 4, 7, 9), (3, 2, 4), "adaptive_avg_pool3d"),
                                          ((2, 3, 10), 4, "adaptive_avg_pool1d"),
                                          ((3, 7, 5), (2, 3), "adaptive_avg_pool2d")])
def test_adaptive_avg_irregular_windows_match_torch_to_second_order(shape, out, fn):
    x = np.random.default_rng(5).standard_normal(shape)
    res = []
    for L in (torch, ember):
        X = L.tensor(x, requires_grad=True)
        y = getattr(L.nn.functional, fn)(X, out)
        g = L.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)) / 7, requires_grad=True)
        gx, = L.autograd.grad(y, X, g, create_graph=True)
        gg, = L.autograd.grad((gx * gx).sum(), g)        # through the backward: its own backward
        res.append((y.detach().numpy(), gx.detach().numpy(), gg.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
