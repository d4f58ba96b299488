"""Window functions and the short-time Fourier transform: ``hann_window``, ``hamming_window``,
``bartlett_window``, ``blackman_window``, ``kaiser_window``, ``stft`` and ``istft``.

``stft`` pads (``center``), cuts the signal into overlapping frames (``unfold``), weights them by
the window and takes ``rfft``/``fft`` of each; ``istft`` inverts it by overlap-add divided by the
overlap-added squared window. Both are compositions of differentiable ops (the overlap-add is
one op whose backward is framing), so gradients flow to the signal and the window.

>>> spec = ember.stft(ember.ones(16), 8, window=ember.hann_window(8), return_complex=True)
>>> spec.shape
torch.Size([5, 9])
>>> ember.istft(spec, 8, window=ember.hann_window(8), length=16).allclose(ember.ones(16))
True
"""
import builtins
import math
import warnings

from .._util import np, D, _wrap, Op, apply_op
from ..elementwise.elementwise_more import _check_tensor

__all__ = ["hann_window", "hamming_window", "bartlett_window", "blackman_window", "kaiser_window",
           "stft", "istft"]


# ---------------------------------------------------------------- windows
def _window(name, length, periodic, dtype, requires_grad, fn):
    """``fn(k, n)`` (float64, k = 0..n-1 of a symmetric window of n points) as a tensor."""
    if not isinstance(length, int) or isinstance(length, builtins.bool):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, "
                        f"not {type(length).__name__}")
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={length}")
    dt = D._default[0] if dtype is None else dtype
    if dt.np.kind != "f" and dt.name != "bfloat16":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt}")
    if length <= 1:
        w = np.ones(length)
    else:
        n = length + 1 if periodic else length
        w = fn(np.arange(length, dtype=np.float64), n)
    t = _wrap(w.astype(dt.np))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _cos_sum(coefs):
    def fn(k, n):
        x = 2.0 * math.pi * k / (n - 1)
        return sum(((-1) ** j) * c * np.cos(j * x) for j, c in enumerate(coefs))
    return fn


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                requires_grad=False, pin_memory=False):
    """The Hann window ``0.5 - 0.5 cos(2 pi k / N)`` (periodic: N = length; else length - 1).

    >>> ember.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("hann_window", window_length, periodic, dtype, requires_grad, _cos_sum((0.5, 0.5)))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None,
                   device=None, requires_grad=False, pin_memory=False):
    """The Hamming window ``alpha - beta cos(2 pi k / N)``.

    >>> ember.hamming_window(4)
    tensor([0.0800, 0.5400, 1.0000, 0.5400])
    """
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   _cos_sum((alpha, beta)))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False, pin_memory=False):
    """The Blackman window ``0.42 - 0.5 cos(2 pi k / N) + 0.08 cos(4 pi k / N)``.

    >>> ember.blackman_window(4, periodic=False)[1:3]
    tensor([0.6300, 0.6300])
    """
    return _window("blackman_window", window_length, periodic, dtype, requires_grad,
                   _cos_sum((0.42, 0.5, 0.08)))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False, pin_memory=False):
    """The triangular Bartlett window ``1 - |2k / N - 1|``.

    >>> ember.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad,
                   lambda k, n: 1.0 - np.abs(2.0 * k / (n - 1) - 1.0))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False, pin_memory=False):
    """The Kaiser window ``I0(beta sqrt(1 - (2k / N - 1)^2)) / I0(beta)``.

    >>> ember.kaiser_window(5, periodic=False, beta=3.)
    tensor([0.2049, 0.7269, 1.0000, 0.7269, 0.2049])
    """
    def fn(k, n):
        r = np.clip(1.0 - (2.0 * k / (n - 1) - 1.0) ** 2, 0.0, None)
        return np.i0(beta * np.sqrt(r)) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, fn)


# ---------------------------------------------------------------- stft / istft
def _desc(x):
    return f"{x.type()}{list(x.shape)}"


def _window_padded(window, win_length, n_fft, ref, fname, info):
    if window is None:
        w = None
    else:
        if window.dim() != 1 or window.shape[0] != win_length:
            raise RuntimeError(f"{fname}({info}) : expected a 1D window tensor of size equal to "
                               f"win_length={win_length}, but got window with size {list(window.shape)}")
        w = window
    if win_length < n_fft:
        from ...nn.functional import pad
        left = (n_fft - win_length) // 2
        if w is None:
            w = _wrap(np.ones(win_length, ref))
        w = pad(w, [left, n_fft - win_length - left])
    return w


def _check_args(x, n_fft, hop_length, win_length, fname, length_ok):
    info = f"{_desc(x)}, n_fft={n_fft}, hop_length={hop_length}, win_length={win_length}"
    if not 0 < n_fft <= length_ok:
        raise RuntimeError(f"{fname}({info}) : expected 0 < n_fft < {length_ok}, but got n_fft={n_fft}")
    if hop_length <= 0:
        raise RuntimeError(f"{fname}({info}) : expected hop_length > 0, but got hop_length={hop_length}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{fname}({info}) : expected 0 < win_length <= n_fft, but got "
                           f"win_length={win_length}")
    return info


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """The short-time Fourier transform of a 1-D signal or a batch of them (2-D): frames of
    ``n_fft`` samples every ``hop_length``, weighted by ``window``; output (batch?) x freq x frames.
    ``align_to_window`` (only with ``center=False``): frames start where the window does.

    >>> ember.stft(ember.ones(8), 4, return_complex=True, window=ember.ones(4)).shape
    torch.Size([3, 9])
    """
    _check_tensor(input, "stft")
    from ... import fft as _fft
    cplx = input._data.dtype.kind == "c" or (window is not None and window._data.dtype.kind == "c")
    if return_complex is None:
        if not cplx:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, "
                               "and will further require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft "
                      "will return complex tensors for all inputs, and return_complex=False will raise an "
                      "error.\nNote: you can still call torch.view_as_real on the complex output to "
                      "recover the old return format.", UserWarning, stacklevel=2)
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft({_desc(input)}, n_fft={n_fft}) : expected a 1D or 2D tensor")
    x = input if input._data.dtype.kind in "fc" else input.to(D._default[0])
    batched = x.dim() == 2
    if not batched:
        x = x.unsqueeze(0)
    if align_to_window is not None and center:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if align_to_window and win_length < n_fft:
        # frames start where the (centred) window starts: zero-pad the signal by the window's offset
        from ...nn.functional import pad
        left = (n_fft - win_length) // 2
        x = pad(x, [left, n_fft - win_length - left])
    if center:
        if pad_mode not in ("reflect", "constant", "replicate", "circular"):
            raise NotImplementedError(f"Unrecognised padding mode {pad_mode}")
        from ...nn.functional import pad
        p = n_fft // 2
        x = pad(x.unsqueeze(1), [p, p], mode=pad_mode).squeeze(1)
    info = _check_args(x, n_fft, hop_length, win_length, "stft", x.shape[-1])
    w = _window_padded(window, win_length, n_fft, x._data.real.dtype, "stft", info)
    frames = x.unfold(-1, n_fft, hop_length)            # (B, T, n_fft)
    if w is not None:
        frames = frames * w
    if onesided is None:
        onesided = not cplx
    if onesided and cplx:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spec = (_fft.rfft if onesided else _fft.fft)(frames, dim=-1, norm=norm).transpose(1, 2)
    if not batched:
        spec = spec.squeeze(0)
    if not return_complex:
        from ..elementwise.complex_ops import view_as_real
        spec = view_as_real(spec)
    return spec


class OverlapAdd(Op):
    """Sum frames (..., T, n) placed every ``hop`` samples into a signal of (T - 1) hop + n."""
    _name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, a, hop):
        t, n = a.shape[-2:]
        ctx.meta = (hop, t)
        out = np.zeros(a.shape[:-2] + ((t - 1) * hop + n,), a.dtype)
        for i in range(t):
            out[..., i * hop:i * hop + n] += a[..., i, :]
        return out

    @staticmethod
    def backward(ctx, g):
        hop, t = ctx.meta
        n = g.shape[-1] - (t - 1) * hop
        return g.unfold(-1, n, hop)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The inverse of :func:`stft`: overlap-add of the inverse transforms of the frames,
    divided by the overlap-added squared window.

    >>> x = ember.arange(8.)
    >>> w = ember.hann_window(4)
    >>> ember.istft(ember.stft(x, 4, window=w, return_complex=True), 4, window=w, length=8)
    tensor([0., 1., 2., 3., 4., 5., 6., 7.])
    """
    _check_tensor(input, "istft")
    from ... import fft as _fft
    if input._data.dtype.kind != "c":
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft "
                           "with return_complex=True.")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if input.dim() not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, but got {input.dim()}")
    batched = input.dim() == 3
    spec = input if batched else input.unsqueeze(0)
    n_freq, n_frames = spec.shape[-2:]
    if onesided is None:
        onesided = n_freq != n_fft
    if onesided and return_complex:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if onesided and n_fft // 2 + 1 != n_freq:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor "
                           f"to match n_fft / 2 + 1 when onesided=True, but got {n_freq}")
    if not onesided and n_freq != n_fft:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor "
                           f"to match n_fft when onesided=False, but got {n_freq}")
    info = _check_args(input, n_fft, hop_length, win_length, "istft", n_fft)
    rdt = input._data.real.dtype
    w = _window_padded(window, win_length, n_fft, rdt, "istft", info)
    norm = "ortho" if normalized else "backward"
    frames = spec.transpose(1, 2)                          # (B, T, freq)
    if return_complex:
        frames = _fft.ifft(frames, n=n_fft, dim=-1, norm=norm)
    else:   # a real result: the first n_fft // 2 + 1 bins are taken as Hermitian (as PyTorch)
        frames = _fft.irfft(frames[..., :n_fft // 2 + 1], n=n_fft, dim=-1, norm=norm)
    if w is None:
        w = _wrap(np.ones(n_fft, rdt))
    y = apply_op(OverlapAdd, (frames * w,), hop_length)
    env = apply_op(OverlapAdd, ((w * w).expand(n_frames, n_fft),), hop_length)
    total = n_fft + hop_length * (n_frames - 1)
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = total - n_fft // 2 if center else total
    end = min(end, total)
    y = y[..., start:end]
    env = env[start:end]
    emin = float(np.abs(env._data).min()) if env._data.size else 1.0
    if emin < 1e-11:
        raise RuntimeError(f"istft({info}, center={int(center)}, normalized={int(normalized)}, "
                           f"onesided={onesided}, length={length}, return_complex={int(return_complex)}) "
                           f"window overlap add min: {emin:g}")
    y = y / env
    if length is not None and y.shape[-1] < length:
        from ...nn.functional import pad
        y = pad(y, [0, length - y.shape[-1]])
    return y if batched else y.squeeze(0)


TENSOR_METHODS = {"stft": stft, "istft": istft}
