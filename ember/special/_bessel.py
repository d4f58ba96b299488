"""Bessel and Airy functions of real float64 arrays, in NumPy.

Methods (all float64 internally, about 1e-12 relative away from zeros of the functions):

* J0, J1, Y0, Y1: power series for |x| <= 12, Hankel's asymptotic expansion beyond.
* I0, I1 (and their exp(-|x|)-scaled forms): power series for |x| <= 20, the asymptotic
  expansion beyond (computed scaled, so nothing overflows).
* K0, K1 (and scaled): series for x <= 2, the asymptotic expansion above 25, between them the integral
  K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt by the trapezoidal rule, which converges
  exponentially fast for this analytic integrand.
* Ai: Maclaurin series on [-8, 2], Ai(x) = sqrt(x / 3) / pi * K_{1/3}(2/3 x^1.5) above,
  the asymptotic expansion for oscillating Ai below -8.
"""
import math

from .._backend import np

_EULER = 0.57721566490153286061
_SQRT2 = math.sqrt(2.0)


def _fill(x, fn, mask):
    """``fn`` evaluated on ``x[mask]`` only (returns an array for the masked elements)."""
    return fn(x[mask]) if mask.any() else np.empty(0)


def _hankel_pq(nu, x, terms=30):
    """P and Q of Hankel's expansion for J/Y of order ``nu`` at large ``x``."""
    mu = 4.0 * nu * nu
    p = np.ones_like(x)
    q = np.zeros_like(x)
    term = np.ones_like(x)
    for k in range(1, terms):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        if k % 4 == 1:
            q += term
        elif k % 4 == 2:
            p -= term
        elif k % 4 == 3:
            q -= term
        else:
            p += term
    return p, q


def _jy_large(nu, x):
    """(J_nu, Y_nu) for x > 12 (nu 0 or 1), with exact phase shifts through sin/cos of x."""
    p, q = _hankel_pq(nu, x)
    s, c = np.sin(x), np.cos(x)
    if nu == 0:   # chi = x - pi/4
        cc, sc = (c + s) / _SQRT2, (s - c) / _SQRT2
    else:         # chi = x - 3 pi / 4
        cc, sc = (s - c) / _SQRT2, -(s + c) / _SQRT2
    amp = np.sqrt(2.0 / (math.pi * x))
    return amp * (p * cc - q * sc), amp * (p * sc + q * cc)


def _j_series(nu, x, terms=60):
    """J_nu(x) = sum_k (-1)^k (x/2)^(2k+nu) / (k! (k+nu)!) and the weighted sum used by Y."""
    h = x / 2.0
    q = -h * h
    term = h ** nu / math.factorial(nu)
    j = term.copy()
    hsum = np.zeros_like(x)   # sum_k (-1)^k c_k (psi(k+1) + psi(k+1+nu)) [without the -2 gamma]
    hk, hkn = 0.0, sum(1.0 / i for i in range(1, nu + 1))
    hsum = term * (hk + hkn)
    for k in range(1, terms):
        term = term * q / (k * (k + nu))
        hk += 1.0 / k
        hkn += 1.0 / (k + nu)
        j = j + term
        hsum = hsum + term * (hk + hkn)
    return j, hsum


def bessel_j(nu, x):
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    small = ax <= 12
    big = (ax > 12) & np.isfinite(ax)
    out[small] = _fill(ax, lambda v: _j_series(nu, v)[0], small)
    out[big] = _fill(ax, lambda v: _jy_large(nu, v)[0], big)
    return np.where(x < 0, -out, out) if nu == 1 else out


def _y_small(nu, x):
    j, hsum = _j_series(nu, x)
    lg = np.log(x / 2.0)
    if nu == 0:
        # Y0 = 2/pi (ln(x/2) + gamma) J0 - 2/pi sum (-1)^k H_k (x^2/4)^k / k!^2
        return 2.0 / math.pi * ((lg + _EULER) * j - 0.5 * hsum)
    # Y1 = -2/(pi x) + 2/pi ln(x/2) J1 - 1/pi sum (-1)^k (psi(k+1) + psi(k+2)) (x/2)^(2k+1) / (k!(k+1)!)
    return -2.0 / (math.pi * x) + 2.0 / math.pi * lg * j - (hsum - 2.0 * _EULER * j) / math.pi


def bessel_y(nu, x):
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    small = (x > 0) & (x <= 12)
    big = (x > 12) & np.isfinite(x)
    out[small] = _fill(x, lambda v: _y_small(nu, v), small)
    out[big] = _fill(x, lambda v: _jy_large(nu, v)[1], big)
    out[x == 0] = -np.inf
    return out


def _i_series_scaled(nu, ax, terms=80):
    h = ax / 2.0
    q = h * h
    term = h ** nu / math.factorial(nu)
    s = term.copy()
    for k in range(1, terms):
        term = term * q / (k * (k + nu))
        s = s + term
    return s * np.exp(-ax)


def _i_asym_scaled(nu, ax, terms=40):
    mu = 4.0 * nu * nu
    acc = np.ones_like(ax)
    term = np.ones_like(ax)
    for k in range(1, terms):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8.0 * ax)
        acc = acc + term
    return acc / np.sqrt(2.0 * math.pi * ax)


def bessel_i_scaled(nu, x):
    """exp(-|x|) I_nu(x) for nu in {0, 1} (odd in x for nu = 1)."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    small = ax <= 20
    big = (ax > 20) & np.isfinite(ax)
    out[small] = _fill(ax, lambda v: _i_series_scaled(nu, v), small)
    out[big] = _fill(ax, lambda v: _i_asym_scaled(nu, v), big)
    out[np.isinf(ax)] = 0.0
    return np.copysign(out, x) if nu == 1 else out


def bessel_i(nu, x):
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        out = bessel_i_scaled(nu, x) * np.exp(np.abs(x))
    out[np.isinf(x)] = np.nan     # as PyTorch (Cephes) gives
    return out


def _k_small(nu, x, terms=40):
    """K0/K1 for 0 < x <= 2 by their series."""
    h = x / 2.0
    q = h * h
    lg = np.log(h)
    if nu == 0:
        # K0 = -(ln(x/2) + gamma) I0 + sum (x^2/4)^k / k!^2 H_k
        term = np.ones_like(x)
        i0 = term.copy()
        s = np.zeros_like(x)
        hk = 0.0
        for k in range(1, terms):
            term = term * q / (k * k)
            hk += 1.0 / k
            i0 = i0 + term
            s = s + term * hk
        return -(lg + _EULER) * i0 + s
    # K1 = 1/x + ln(x/2) I1 - x/4 sum (psi(k+1) + psi(k+2)) (x^2/4)^k / (k!(k+1)!)
    term = h.copy()
    i1 = term.copy()
    hk, hk1 = 0.0, 1.0
    s = term * (hk + hk1 - 2 * _EULER)
    for k in range(1, terms):
        term = term * q / (k * (k + 1))
        hk += 1.0 / k
        hk1 += 1.0 / (k + 1)
        i1 = i1 + term
        s = s + term * (hk + hk1 - 2 * _EULER)
    return 1.0 / x + lg * i1 - 0.5 * s


_KH = 0.1
_KT = np.arange(0.0, 8.0, _KH)


def _k_asym_scaled(nu, x, terms=40):
    mu = 4.0 * nu * nu
    acc = np.ones_like(x)
    term = np.ones_like(x)
    for k in range(1, terms):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        acc = acc + term
    return acc * np.sqrt(math.pi / (2.0 * x))


def k_scaled(nu, x):
    """exp(x) K_nu(x) for x >= ~1.5 (any real nu): the asymptotic expansion above 25, else
    the trapezoidal rule on int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt."""
    out = np.empty_like(x)
    big = x > 25
    out[big] = _fill(x, lambda v: _k_asym_scaled(nu, v), big)
    out[~big] = _fill(x, lambda v: _k_integral(nu, v), ~big)
    return out


def _k_integral(nu, x):
    acc = 0.5 * np.ones_like(x)        # t = 0 counts half
    for t in _KT[1:]:
        e = 2.0 * math.sinh(t / 2.0) ** 2
        acc = acc + np.exp(-x * e) * math.cosh(nu * t)
    return acc * _KH


def bessel_k_scaled(nu, x):
    """exp(x) K_nu(x) for nu in {0, 1}: inf at 0, NaN below."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    small = (x > 0) & (x <= 2)
    big = (x > 2) & np.isfinite(x)
    out[small] = _fill(x, lambda v: _k_small(nu, v) * np.exp(v), small)
    out[big] = _fill(x, lambda v: k_scaled(nu, v), big)
    out[x == 0] = np.inf
    out[x == np.inf] = 0.0
    return out


def bessel_k(nu, x):
    x = np.asarray(x, np.float64)
    with np.errstate(under="ignore", invalid="ignore", over="ignore"):
        out = bessel_k_scaled(nu, x) * np.exp(-x)
    out[x == 0] = np.inf
    return out


# ---------------------------------------------------------------- Airy Ai
_AI0 = 0.35502805388781723926   # Ai(0)
_AIP0 = 0.25881940379280679840  # -Ai'(0)


def _airy_series(x, terms=120):
    """Ai(x) = Ai(0) f(x) - (-Ai'(0)) g(x) with f, g the Maclaurin series."""
    x3 = x * x * x
    f = np.ones_like(x)
    g = x.copy()
    tf = np.ones_like(x)
    tg = x.copy()
    for k in range(1, terms):
        tf = tf * x3 / ((3 * k - 1) * (3 * k))
        tg = tg * x3 / ((3 * k) * (3 * k + 1))
        f = f + tf
        g = g + tg
    return _AI0 * f - _AIP0 * g


def _airy_pos(x):
    z = 2.0 / 3.0 * x * np.sqrt(x)
    with np.errstate(under="ignore"):
        return np.sqrt(x / 3.0) / math.pi * k_scaled(1.0 / 3.0, z) * np.exp(-z)


def _airy_neg(x, terms=20):
    """Ai(x) for x < -8 by the asymptotic expansion (DLMF 9.7.9)."""
    ax = -x
    z = 2.0 / 3.0 * ax * np.sqrt(ax)
    p = np.ones_like(z)
    q = np.zeros_like(z)
    u = 1.0
    for k in range(1, terms):
        # u_k = (6k-5)(6k-3)(6k-1) / ((2k-1) 216 k) u_{k-1}
        u = u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216.0 * k)
        t = u / z ** k
        if k % 4 == 1:
            q += t
        elif k % 4 == 2:
            p -= t
        elif k % 4 == 3:
            q -= t
        else:
            p += t
    s, c = np.sin(z), np.cos(z)
    # Ai(-|x|) = pi^-1/2 |x|^-1/4 [cos(z - pi/4) P + sin(z - pi/4) Q]
    return ((c + s) * p + (s - c) * q) / (_SQRT2 * math.sqrt(math.pi) * ax ** 0.25)


def airy_ai_np(x):
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    mid = (x >= -8) & (x <= 2)
    pos = (x > 2) & np.isfinite(x)
    neg = (x < -8) & np.isfinite(x)
    out[mid] = _fill(x, _airy_series, mid)
    out[pos] = _fill(x, _airy_pos, pos)
    out[neg] = _fill(x, _airy_neg, neg)
    return out


def spherical_j0(x):
    x = np.asarray(x, np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.sin(x) / x
    small = np.abs(x) < 1e-4
    if small.any():
        v = x[small] ** 2
        out[small] = 1.0 - v / 6.0 + v * v / 120.0
    out[np.isinf(x)] = 0.0
    return out


# ---------------------------------------------------------------- public functions
from ..autograd.function import Op, apply_op          # noqa: E402
from ..ops.elementwise.elementwise_more import _flt, _check_tensor  # noqa: E402
from ..ops.elementwise.special import I1                           # noqa: E402
from ._dispatch import unary, put, float_kernel         # noqa: E402


def bessel_j0(input, *, out=None):
    """The Bessel function of the first kind of order 0 (no gradient, as in PyTorch).

    >>> ember.special.bessel_j0(ember.tensor([0., 1., 2.]))
    tensor([1.0000, 0.7652, 0.2239])
    """
    return unary(input, lambda v: bessel_j(0, v), "bessel_j0_cpu", out)


def bessel_j1(input, *, out=None):
    """The Bessel function of the first kind of order 1.

    >>> ember.special.bessel_j1(ember.tensor([0., 1., 2.]))
    tensor([0.0000, 0.4401, 0.5767])
    """
    return unary(input, lambda v: bessel_j(1, v), "bessel_j1_cpu", out)


def bessel_y0(input, *, out=None):
    """The Bessel function of the second kind of order 0 (-inf at 0, NaN below).

    >>> ember.special.bessel_y0(ember.tensor([1., 2.]))
    tensor([0.0883, 0.5104])
    """
    return unary(input, lambda v: bessel_y(0, v), "bessel_y0_cpu", out)


def bessel_y1(input, *, out=None):
    """The Bessel function of the second kind of order 1.

    >>> ember.special.bessel_y1(ember.tensor([1., 2.]))
    tensor([-0.7812, -0.1070])
    """
    return unary(input, lambda v: bessel_y(1, v), "bessel_y1_cpu", out)


def modified_bessel_i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0.

    >>> ember.special.modified_bessel_i0(ember.tensor([0., 1.]))
    tensor([1.0000, 1.2661])
    """
    return unary(input, lambda v: bessel_i(0, v), "modified_bessel_i0_cpu", out)


def modified_bessel_i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1.

    >>> ember.special.modified_bessel_i1(ember.tensor([0., 1.]))
    tensor([0.0000, 0.5652])
    """
    return unary(input, lambda v: bessel_i(1, v), "modified_bessel_i1_cpu", out)


def modified_bessel_k0(input, *, out=None):
    """The modified Bessel function of the second kind of order 0.

    >>> ember.special.modified_bessel_k0(ember.tensor([1., 2.]))
    tensor([0.4210, 0.1139])
    """
    return unary(input, lambda v: bessel_k(0, v), "modified_bessel_k0_cpu", out)


def modified_bessel_k1(input, *, out=None):
    """The modified Bessel function of the second kind of order 1.

    >>> ember.special.modified_bessel_k1(ember.tensor([1., 2.]))
    tensor([0.6019, 0.1399])
    """
    return unary(input, lambda v: bessel_k(1, v), "modified_bessel_k1_cpu", out)


def scaled_modified_bessel_k0(input, *, out=None):
    """``exp(x) * K0(x)``.

    >>> ember.special.scaled_modified_bessel_k0(ember.tensor([1., 100.]))
    tensor([1.1445, 0.1252])
    """
    return unary(input, lambda v: bessel_k_scaled(0, v), "scaled_modified_bessel_k0_cpu", out)


def scaled_modified_bessel_k1(input, *, out=None):
    """``exp(x) * K1(x)``.

    >>> ember.special.scaled_modified_bessel_k1(ember.tensor([1., 100.]))
    tensor([1.6362, 0.1258])
    """
    return unary(input, lambda v: bessel_k_scaled(1, v), "scaled_modified_bessel_k1_cpu", out)


def airy_ai(input, *, out=None):
    """The Airy function Ai.

    >>> ember.special.airy_ai(ember.tensor([-1., 0., 1.]))
    tensor([0.5356, 0.3550, 0.1353])
    """
    return unary(input, airy_ai_np, "airy_ai_cpu", out)


def spherical_bessel_j0(input, *, out=None):
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x``.

    >>> ember.special.spherical_bessel_j0(ember.tensor([0., 1.]))
    tensor([1.0000, 0.8415])
    """
    return unary(input, spherical_j0, "spherical_bessel_j0_cpu", out)


class I0e(Op):
    _name = "SpecialI0EBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(float_kernel(lambda v: bessel_i_scaled(0, v), "i0e_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (apply_op(I1e, (a,)) - a.sign() * apply_op(I0e, (a,)))


class I1e(Op):
    _name = "SpecialI1EBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _flt(float_kernel(lambda v: bessel_i_scaled(1, v), "i1e_cpu"), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        z = a == 0
        safe = a.masked_fill(z, 1.0)
        d = apply_op(I0e, (a,)) - apply_op(I1e, (a,)) * (a.sign() + 1 / safe)
        return g * d.masked_fill(z, 0.5)


def i0e(input, *, out=None):
    """The exponentially scaled modified Bessel function of order 0, ``exp(-|x|) I0(x)``.

    >>> ember.special.i0e(ember.tensor([0., 1., 100.]))
    tensor([1.0000, 0.4658, 0.0399])
    """
    _check_tensor(input, "i0e")
    return put(apply_op(I0e, (input,)), out)


def i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1.

    >>> ember.special.i1(ember.tensor([0., 1.]))
    tensor([0.0000, 0.5652])
    """
    _check_tensor(input, "i1")
    return put(apply_op(I1, (input,)), out)


def i1e(input, *, out=None):
    """``exp(-|x|) I1(x)``.

    >>> ember.special.i1e(ember.tensor([0., 1., -100.]))
    tensor([ 0.0000,  0.2079, -0.0397])
    """
    _check_tensor(input, "i1e")
    return put(apply_op(I1e, (input,)), out)
