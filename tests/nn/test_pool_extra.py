"""Fractional max pooling, LP pooling, the *_with_indices forms, 3-D adaptive max pooling and
3-D max-unpooling against PyTorch: values, indices and gradients."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(x, rg=True):
    return ember.tensor(x, requires_grad=rg), torch.tensor(x, requires_grad=rg)


def _check(ye, yt, xe, xt, rng, tol=1e-5):
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    w = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("seed", range(6))
def test_fractional_max_pool_exact(nd, seed):
    rng = np.random.default_rng(seed)
    sp = tuple(int(v) for v in rng.integers(5, 11, nd))
    k = tuple(int(v) for v in rng.integers(1, 4, nd))
    out = tuple(int(rng.integers(1, L - kk + 2 - (nd == 3))) for L, kk in zip(sp, k))
    batched = seed % 3 != 0
    shape = ((2,) if batched else ()) + (3,) + sp
    x = rng.standard_normal(shape).astype(np.float32)
    if seed == 1:
        x = np.round(x)                                     # ties: the first maximum wins
    s = rng.random((2 if batched else 1, 3, nd)).astype(np.float32)
    xe, xt = _pair(x)
    fe, ft = getattr(F, f"fractional_max_pool{nd}d"), getattr(TF, f"fractional_max_pool{nd}d")
    ve, ie = fe(xe, k, output_size=out, return_indices=True, _random_samples=ember.tensor(s))
    vt, it = ft(xt, k, output_size=out, return_indices=True, _random_samples=torch.tensor(s))
    np.testing.assert_array_equal(ie.numpy(), it.numpy())
    np.testing.assert_array_equal(ve.detach().numpy(), vt.detach().numpy())
    _check(ve, vt, xe, xt, rng)
    we, _ = getattr(F, f"fractional_max_pool{nd}d_with_indices")(ember.tensor(x), k, output_size=out,
                                                                    _random_samples=ember.tensor(s))
    np.testing.assert_array_equal(we.numpy(), vt.detach().numpy())


def test_fractional_output_ratio_and_module():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 11)).astype(np.float32)
    s = rng.random((2, 3, 2)).astype(np.float32)
    ye = F.fractional_max_pool2d(ember.tensor(x), 2, output_ratio=(0.5, 0.6), _random_samples=ember.tensor(s))
    yt = TF.fractional_max_pool2d(torch.tensor(x), 2, output_ratio=(0.5, 0.6), _random_samples=torch.tensor(s))
    np.testing.assert_array_equal(ye.numpy(), yt.numpy())
    me = ember.nn.FractionalMaxPool2d(3, output_size=(4, 5), _random_samples=ember.tensor(s))
    mt = torch.nn.FractionalMaxPool2d(3, output_size=(4, 5), _random_samples=torch.tensor(s))
    assert list(me.state_dict()) == list(mt.state_dict()) == ["_random_samples"]
    np.testing.assert_array_equal(me(ember.tensor(x)).numpy(), mt(torch.tensor(x)).numpy())
    x3 = rng.standard_normal((1, 2, 6, 7, 8)).astype(np.float32)
    s3 = rng.random((1, 2, 3)).astype(np.float32)
    v, i = ember.nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True,
                                        _random_samples=ember.tensor(s3))(ember.tensor(x3))
    vt, it = torch.nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True,
                                          _random_samples=torch.tensor(s3))(torch.tensor(x3))
    np.testing.assert_array_equal(i.numpy(), it.numpy())
    # without samples: random windows, but the right shape and every value is a window maximum
    y = ember.nn.FractionalMaxPool2d(2, output_size=4)(ember.tensor(x))
    assert y.shape == (2, 3, 4, 4) and set(y.numpy().ravel()) <= set(x.ravel())
    assert repr(me) == repr(mt) == "FractionalMaxPool2d()"


def test_fractional_errors():
    x = ember.randn(1, 2, 6, 6)
    xt = torch.randn(1, 2, 6, 6)
    cases = [dict(), dict(output_size=6), dict(output_size=3, _random_samples="3"),
             dict(output_size=3, _random_samples="dtype"), dict(output_size=3, _random_samples="batch")]
    for kw in cases:
        kwe, kwt = dict(kw), dict(kw)
        bad = kw.get("_random_samples")
        if bad == "3":
            kwe["_random_samples"], kwt["_random_samples"] = ember.rand(1, 2, 3), torch.rand(1, 2, 3)
        elif bad == "dtype":
            kwe["_random_samples"] = ember.rand(1, 2, 2, dtype=ember.float64)
            kwt["_random_samples"] = torch.rand(1, 2, 2, dtype=torch.float64)
        elif bad == "batch":
            kwe["_random_samples"], kwt["_random_samples"] = ember.rand(1, 2, 2), torch.rand(1, 2, 2)
            x, xt = ember.randn(2, 2, 6, 6), torch.randn(2, 2, 6, 6)
        with pytest.raises(Exception) as et:
            TF.fractional_max_pool2d(xt, 2, **kwt)
        with pytest.raises(et.type):
            F.fractional_max_pool2d(x, 2, **kwe)
    with pytest.raises(RuntimeError):
        F.fractional_max_pool3d(ember.randn(1, 1, 6, 6, 6), 2, output_size=5)
    with pytest.raises(IndexError):
        F.fractional_max_pool2d(ember.randn(6, 6), 2, output_size=3)
    for kw in (dict(), dict(output_size=2, output_ratio=0.5), dict(output_ratio=1.5)):
        with pytest.raises(ValueError):
            torch.nn.FractionalMaxPool2d(2, **kw)
        with pytest.raises(ValueError):
            ember.nn.FractionalMaxPool2d(2, **kw)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("norm_type,stride,ceil", [(2, None, False), (1, 1, False), (3, 2, True), (1.5, None, True)])
def test_lp_pool(nd, norm_type, stride, ceil):
    rng = np.random.default_rng(nd)
    shape = (2, 3) + (7, 6, 5)[:nd]
    x = rng.random(shape).astype(np.float32) + 0.1
    xe, xt = _pair(x)
    k = (3, 2, 2)[:nd] if nd > 1 else 3
    ye = getattr(F, f"lp_pool{nd}d")(xe, norm_type, k, stride, ceil)
    yt = getattr(TF, f"lp_pool{nd}d")(xt, norm_type, k, stride, ceil)
    _check(ye, yt, xe, xt, rng, 1e-4)
    me = getattr(ember.nn, f"LPPool{nd}d")(norm_type, k, stride, ceil)
    mt = getattr(torch.nn, f"LPPool{nd}d")(norm_type, k, stride, ceil)
    assert repr(me) == repr(mt)
    np.testing.assert_allclose(me(ember.tensor(x)).numpy(), mt(torch.tensor(x)).numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_pool_with_indices(nd):
    rng = np.random.default_rng(nd)
    x = rng.standard_normal((2, 3) + (8, 7, 6)[:nd]).astype(np.float32)
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)):
        xe, xt = _pair(x)
        ve, ie = getattr(F, f"max_pool{nd}d_with_indices")(xe, **kw)
        vt, it = getattr(TF, f"max_pool{nd}d_with_indices")(xt, **kw)
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        _check(ve, vt, xe, xt, rng)
        xe, xt = _pair(x)
        ve, ie = getattr(F, f"adaptive_max_pool{nd}d_with_indices")(xe, 3)
        vt, it = getattr(TF, f"adaptive_max_pool{nd}d_with_indices")(xt, 3)
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        _check(ve, vt, xe, xt, rng)


def test_adaptive_max_pool3d_and_unpool3d():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 2, 5, 6, 7)).astype(np.float32)
    for out in (2, (3, None, 4), (1, 1, 1)):
        xe, xt = _pair(x)
        ve, ie = ember.nn.AdaptiveMaxPool3d(out, return_indices=True)(xe)
        vt, it = torch.nn.AdaptiveMaxPool3d(out, return_indices=True)(xt)
        np.testing.assert_array_equal(ie.numpy(), it.numpy())
        _check(ve, vt, xe, xt, rng)
    assert repr(ember.nn.AdaptiveMaxPool3d(2)) == repr(torch.nn.AdaptiveMaxPool3d(2))
    x = rng.standard_normal((2, 2, 4, 6, 5)).astype(np.float32)
    v, i = TF.max_pool3d(torch.tensor(x), 2, return_indices=True)
    ve, vt = _pair(v.numpy())
    ue = ember.nn.MaxUnpool3d(2)(ve, ember.tensor(i.numpy()), output_size=(4, 6, 5))
    ut = torch.nn.MaxUnpool3d(2)(vt, i, output_size=(4, 6, 5))
    _check(ue, ut, ve, vt, rng)
    assert repr(ember.nn.MaxUnpool3d(2)) == repr(torch.nn.MaxUnpool3d(2))
    ve, vt = _pair(v.numpy())
    _check(F.max_unpool3d(ve, ember.tensor(i.numpy()), 2, output_size=(2, 2, 4, 6, 5)),
           TF.max_unpool3d(vt, i, 2, output_size=(2, 2, 4, 6, 5)), ve, vt, rng)
