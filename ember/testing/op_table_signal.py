"""Op-table entries for the signal family (ember/ops/signal/): the window functions and the
short-time Fourier transform.
Imported by :mod:`ember.testing.op_table`."""
import math

from .._backend import np
from .op_info import DT, Sample, entry, _m, _err


# --------------------------------------------------------------------------- windows
def _cos_window(coefs):
    def ref(n, periodic=True, *args, dtype=None):
        if n <= 1:
            return np.ones(n, dtype)
        m = n + 1 if periodic else n
        x = 2 * math.pi * np.arange(n) / (m - 1)
        return sum(((-1) ** j) * c * np.cos(j * x) for j, c in enumerate(coefs)).astype(dtype)
    return ref


def _win_samples(*extra):
    def gen(dt, rng):
        return [Sample((n, p) + extra, dict(dtype=DT(dt))) for n in (0, 1, 2, 7, 12) for p in (True, False)]
    return gen


def _win_errors():
    return [_err(-1), _err(4, dtype=DT("int64")), _err(4.0, exc=TypeError)]


for _n, _c in (("hann_window", (0.5, 0.5)), ("blackman_window", (0.42, 0.5, 0.08))):
    entry(_n, _cos_window(_c), _win_samples(), grad=False, gradgrad=False, method=False, errors=_win_errors)
entry("hamming_window", lambda n, p, a, b, dtype: _cos_window((a, b))(n, p, dtype=dtype), _win_samples(0.6, 0.4),
      grad=False, gradgrad=False, method=False, errors=_win_errors)


def _bartlett(n, periodic=True, dtype=None):
    if n <= 1:
        return np.ones(n, dtype)
    m = n + 1 if periodic else n
    return (1 - np.abs(2 * np.arange(n) / (m - 1) - 1)).astype(dtype)


def _kaiser(n, periodic=True, beta=12.0, dtype=None):
    if n <= 1:
        return np.ones(n, dtype)
    m = n + 1 if periodic else n
    r = 1 - (2 * np.arange(n) / (m - 1) - 1) ** 2
    return (np.i0(beta * np.sqrt(np.clip(r, 0, None))) / np.i0(beta)).astype(dtype)


entry("bartlett_window", _bartlett, _win_samples(), grad=False, gradgrad=False, method=False, errors=_win_errors)
entry("kaiser_window", _kaiser, _win_samples(5.0), grad=False, gradgrad=False, method=False, errors=_win_errors)


# --------------------------------------------------------------------------- stft / istft
def _stft_call(lib, x, n_fft=8, hop_length=None, **kw):
    w = lib.hann_window(n_fft, dtype=x.dtype)
    return lib.view_as_real(lib.stft(x, n_fft, hop_length, window=w, return_complex=True, **kw)) * 1


def _stft_ref(x, n_fft=8, hop_length=None, center=True, pad_mode="reflect", normalized=False):
    hop = n_fft // 4 if hop_length is None else hop_length
    if center:
        p = n_fft // 2
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(p, p)], mode={"reflect": "reflect", "constant": "constant"}[pad_mode])
    w = 0.5 - 0.5 * np.cos(2 * math.pi * np.arange(n_fft) / n_fft)
    t = 1 + (x.shape[-1] - n_fft) // hop
    frames = np.stack([x[..., i * hop:i * hop + n_fft] * w for i in range(t)], -2)
    s = np.fft.rfft(frames, axis=-1, norm="ortho" if normalized else "backward")
    s = np.swapaxes(s, -1, -2)
    return np.stack([s.real, s.imag], -1).astype(x.dtype)


entry("stft", _stft_ref, lambda dt, rng: [
    Sample((_m(rng, (20,), dt),)), Sample((_m(rng, (2, 17), dt),), dict(hop_length=3)),
    Sample((_m(rng, (16,), dt),), dict(center=False, normalized=True)),
    Sample((_m(rng, (12,), dt),), dict(pad_mode="constant"))],
      call=_stft_call, method=False,
      errors=lambda: [_err(np.ones(20, np.float32), 0), _err(np.ones((2, 2, 20), np.float32))])


def _istft_call(lib, spec, n_fft=8, length=None, **kw):
    w = lib.hann_window(n_fft, dtype=spec.dtype)
    return lib.istft(lib.view_as_complex(spec.contiguous()), n_fft, window=w, length=length, **kw)


entry("istft", None, lambda dt, rng: [
    Sample((_m(rng, (5, 6, 2), dt),)), Sample((_m(rng, (2, 5, 7, 2), dt),), dict(length=20)),
    Sample((_m(rng, (5, 9, 2), dt),), dict(normalized=True, hop_length=2))],
      call=_istft_call, method=False,
      errors=lambda: [_err(np.ones((4, 6, 2), np.float32))])
