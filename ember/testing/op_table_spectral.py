"""Op-table entries for complex numbers as real pairs (ember/ops/complex_ops.py) and the window
functions and short-time Fourier transform (ember/ops/spectral.py). Complex results are
compared through ``view_as_real`` so that the generic gradient checks see real outputs.
Imported by :mod:`ember.testing.op_table` before it builds the active table."""
import math

from .._backend import np
from .op_info import FLOAT, DT, Sample, ErrorInput, entry, make_array


def _m(rng, shape, dtype, low=-3.0, high=3.0, layout="c"):
    return make_array(rng, shape, dtype, low, high, layout=layout)


def _err(*args, exc=RuntimeError, **kwargs):
    return ErrorInput(Sample(tuple(args), kwargs), exc)


# --------------------------------------------------------------------------- complex_ops
def _pairs(dt, rng):
    return [Sample((_m(rng, a, dt), _m(rng, b, dt))) for a, b in
            (((3,), (3,)), ((2, 3), (3,)), ((), ()), ((3, 4), (3, 1)), ((0, 3), (3,)))]


def _stack(a, b):
    a, b = np.broadcast_arrays(a, b)
    return np.stack([a, b], -1)


_NO_CHALF = {"parity_float16": "ember has no complex32 (ComplexHalf) dtype: complex/polar/view_as_complex "
                               "refuse float16 input, PyTorch gives complex32"}


# ``* 1``: PyTorch's view_as_real backward refuses the non-contiguous gradients the generic tests pass
entry("complex", _stack, _pairs, covers=("view_as_real",), method=False, xfail=dict(_NO_CHALF),
      call=lambda lib, a, b: lib.view_as_real(lib.complex(a, b)) * 1,
      errors=lambda: [_err(np.ones(2, np.float32), np.ones(2, np.float64)),
                      _err(np.ones(2, np.int64), np.ones(2, np.int64)),
                      _err(np.ones(2, np.float32), np.ones(3, np.float32))])
def _polar_pairs(dt, rng):
    """abs > 0: for negative abs PyTorch's gradient is that of |abs| (not the finite difference)."""
    return [Sample((_m(rng, a, dt, 0.2, 3.0), _m(rng, b, dt))) for a, b in
            (((3,), (3,)), ((2, 3), (3,)), ((), ()), ((3, 4), (3, 1)), ((0, 3), (3,)))]


entry("polar", lambda r, t: _stack(r * np.cos(t), r * np.sin(t)), _polar_pairs, method=False,
      call=lambda lib, a, b: lib.view_as_real(lib.polar(a, b)) * 1,
      errors=lambda: [_err(np.ones(2, np.float32), np.ones(2, np.float64))])
entry("view_as_complex", lambda x: x.copy(), lambda dt, rng: [
    Sample((_m(rng, s, dt),)) for s in ((3, 2), (2, 3, 2), (2,))], method=False, xfail=dict(_NO_CHALF),
      call=lambda lib, x: lib.view_as_real(lib.view_as_complex(x)) * 1,
      errors=lambda: [_err(np.ones(3, np.float32)), _err(np.ones((3, 2), np.int64))])
# (PyTorch refuses autograd into view_as_complex_copy's complex output)
entry("view_as_complex_copy", lambda x: x.copy(), lambda dt, rng: [
    Sample((_m(rng, s, dt),)) for s in ((3, 2), (2, 3, 2))], method=False, grad=False,
      xfail=dict(_NO_CHALF, parity_requires_grad="both libraries raise: no autograd into its complex output"),
      gradgrad=False, call=lambda lib, x: lib.view_as_real(lib.view_as_complex_copy(x)),
      errors=lambda: [_err(np.ones(3, np.float32))])
entry("view_as_real_copy", _stack, _pairs, method=False, xfail=dict(_NO_CHALF),
      call=lambda lib, a, b: lib.view_as_real_copy(lib.complex(a, b)) * 1)
entry("is_complex", lambda x: False, lambda dt, rng: [Sample((_m(rng, (2,), dt),))], grad=False, gradgrad=False,
      dtypes=("float32", "int64", "bool"), errors=lambda: [_err([1.0], exc=TypeError)])


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
