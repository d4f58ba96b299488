"""Window functions as ``torch.signal.windows`` (SciPy's conventions): ``M`` points, symmetric
by default (``sym=False`` gives the periodic window for spectral analysis).

>>> ember.signal.windows.gaussian(3, std=1.)
tensor([0.6065, 1.0000, 0.6065])
"""
import builtins
import math

from .._backend import np
from .. import _dtype as D
from .._tensor import _wrap

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine",
           "general_hamming", "hamming", "hann", "kaiser", "nuttall"]


def _make(name, M, sym, dtype, requires_grad, fn):
    """``fn(k, n)`` on the n (= M, or M + 1 when not sym) points k = 0..M-1, as a tensor."""
    if not isinstance(M, int) or isinstance(M, builtins.bool):
        raise TypeError(f"{name}(): argument 'M' must be int, not {type(M).__name__}")
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    dt = D._default[0] if dtype is None else dtype
    if dt.np.kind != "f" and dt.name != "bfloat16":
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dt}")
    if M == 0:
        w = np.zeros(0)
    elif M == 1:
        w = np.ones(1)
    else:
        w = fn(np.arange(M, dtype=np.float64), M if sym else M + 1)
    t = _wrap(np.asarray(w).astype(dt.np))
    if requires_grad:
        t.requires_grad_(True)
    return t


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """``sum_j (-1)^j a[j] cos(2 pi j k / (n - 1))``.

    >>> ember.signal.windows.general_cosine(3, a=[0.5, 0.5])
    tensor([0., 1., 0.])
    """
    coefs = [float(c) for c in a]

    def fn(k, n):
        x = 2.0 * math.pi * k / (n - 1)
        return sum(((-1) ** j) * c * np.cos(j * x) for j, c in enumerate(coefs))
    return _make("general_cosine", M, sym, dtype, requires_grad, fn)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """``alpha - (1 - alpha) cos(2 pi k / (n - 1))``.

    >>> ember.signal.windows.general_hamming(3, alpha=0.5)
    tensor([0., 1., 0.])
    """
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hann window.

    >>> ember.signal.windows.hann(5)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Hamming window.

    >>> ember.signal.windows.hamming(3)
    tensor([0.0800, 1.0000, 0.0800])
    """
    return general_hamming(M, alpha=0.54, sym=sym, dtype=dtype, requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Blackman window.

    >>> ember.signal.windows.blackman(5)[1:4]
    tensor([0.3400, 1.0000, 0.3400])
    """
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The minimum 4-term Blackman-Harris window of Nuttall.

    >>> ember.signal.windows.nuttall(3)
    tensor([3.6280e-04, 1.0000e+00, 3.6280e-04])
    """
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype,
                          requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The triangular Bartlett window.

    >>> ember.signal.windows.bartlett(5)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _make("bartlett", M, sym, dtype, requires_grad,
                 lambda k, n: 1.0 - np.abs(2.0 * k / (n - 1) - 1.0))


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The cosine (sine) window ``sin(pi (k + 0.5) / n)``.

    >>> ember.signal.windows.cosine(4)
    tensor([0.3827, 0.9239, 0.9239, 0.3827])
    """
    return _make("cosine", M, sym, dtype, requires_grad, lambda k, n: np.sin(math.pi * (k + 0.5) / n))


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Gaussian window ``exp(-((k - (n - 1) / 2) / std)^2 / 2)``.

    >>> ember.signal.windows.gaussian(5, std=2.)
    tensor([0.6065, 0.8825, 1.0000, 0.8825, 0.6065])
    """
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    return _make("gaussian", M, sym, dtype, requires_grad,
                 lambda k, n: np.exp(-0.5 * ((k - (n - 1) / 2.0) / std) ** 2))


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None,
                requires_grad=False):
    """The exponential window ``exp(-|k - center| / tau)`` (center defaults to the middle).

    >>> ember.signal.windows.exponential(3)
    tensor([0.3679, 1.0000, 0.3679])
    """
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")

    def fn(k, n):
        c = (n - 1) / 2.0 if center is None else center
        return np.exp(-np.abs(k - c) / tau)
    return _make("exponential", M, sym, dtype, requires_grad, fn)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """The Kaiser window ``I0(beta sqrt(1 - (2k / (n - 1) - 1)^2)) / I0(beta)``.

    >>> ember.signal.windows.kaiser(3, beta=3.)
    tensor([0.2049, 1.0000, 0.2049])
    """
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")

    def fn(k, n):
        r = np.clip(1.0 - (2.0 * k / (n - 1) - 1.0) ** 2, 0.0, None)
        return np.i0(beta * np.sqrt(r)) / np.i0(beta)
    return _make("kaiser", M, sym, dtype, requires_grad, fn)
