"""ember.fft against PyTorch: forward values and dtypes, gradients of real losses with respect to
real and complex inputs (weighted sums of the real view), argument handling and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

FUNCS_1D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
FUNCS_ND = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2", "ihfft2",
            "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}
NORMS = [None, "backward", "ortho", "forward"]


def _np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().resolve_conj().numpy()
    return t.detach()._data if hasattr(t, "_data") else np.asarray(t)


def _input(shape, cplx, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if cplx:
        x = x + 1j * rng.standard_normal(shape)
        return x.astype(np.complex128 if dtype == np.float64 else np.complex64)
    return x.astype(dtype)


def _loss(mod, y, w):
    r = mod.view_as_real(y.resolve_conj()) if y.is_complex() else y
    return (r * mod.tensor(w)).sum()


def _run(mod, name, x, kw, w=None):
    t = mod.tensor(x, requires_grad=True)
    y = getattr(mod.fft, name)(t, **kw)
    if w is None:
        return y, None
    _loss(mod, y, w).backward()
    return y, t.grad


def _check(name, x, kw, tol=1e-9):
    yt, _ = _run(torch, name, x, kw)
    shape = tuple(yt.shape) + ((2,) if yt.is_complex() else ())
    w = np.random.default_rng(1).standard_normal(shape).astype(np.float64 if x.dtype.itemsize in (8, 16) else np.float32)
    yt, gt = _run(torch, name, x, kw, w)
    ye, ge = _run(ember, name, x, kw, w)
    assert ye.dtype.name == str(yt.dtype).split(".")[1]
    assert tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(_np(ye), _np(yt), rtol=tol, atol=tol)
    assert ge.dtype.name == str(gt.dtype).split(".")[1]
    np.testing.assert_allclose(_np(ge), _np(gt), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", FUNCS_1D)
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("cplx", [False, True])
def test_1d_values_and_grads(name, norm, cplx):
    if cplx and name in REAL_ONLY:
        pytest.skip("real input only")
    for n in (None, 3, 8):
        for dim in (-1, 0):
            _check(name, _input((5, 6), cplx), dict(n=n, dim=dim, norm=norm))


@pytest.mark.parametrize("name", FUNCS_ND)
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("cplx", [False, True])
def test_nd_values_and_grads(name, norm, cplx):
    if cplx and name in REAL_ONLY:
        pytest.skip("real input only")
    x = _input((3, 4, 5), cplx)
    _check(name, x, dict(norm=norm))
    _check(name, x, dict(s=(6, 3), dim=(0, 2), norm=norm))
    _check(name, x, dict(s=(-1, 7), dim=(2, 0), norm=norm))
    if not name.endswith("2"):
        _check(name, x, dict(s=(4, 4), norm=norm))
        _check(name, x, dict(dim=(1,), norm=norm))


@pytest.mark.parametrize("name", FUNCS_1D + FUNCS_ND)
def test_float32_dtypes(name):
    for cplx in ([False] if name in REAL_ONLY else [False, True]):
        _check(name, _input((4, 6), cplx, np.float32), {}, tol=2e-5)


def test_int_input_promotes_to_default_float():
    for name in ("fft", "rfft", "irfft", "hfft"):
        a = getattr(ember.fft, name)(ember.tensor([1, 2, 3, 4]))
        b = getattr(torch.fft, name)(torch.tensor([1, 2, 3, 4]))
        assert a.dtype.name == str(b.dtype).split(".")[1]
        np.testing.assert_allclose(_np(a), _np(b), atol=1e-5)


def test_roundtrip_and_double_backward():
    x = ember.randn(8, dtype=ember.float64, requires_grad=True)
    y = ember.fft.irfft(ember.fft.rfft(x), n=8)
    np.testing.assert_allclose(y._data, x._data, atol=1e-12)
    xt = torch.tensor(x._data, requires_grad=True)
    for mod, t in ((ember, x), (torch, xt)):
        y = mod.fft.irfft(mod.fft.rfft(t * t), n=8)
        g, = mod.autograd.grad(y.sum(), t, create_graph=True)
        g2, = mod.autograd.grad((g * g).sum(), t)
        if mod is ember:
            ge, g2e = g, g2
        else:
            gt, g2t = g, g2
    np.testing.assert_allclose(_np(ge), _np(gt), atol=1e-10)
    np.testing.assert_allclose(_np(g2e), _np(g2t), atol=1e-10)


def test_zero_dim_and_out():
    a = ember.fft.fftn(ember.tensor(3.))
    assert a.dtype == ember.complex64 and a.item() == 3
    out = ember.empty(4, dtype=ember.complex64)
    r = ember.fft.fft(ember.tensor([1., 0., 0., 0.]), out=out)
    assert r is out and np.allclose(out._data, 1)


@pytest.mark.parametrize("call, exc", [
    (lambda m: m.fft.fft(m.ones(4), norm="bad"), RuntimeError),
    (lambda m: m.fft.fft(m.ones(4), n=0), RuntimeError),
    (lambda m: m.fft.fft(m.ones(4), n=-2), RuntimeError),
    (lambda m: m.fft.fft(m.ones(0)), RuntimeError),
    (lambda m: m.fft.fft(m.ones(4), dim=3), IndexError),
    (lambda m: m.fft.fft(m.ones(())), IndexError),
    (lambda m: m.fft.fft2(m.ones(4)), IndexError),
    (lambda m: m.fft.fft(m.ones(4, dtype=m.float16)), RuntimeError),
    (lambda m: m.fft.fftn(m.ones(4, 4), s=(2, 2, 2)), RuntimeError),
    (lambda m: m.fft.fftn(m.ones(4, 4), s=(2, 2), dim=(0,)), RuntimeError),
    (lambda m: m.fft.fftn(m.ones(4, 4), dim=(0, 0)), RuntimeError),
    (lambda m: m.fft.irfft(m.ones(1)), RuntimeError),
    (lambda m: m.fft.rfft(m.ones(3, dtype=m.complex64)), RuntimeError),
    (lambda m: m.fft.ihfft(m.ones(3, dtype=m.complex64)), RuntimeError),
    (lambda m: m.fft.fft([1.0]), TypeError),
    (lambda m: m.fft.fftfreq(4, dtype=m.int64), RuntimeError),
])
def test_errors_match_torch(call, exc):
    with pytest.raises(exc):
        call(torch)
    with pytest.raises(exc):
        call(ember)


def test_freqs_and_shifts():
    for n, d in ((1, 1.0), (4, 1.0), (5, 0.5), (8, 2.0)):
        for f in ("fftfreq", "rfftfreq"):
            a, b = getattr(ember.fft, f)(n, d), getattr(torch.fft, f)(n, d)
            assert a.dtype.name == "float32"
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-6)
        assert ember.fft.fftfreq(n, d, dtype=ember.float64).dtype == ember.float64
    x = np.arange(30.).reshape(5, 6)
    for dim in (None, 0, 1, (0, 1), (-1,)):
        for f in ("fftshift", "ifftshift"):
            a = getattr(ember.fft, f)(ember.tensor(x), dim=dim)
            b = getattr(torch.fft, f)(torch.tensor(x), dim=dim)
            np.testing.assert_array_equal(_np(a), _np(b))
    t = ember.tensor(x, requires_grad=True)
    (ember.fft.fftshift(t) * ember.tensor(x)).sum().backward()
    np.testing.assert_array_equal(t.grad._data, np.fft.ifftshift(x))


def test_compat_import():
    import importlib
    from ember import compat
    assert compat._attr_module("ember.fft") is ember.fft
    assert importlib.import_module("ember.fft").rfft is ember.fft.rfft


@pytest.mark.parametrize("cplx", [False, True])
def test_abs_losses_match_torch(cplx):
    """Real losses through |fft(x)| (abs of complex tensors) and a chain of transforms."""
    x = _input((4, 6), cplx)
    w = np.arange(24.0).reshape(4, 6)
    grads = []
    for mod in (ember, torch):
        t = mod.tensor(x, requires_grad=True)
        (mod.fft.fft(t).abs() * mod.tensor(w)).sum().backward()
        t2 = mod.tensor(x, requires_grad=True)
        mod.fft.ifft2(mod.fft.fftn(t2, dim=0)).abs().sum().backward()
        grads.append((_np(t.grad), _np(t2.grad)))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
