"""Classical orthogonal polynomials of integer degree ``n`` (broadcast against ``x``) by their
three-term recurrences, in float64: Chebyshev T/U/V/W (and the shifted forms, x -> 2x - 1),
Hermite H (physicists') and He (probabilists'), Laguerre L and Legendre P. A negative degree
gives 0, degree 0 gives 1 (even for NaN x), as in PyTorch; non-integer degrees are truncated.
"""
from .._backend import np


def _first(kind, x):
    """(p_0, p_1) of each family at x."""
    one = np.ones_like(x)
    return one, {"t": x, "u": 2 * x, "v": 2 * x - 1, "w": 2 * x + 1, "h": 2 * x, "he": x,
                 "l": 1 - x, "p": x}[kind]


def _step(kind, x, k, p0, p1):
    """p_{k+1} from p_k = p1 and p_{k-1} = p0."""
    if kind in ("t", "u", "v", "w"):
        return 2 * x * p1 - p0
    if kind == "h":
        return 2 * x * p1 - 2 * k * p0
    if kind == "he":
        return x * p1 - k * p0
    if kind == "l":
        return ((2 * k + 1 - x) * p1 - k * p0) / (k + 1)
    return ((2 * k + 1) * x * p1 - k * p0) / (k + 1)     # Legendre


def polynomial(kind, x, n):
    """p_n(x) for arrays ``x`` (float64) and ``n`` (any real dtype), broadcast; kinds "st",
    "su", "sv", "sw" are the shifted Chebyshev polynomials."""
    if kind[0] == "s":
        kind, x = kind[1:], 2.0 * np.asarray(x, np.float64) - 1.0
    x, n = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(n))
    n = np.trunc(n).astype(np.float64) if n.dtype.kind == "f" else n.astype(np.float64)
    out = np.zeros(x.shape)
    with np.errstate(all="ignore"):
        ok = n >= 0
        top = int(np.nanmax(n[ok])) if ok.any() else -1
        if top < 0:
            return out
        p0, p1 = _first(kind, x)
        out = np.where(n == 0, 1.0, out)
        out = np.where(n == 1, p1, out)
        for k in range(1, top):
            p0, p1 = p1, _step(kind, x, k, p0, p1)
            out = np.where(n == k + 1, p1, out)
    return out


# ---------------------------------------------------------------- public functions
from .._tensor import _wrap          # noqa: E402
from ._dispatch import binary_arrays, as_array, put, compute_dtype   # noqa: E402


def _poly(kind, fname, input, n, out):
    a, b, dt = binary_arrays(input, n, fname)
    x = as_array(a, np.float64)
    nn = b._data if hasattr(b, "_data") else np.asarray(b)
    r = polynomial(kind, x, nn).astype(compute_dtype(dt.np)).astype(dt.np, copy=False)
    return put(_wrap(r), out)


def chebyshev_polynomial_t(input, n, *, out=None):
    """The Chebyshev polynomial of the first kind T_n(x) (no gradient, as in PyTorch).

    >>> ember.special.chebyshev_polynomial_t(ember.tensor([0.5, 2.]), 3)
    tensor([-1., 26.])
    """
    return _poly("t", "chebyshev_polynomial_t", input, n, out)


def chebyshev_polynomial_u(input, n, *, out=None):
    """The Chebyshev polynomial of the second kind U_n(x).

    >>> ember.special.chebyshev_polynomial_u(ember.tensor([0.5, 2.]), 3)
    tensor([-1., 56.])
    """
    return _poly("u", "chebyshev_polynomial_u", input, n, out)


def chebyshev_polynomial_v(input, n, *, out=None):
    """The Chebyshev polynomial of the third kind V_n(x).

    >>> ember.special.chebyshev_polynomial_v(ember.tensor([0.5, 2.]), 3)
    tensor([-1., 41.])
    """
    return _poly("v", "chebyshev_polynomial_v", input, n, out)


def chebyshev_polynomial_w(input, n, *, out=None):
    """The Chebyshev polynomial of the fourth kind W_n(x).

    >>> ember.special.chebyshev_polynomial_w(ember.tensor([0.5, 2.]), 3)
    tensor([-1., 71.])
    """
    return _poly("w", "chebyshev_polynomial_w", input, n, out)


def shifted_chebyshev_polynomial_t(input, n, *, out=None):
    """T_n(2x - 1), the Chebyshev polynomial of the first kind on [0, 1].

    >>> ember.special.shifted_chebyshev_polynomial_t(ember.tensor([0.25, 1.]), 3)
    tensor([1., 1.])
    """
    return _poly("st", "shifted_chebyshev_polynomial_t", input, n, out)


def shifted_chebyshev_polynomial_u(input, n, *, out=None):
    """U_n(2x - 1).

    >>> ember.special.shifted_chebyshev_polynomial_u(ember.tensor([0.25, 1.]), 3)
    tensor([1., 4.])
    """
    return _poly("su", "shifted_chebyshev_polynomial_u", input, n, out)


def shifted_chebyshev_polynomial_v(input, n, *, out=None):
    """V_n(2x - 1).

    >>> ember.special.shifted_chebyshev_polynomial_v(ember.tensor([0.25, 1.]), 3)
    tensor([1., 1.])
    """
    return _poly("sv", "shifted_chebyshev_polynomial_v", input, n, out)


def shifted_chebyshev_polynomial_w(input, n, *, out=None):
    """W_n(2x - 1).

    >>> ember.special.shifted_chebyshev_polynomial_w(ember.tensor([0.25, 1.]), 3)
    tensor([1., 7.])
    """
    return _poly("sw", "shifted_chebyshev_polynomial_w", input, n, out)


def hermite_polynomial_h(input, n, *, out=None):
    """The physicists' Hermite polynomial H_n(x).

    >>> ember.special.hermite_polynomial_h(ember.tensor([0.5, 2.]), 3)
    tensor([-5., 40.])
    """
    return _poly("h", "hermite_polynomial_h", input, n, out)


def hermite_polynomial_he(input, n, *, out=None):
    """The probabilists' Hermite polynomial He_n(x).

    >>> ember.special.hermite_polynomial_he(ember.tensor([0.5, 2.]), 3)
    tensor([-1.3750,  2.0000])
    """
    return _poly("he", "hermite_polynomial_he", input, n, out)


def laguerre_polynomial_l(input, n, *, out=None):
    """The Laguerre polynomial L_n(x).

    >>> ember.special.laguerre_polynomial_l(ember.tensor([0., 1.]), 2)
    tensor([ 1.0000, -0.5000])
    """
    return _poly("l", "laguerre_polynomial_l", input, n, out)


def legendre_polynomial_p(input, n, *, out=None):
    """The Legendre polynomial P_n(x).

    >>> ember.special.legendre_polynomial_p(ember.tensor([0.5, 1.]), 2)
    tensor([-0.1250,  1.0000])
    """
    return _poly("p", "legendre_polynomial_p", input, n, out)
