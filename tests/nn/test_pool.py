"""Pooling (F and modules) against PyTorch: values, indices, gradients, repr."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _cmp(fe, ft, x, tol=1e-6):
    rng = np.random.default_rng(9)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = fe(xe), ft(xt)
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(ye[1].numpy(), yt[1].numpy())
        assert str(ye[1].dtype) == str(yt[1].dtype)
        ye, yt = ye[0], yt[0]
    assert tuple(ye.shape) == tuple(yt.shape) and str(ye.dtype) == str(yt.dtype)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(tuple(yt.shape)).astype(x.dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


X2 = np.random.default_rng(0).standard_normal((2, 3, 9, 8)).astype(np.float32)


@pytest.mark.parametrize("args", [(2,), (3, 2, 1), (3, 2, 1, 2, True), ((2, 3), (1, 2), (1, 0), 1, True)])
def test_max_pool2d(args):
    _cmp(lambda x: F.max_pool2d(x, *args, return_indices=True),
         lambda x: TF.max_pool2d(x, *args, return_indices=True), X2)


@pytest.mark.parametrize("args", [(2,), (3, 2, 1), (3, 2, 1, True), (3, 2, 1, True, False), (3, 2, 1, True, True, 5)])
def test_avg_pool2d(args):
    _cmp(lambda x: F.avg_pool2d(x, *args), lambda x: TF.avg_pool2d(x, *args), X2)


@pytest.mark.parametrize("o", [(1, 1), (3, 4), (4, 3), (5, 7), (None, 3), 2])
def test_adaptive_pool2d(o):
    _cmp(lambda x: F.adaptive_avg_pool2d(x, o), lambda x: TF.adaptive_avg_pool2d(x, o), X2)
    _cmp(lambda x: F.adaptive_max_pool2d(x, o, True), lambda x: TF.adaptive_max_pool2d(x, o, True), X2)


def test_1d_3d_and_unbatched():
    rng = np.random.default_rng(1)
    x1 = rng.standard_normal((2, 3, 11))
    _cmp(lambda x: F.max_pool1d(x, 3, 2, 1, 1, True), lambda x: TF.max_pool1d(x, 3, 2, 1, 1, True), x1)
    _cmp(lambda x: F.avg_pool1d(x, 3, 2, 1, True, False), lambda x: TF.avg_pool1d(x, 3, 2, 1, True, False), x1)
    _cmp(lambda x: F.adaptive_avg_pool1d(x, 4), lambda x: TF.adaptive_avg_pool1d(x, 4), x1)
    x3 = rng.standard_normal((1, 2, 5, 6, 5))
    _cmp(lambda x: F.max_pool3d(x, 2, ceil_mode=True), lambda x: TF.max_pool3d(x, 2, ceil_mode=True), x3)
    _cmp(lambda x: F.avg_pool3d(x, 3, 2, 1), lambda x: TF.avg_pool3d(x, 3, 2, 1), x3)
    _cmp(lambda x: F.adaptive_avg_pool3d(x, (2, 3, 4)), lambda x: TF.adaptive_avg_pool3d(x, (2, 3, 4)), x3)
    _cmp(lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), rng.standard_normal((3, 6, 6)))


def test_max_unpool_and_nan():
    v, i = F.max_pool2d(ember.tensor(X2), 2, return_indices=True)
    vt, it = TF.max_pool2d(torch.tensor(X2), 2, return_indices=True)
    np.testing.assert_array_equal(F.max_unpool2d(v, i, 2, output_size=(9, 8)).numpy(),
                                  TF.max_unpool2d(vt, it, 2, output_size=(9, 8)).numpy())
    x = np.array([[[[1.0, np.nan], [0.0, 2.0]]]], dtype=np.float32)
    assert np.isnan(F.max_pool2d(ember.tensor(x), 2).item())


def test_pool_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        F.max_pool2d(ember.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(ember.ones(1, 1, 1, 1), 2)


@pytest.mark.parametrize("cls,args", [("MaxPool2d", (2,)), ("MaxPool2d", (3, 2, 1, 1, False, True)),
                                      ("MaxPool1d", (3,)), ("AvgPool2d", (2,)), ("AvgPool2d", (3, 2, 1)),
                                      ("AvgPool1d", (2,)), ("AdaptiveAvgPool2d", ((1, 1),)),
                                      ("AdaptiveAvgPool2d", (7,)), ("AdaptiveMaxPool2d", ((2, 3),)),
                                      ("MaxUnpool2d", (2,)), ("AvgPool3d", (2,))])
def test_module_repr(cls, args):
    assert repr(getattr(ember.nn, cls)(*args)) == repr(getattr(torch.nn, cls)(*args))


def test_max_pool_random_configs_match_pytorch():
    """Values, indices and gradients of max_pool1d/2d/3d over random kernel/stride/padding/
    dilation/ceil_mode, with ties (first maximum wins) and NaN (NaN wins), as PyTorch."""
    import random
    rng = np.random.default_rng(11)
    rnd = random.Random(11)
    checked = 0
    for _ in range(80):
        nd = rnd.choice([1, 2, 3])
        k = tuple(rnd.randint(1, 3) for _ in range(nd))
        s = tuple(rnd.randint(1, 3) for _ in range(nd))
        p = tuple(rnd.randint(0, kk // 2) for kk in k)
        d = tuple(rnd.randint(1, 2) for _ in range(nd))
        cm = rnd.random() < 0.3
        x = rng.standard_normal((2, 2) + tuple(rnd.randint(3, 7) for _ in range(nd)))
        if rnd.random() < 0.4:
            x = np.round(x)
        if rnd.random() < 0.15:
            x[(0,) * x.ndim] = np.nan
        name = f"max_pool{nd}d"
        xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
        try:
            ot, it = getattr(torch.nn.functional, name)(xt, k, s, p, d, cm, True)
        except RuntimeError:
            continue
        oe, ie = getattr(F, name)(xe, k, s, p, d, cm, True)
        assert np.array_equal(oe.detach().numpy(), ot.detach().numpy(), equal_nan=True), (k, s, p, d, cm)
        assert np.array_equal(ie.numpy(), it.numpy()), (k, s, p, d, cm)
        g = rng.standard_normal(tuple(ot.shape))
        ot.backward(torch.tensor(g))
        oe.backward(ember.tensor(g))
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), atol=1e-12)
        checked += 1
    assert checked > 40


def test_max_pool_windows_of_only_minus_inf_report_first_in_bounds_element():
    """A window holding only -inf (and padding) reports its first in-bounds element, as
    PyTorch, and the gradient goes there (not to a wrapped negative index)."""
    rng = np.random.default_rng(12)
    for nd, name in ((1, "max_pool1d"), (2, "max_pool2d"), (3, "max_pool3d")):
        for _ in range(20):
            x = rng.standard_normal((1, 2) + (5,) * nd)
            x[rng.random(x.shape) < 0.6] = -np.inf
            xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
            ot, it = getattr(TF, name)(xt, 2, 2, 1, 1, False, True)
            oe, ie = getattr(F, name)(xe, 2, 2, 1, 1, False, True)
            assert np.array_equal(ie.numpy(), it.numpy())
            assert np.array_equal(oe.detach().numpy(), ot.detach().numpy())
            g = rng.standard_normal(tuple(ot.shape))
            ot.backward(torch.tensor(g))
            oe.backward(ember.tensor(g))
            np.testing.assert_array_equal(xe.grad.numpy(), xt.grad.numpy())
