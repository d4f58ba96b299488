"""Max pooling with indices runs separably for overlapping windows (one spatial axis at a time,
the innermost axis split into contiguous phases): values and indices are torch's bit for bit,
with ties, NaN (the last one in a window wins), infinite gradients, non-contiguous inputs and
on 1 or 2 threads; gradients agree to float32 rounding (an element that is the maximum of three
or more windows sums them in float64, torch in float32)."""
import random

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops.nn import pool as P

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.fixture(params=[1, 2])
def threads(request):
    old = ember.get_num_threads()
    ember.set_num_threads(request.param)
    yield request.param
    ember.set_num_threads(old)


def _check(x, k, s, p, d, cm, g=None):
    nd = len(k)
    name = f"max_pool{nd}d"
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    try:
        ot, it = getattr(TF, name)(xt, k, s, p, d, cm, True)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            getattr(F, name)(xe, k, s, p, d, cm, True)
        return False
    oe, ie = getattr(F, name)(xe, k, s, p, d, cm, True)
    np.testing.assert_array_equal(oe.detach().numpy(), ot.detach().numpy())
    np.testing.assert_array_equal(ie.numpy(), it.numpy())
    if g is None:
        g = np.random.default_rng(0).standard_normal(tuple(ot.shape)).astype(x.dtype)
    ot.backward(torch.tensor(g))
    oe.backward(ember.tensor(g))
    ge, gt = xe.grad.numpy(), xt.grad.numpy()
    np.testing.assert_array_equal(np.isfinite(ge), np.isfinite(gt))
    fin = np.isfinite(gt)
    np.testing.assert_allclose(ge[fin], gt[fin], rtol=4e-7, atol=4e-7 * max(np.abs(gt[fin]).max(initial=0), 1))
    return True


def test_random_configs_float32_bits(threads):
    rnd = random.Random(5 + threads)
    rng = np.random.default_rng(5 + threads)
    checked = 0
    for _ in range(60):
        nd = rnd.choice([1, 2, 3])
        k = tuple(rnd.randint(1, 4) for _ in range(nd))
        s = tuple(rnd.randint(1, 3) for _ in range(nd))
        p = tuple(rnd.randint(0, kk // 2) for kk in k)
        d = tuple(rnd.randint(1, 2) for _ in range(nd))
        x = rng.standard_normal((2, 3) + tuple(rnd.randint(4, 9) for _ in range(nd))).astype(np.float32)
        if rnd.random() < 0.5:
            x = np.round(x)                                  # ties: the first maximum wins
        checked += _check(x, k, s, p, d, rnd.random() < 0.3)
    assert checked > 30


def test_overlapping_windows_sum_their_gradients(threads):
    """3x3 stride-2 windows share rows and columns: an element that is the maximum of up to four
    windows gets the sum of their gradients."""
    rng = np.random.default_rng(3)
    x = np.round(rng.standard_normal((4, 16, 33, 34)) * 2).astype(np.float32)
    g = (rng.standard_normal((4, 16, 17, 17)) * 10 ** rng.uniform(-4, 4, (4, 16, 17, 17))).astype(np.float32)
    assert _check(x, (3, 3), (2, 2), (1, 1), (1, 1), False, g)


def test_nan_input_and_infinite_gradient(threads):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 12, 12)).astype(np.float32)
    x[0, 1, 4, 4] = np.nan
    assert _check(x, (3, 3), (2, 2), (1, 1), (1, 1), False)
    x = rng.standard_normal((2, 3, 12, 12)).astype(np.float32)
    g = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    g[0, 0, 1, 1], g[1, 2, 3, 3], g[1, 1, 0, 0] = np.inf, -np.inf, np.nan
    assert _check(x, (3, 3), (2, 2), (1, 1), (1, 1), False, g)


def test_non_contiguous_input(threads):
    x = ember.randn(2, 5, 9, 11).permute(0, 2, 3, 1)       # (2, 9, 11, 5) with strides
    xn = x.numpy()
    xt, xe = torch.tensor(xn, requires_grad=True), x.detach().requires_grad_()
    ot = TF.max_pool2d(xt, 3, (2, 3), 1)
    oe = F.max_pool2d(xe, 3, (2, 3), 1)
    np.testing.assert_array_equal(oe.detach().numpy(), ot.detach().numpy())
    ot.sum().backward()
    oe.sum().backward()
    np.testing.assert_array_equal(xe.grad.numpy(), xt.grad.numpy())


def test_window_argmax_is_the_first_row_major_maximum():
    rng = np.random.default_rng(6)
    x = rng.integers(0, 3, (2, 2, 9, 10)).astype(np.float32)    # many ties
    out = (4, 4)
    m, arg = P._window_argmax(x, (3, 3), (2, 2), (1, 1), out)
    w = P._windows(x, (3, 3), (2, 2), (1, 1), out).reshape(2, 2, 4, 4, 9)
    np.testing.assert_array_equal(m, w.max(-1))
    np.testing.assert_array_equal(arg, w.argmax(-1))             # NumPy's argmax: the first


def test_the_last_nan_in_a_window_wins_as_in_torch():
    for shape, k, s in (((1, 1, 4), 3, 1), ((1, 2, 5, 5), 3, 1), ((2, 1, 6), 2, 2)):
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        x.reshape(-1)[::2] = np.nan
        name = f"max_pool{len(shape) - 2}d"
        xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
        ot, it = getattr(TF, name)(xt, k, s, return_indices=True)
        oe, ie = getattr(F, name)(xe, k, s, return_indices=True)
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        ot.sum().backward()
        oe.sum().backward()
        np.testing.assert_array_equal(xe.grad.numpy(), xt.grad.numpy())


def test_non_overlapping_windows_write_a_negative_zero_gradient_as_zero():
    x = torch.randn(1, 1, 4, 4)
    g = -torch.zeros(1, 1, 2, 2)
    res = []
    for L, xx, gg in ((torch, x, g), (ember, ember.tensor(x.numpy()), ember.tensor(g.numpy()))):
        xx = xx.clone().requires_grad_()
        L.nn.functional.max_pool2d(xx, 2).backward(gg)
        res.append(np.signbit(xx.grad.numpy()))
    np.testing.assert_array_equal(res[0], res[1])
