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
