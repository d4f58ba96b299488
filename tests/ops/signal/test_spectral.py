"""Window functions, torch.signal.windows, stft/istft and the complex<->real-pair ops against
PyTorch: values, dtypes, gradients (signal and window), argument handling and errors."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().resolve_conj().numpy()
    return t.detach()._data


WINDOWS = ["hann_window", "hamming_window", "bartlett_window", "blackman_window", "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
def test_windows_match_torch(name):
    for n in (0, 1, 2, 3, 8, 33):
        for periodic in (True, False):
            for dt in ("float32", "float64"):
                a = getattr(ember, name)(n, periodic, dtype=getattr(ember, dt))
                b = getattr(torch, name)(n, periodic, dtype=getattr(torch, dt))
                assert a.dtype.name == dt and tuple(a.shape) == tuple(b.shape)
                np.testing.assert_allclose(_np(a), _np(b), atol=1e-6 if dt == "float32" else 1e-12)
    assert getattr(ember, name)(5).dtype == ember.float32
    w = getattr(ember, name)(4, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    for bad, exc in ((-1, RuntimeError), (4.0, TypeError)):
        for mod in (ember, torch):
            with pytest.raises(exc):
                getattr(mod, name)(bad)
    for mod in (ember, torch):
        with pytest.raises(RuntimeError):
            getattr(mod, name)(4, dtype=mod.int64)


def test_window_extra_parameters():
    for mod_args in ((5, False, 0.6, 0.4), (6, True, 0.5, 0.5)):
        np.testing.assert_allclose(_np(ember.hamming_window(*mod_args)), _np(torch.hamming_window(*mod_args)), atol=1e-6)
    for beta in (0.0, 3.0, 20.0):
        np.testing.assert_allclose(_np(ember.kaiser_window(7, False, beta)), _np(torch.kaiser_window(7, False, beta)),
                                   atol=1e-6)


SIGNAL = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "hamming", "hann", "kaiser", "nuttall",
          "general_hamming"]


@pytest.mark.parametrize("name", SIGNAL)
def test_signal_windows(name):
    for m in (0, 1, 2, 5, 8):
        for sym in (True, False):
            for dt in ("float32", "float64"):
                a = getattr(ember.signal.windows, name)(m, sym=sym, dtype=getattr(ember, dt))
                b = getattr(torch.signal.windows, name)(m, sym=sym, dtype=getattr(torch, dt))
                assert a.dtype.name == dt and tuple(a.shape) == tuple(b.shape)
                np.testing.assert_allclose(_np(a), _np(b), atol=1e-6)
    for mod in (ember, torch):
        with pytest.raises(ValueError):
            getattr(mod.signal.windows, name)(-1)


def test_signal_window_options_and_errors():
    W, E = torch.signal.windows, ember.signal.windows
    pairs = [(E.general_cosine(6, a=[0.5, 0.3, 0.2]), W.general_cosine(6, a=[0.5, 0.3, 0.2])),
             (E.exponential(5, center=1.0, sym=False, tau=2.0), W.exponential(5, center=1.0, sym=False, tau=2.0)),
             (E.gaussian(6, std=0.7, sym=False), W.gaussian(6, std=0.7, sym=False)),
             (E.kaiser(6, beta=4.0), W.kaiser(6, beta=4.0)),
             (E.general_hamming(5, alpha=0.6), W.general_hamming(5, alpha=0.6))]
    for a, b in pairs:
        np.testing.assert_allclose(_np(a), _np(b), atol=1e-6)
    for call in (lambda m: m.signal.windows.gaussian(4, std=-1.0), lambda m: m.signal.windows.kaiser(4, beta=-1.0),
                 lambda m: m.signal.windows.exponential(4, center=1.0),
                 lambda m: m.signal.windows.exponential(4, tau=0.0),
                 lambda m: m.signal.windows.hann(4, dtype=m.int64)):
        for mod in (ember, torch):
            with pytest.raises(ValueError):
                call(mod)


STFT_CASES = [dict(n_fft=16), dict(n_fft=16, hop_length=3, win_length=10, window="hann"),
              dict(n_fft=8, center=False, normalized=True, window="hamming"),
              dict(n_fft=9, pad_mode="constant", onesided=False, window="hamming"),
              dict(n_fft=16, pad_mode="circular", hop_length=5), dict(n_fft=12, pad_mode="replicate", win_length=7),
              dict(n_fft=16, hop_length=4, win_length=8, center=False, align_to_window=True, window="hann")]


def _kw(mod, kw, dtype):
    k = dict(kw)
    if "window" in k:
        k["window"] = getattr(mod, k["window"] + "_window")(k.get("win_length", k["n_fft"]), dtype=dtype,
                                                            requires_grad=True)
    return k


@pytest.mark.parametrize("kw", STFT_CASES, ids=[str(i) for i in range(len(STFT_CASES))])
@pytest.mark.parametrize("batched", [False, True])
def test_stft_istft_values_and_grads(kw, batched):
    x = np.random.default_rng(0).standard_normal((2, 50) if batched else (50,))
    res = []
    for mod in (ember, torch):
        k = _kw(mod, kw, mod.float64)
        t = mod.tensor(x, requires_grad=True)
        s = mod.stft(t, return_complex=True, **k)
        wgt = mod.tensor(np.linspace(-1, 1, 2 * s.numel()).reshape(tuple(s.shape) + (2,)))
        (mod.view_as_real(s) * wgt).sum().backward()
        k.pop("pad_mode", None)
        if k.pop("align_to_window", None):
            res.append((_np(s), _np(t.grad), _np(k["window"].grad)))
            continue
        spec = mod.tensor(_np(s), requires_grad=True)
        y = mod.istft(spec, length=50, **k)
        (y * mod.tensor(np.linspace(0, 1, 50))).sum().backward()
        wg = _np(k["window"].grad) if "window" in k else np.zeros(1)
        res.append((_np(s), _np(t.grad), _np(y), _np(spec.grad), wg))
    for a, b in zip(*res):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
    if len(res[0]) == 5:
        np.testing.assert_allclose(res[0][2], x, atol=1e-9)       # istft inverts stft


def test_stft_float32_dtypes_and_methods():
    x = np.random.default_rng(1).standard_normal(40).astype(np.float32)
    a = ember.tensor(x).stft(8, window=ember.hann_window(8), return_complex=True)
    b = torch.tensor(x).stft(8, window=torch.hann_window(8), return_complex=True)
    assert a.dtype == ember.complex64
    np.testing.assert_allclose(_np(a), _np(b), atol=2e-5)
    ya = a.istft(8, window=ember.hann_window(8))
    yb = b.istft(8, window=torch.hann_window(8))
    assert ya.dtype == ember.float32
    np.testing.assert_allclose(_np(ya), _np(yb), atol=2e-5)
    # complex input: two-sided by default
    z = (x[:20] + 1j * x[20:]).astype(np.complex64)
    np.testing.assert_allclose(_np(ember.stft(ember.tensor(z), 8)), _np(torch.stft(torch.tensor(z), 8)), atol=2e-5)
    with pytest.warns(UserWarning):
        r = ember.stft(ember.tensor(x), 8, window=ember.hann_window(8), return_complex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.stft(torch.tensor(x), 8, window=torch.hann_window(8), return_complex=False)
    assert tuple(r.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(r), _np(t), atol=2e-5)


@pytest.mark.parametrize("call", [
    lambda m, x: m.stft(x, 16),                                      # return_complex required
    lambda m, x: m.stft(x, 0, return_complex=True),
    lambda m, x: m.stft(x, 200, center=False, return_complex=True),
    lambda m, x: m.stft(x, 16, win_length=20, return_complex=True),
    lambda m, x: m.stft(x, 16, hop_length=0, return_complex=True),
    lambda m, x: m.stft(x, 16, window=m.ones(10), return_complex=True),
    lambda m, x: m.stft(x.reshape(2, 5, 10), 4, return_complex=True),
    lambda m, x: m.istft(m.stft(x, 16, return_complex=True).real, 16),
    lambda m, x: m.istft(m.stft(x, 16, return_complex=True), 16, window=m.zeros(16)),
    lambda m, x: m.istft(m.stft(x, 16, return_complex=True), 10),
    lambda m, x: m.istft(m.stft(x, 16, return_complex=True), 16, return_complex=True),
    lambda m, x: m.stft(x, 16, return_complex=True, align_to_window=True),
])
def test_stft_errors(call):
    x = np.random.default_rng(2).standard_normal(100).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for mod in (ember, torch):
            with pytest.raises(RuntimeError):
                call(mod, mod.tensor(x))
    for mod in (ember, torch):
        with pytest.raises(NotImplementedError):
            mod.stft(mod.tensor(x), 16, return_complex=True, pad_mode="bogus")


def test_complex_pairs():
    re, im = np.array([1.0, -2.0, 0.5]), np.array([0.25, 3.0, -1.0])
    z = ember.complex(ember.tensor(re), ember.tensor(im))
    assert z.dtype == ember.complex128
    v = ember.view_as_real(z)
    np.testing.assert_array_equal(v._data, np.stack([re, im], -1))
    v._data[0, 0] = 7.0                                  # a view: shares memory
    assert z._data[0].real == 7.0
    assert ember.view_as_complex(ember.tensor(np.stack([re, im], -1).astype(np.float32))).dtype == ember.complex64
    for call, exc in ((lambda m: m.view_as_real(m.ones(3)), RuntimeError),
                      (lambda m: m.view_as_complex(m.ones(3)), RuntimeError),
                      (lambda m: m.view_as_complex(m.ones(3, 2, dtype=m.int64)), RuntimeError),
                      (lambda m: m.complex(m.ones(2), m.ones(2, dtype=m.float64)), RuntimeError),
                      (lambda m: m.complex(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64)), RuntimeError),
                      (lambda m: m.polar(m.ones(2), m.ones(3)), RuntimeError)):
        for mod in (ember, torch):
            with pytest.raises(exc):
                call(mod)
    # gradients of a loss through complex arithmetic done on the real view
    res = []
    for mod in (ember, torch):
        a = mod.tensor(re, requires_grad=True)
        b = mod.tensor(im, requires_grad=True)
        p = mod.polar(a.abs() + 0.1, b)
        w = mod.view_as_real(p)
        loss = (w[..., 0] ** 2 * 3 + w[..., 1] * a).sum()
        loss.backward()
        res.append((_np(a.grad), _np(b.grad)))
    np.testing.assert_allclose(res[0][0], res[1][0], atol=1e-12)
    np.testing.assert_allclose(res[0][1], res[1][1], atol=1e-12)
