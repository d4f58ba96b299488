"""The Hurwitz zeta function zeta(x, q) = sum_k (q + k)^-x for real x, in float64: direct terms
until q + k > 9 (at least 9 of them), then the Euler-Maclaurin tail with 12 Bernoulli terms.
Conventions as PyTorch (Cephes): inf at x = 1, NaN for x < 1; for q <= 0, inf at integer q
and NaN unless x is an integer.
"""
import math

from .._backend import np

_B2K = [(1, 6), (-1, 30), (1, 42), (-1, 30), (5, 66), (-691, 2730), (7, 6), (-3617, 510),
        (43867, 798), (-174611, 330), (854513, 138), (-236364091, 2730)]    # Bernoulli B_2j
_COEF = [p / (q * math.factorial(2 * j + 2)) for j, (p, q) in enumerate(_B2K)]   # B_2j / (2j)!


def zeta(x, q):
    x, q = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(q, np.float64))
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        ok = (x > 1) & np.isfinite(x) & np.isfinite(q) & ((q > 0) | (x == np.floor(x))) \
            & ~((q <= 0) & (q == np.floor(q)))
        xs, qs = x[ok], q[ok]
        if xs.size:
            lo = float(np.min(qs))
            n = max(9, int(math.ceil(9.0 - lo)) + 1)
            if n > 100000:
                raise NotImplementedError("ember: zeta for q below -1e5 is not implemented")
            s = np.zeros_like(xs)
            a = qs.copy()
            for _ in range(n):
                s += a ** -xs
                a += 1.0
            # Euler-Maclaurin tail at a = q + n
            tail = a ** (1.0 - xs) / (xs - 1.0) + 0.5 * a ** -xs
            fac = xs.copy()                # x (x+1) ... (x + 2j - 2)
            ap = a ** (-xs - 1.0)
            for j, c in enumerate(_COEF):
                t = c * fac * ap
                tail += t
                fac = fac * (xs + 2 * j + 1) * (xs + 2 * j + 2)
                ap = ap / (a * a)
            out[ok] = s + tail + 0.0
        out[(x == 1) & ~np.isnan(q)] = np.inf
        out[(q <= 0) & (q == np.floor(q)) & (x > 1)] = np.inf
    return out
