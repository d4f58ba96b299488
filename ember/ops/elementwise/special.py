"""Special functions in NumPy: ``i0`` (modified Bessel function of order 0, whose gradient is
``i1``), ``angle`` (0 or pi for real numbers, the argument of complex ones) and the regularized
incomplete gamma functions ``igamma`` (P) and ``igammac`` (Q = 1 - P).

The incomplete gamma functions use the power series of P below ``x = a + 1`` and a continued
fraction for Q above it (Lentz's method), with ember's own ``lgamma``; as in PyTorch only the
derivative in ``x`` (the second argument) exists.

>>> ember.igamma(ember.tensor([1., 2.]), ember.tensor([1., 1.]))
tensor([0.6321, 0.2642])
"""
import math

from .._util import np, D, Tensor, _wrap, Op, apply_op
from .arithmetic import _out
from ..inplace.history import inplace_op
from . import operands as _EM, quiet_float as _QF, inplace_forms as _IF
from .erf_gamma import _lgamma64

__all__ = ["i0", "i0_", "angle", "igamma", "igammac"]

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300


# ---------------------------------------------------------------- Bessel i0 / i1
def _i1_64(x):
    """Modified Bessel function of the first kind of order 1 (float64): power series up to
    |x| = 20, the asymptotic expansion beyond."""
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    out = np.empty_like(ax)
    small = ax <= 20
    if small.any():
        h = ax[small] / 2
        q = h * h
        term = h.copy()
        s = term.copy()
        for k in range(60):
            term = term * q / ((k + 1) * (k + 2))
            s = s + term
        out[small] = s
    big = ~small & ~np.isnan(ax)
    if big.any():
        z = ax[big]
        acc = np.ones_like(z)
        term = np.ones_like(z)
        for k in range(1, 30):
            term = term * -(4.0 - (2 * k - 1) ** 2) / (k * 8.0 * z)
            acc = acc + term
        with np.errstate(over="ignore"):
            out[big] = np.exp(z - 0.5 * np.log(2 * math.pi * z)) * acc
    out[np.isnan(ax)] = np.nan
    return np.copysign(out, x)


class I1(Op):
    _name = "SpecialI1Backward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _QF._flt(lambda v: _i1_64(v).astype(v.dtype), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        z = a == 0
        safe = a.masked_fill(z, 1.0)
        d = (i0(a) - apply_op(I1, (a,)) / safe).masked_fill(z, 0.5)
        return g * d


class I0(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _QF._flt(lambda v: np.i0(v.astype(np.float64)).astype(v.dtype), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * apply_op(I1, (a,))


def i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0 (integers give floats).

    >>> ember.i0(ember.tensor([0., 1., 2.]))
    tensor([1.0000, 1.2661, 2.2796])
    """
    return _out(_EM._unary(I0, input, "i0"), out, input)


def i0_(input):
    """In-place :func:`i0`; returns ``input``.

    >>> ember.i0_(ember.tensor([0., 1.]))
    tensor([1.0000, 1.2661])
    """
    return inplace_op(input, i0)


# ---------------------------------------------------------------- angle
class Angle(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "c":  # the argument of each complex number, in the real dtype
            ctx.save_for_backward(a)
            return np.angle(a).astype(a.real.dtype, copy=False)
        ctx.save_for_backward(None)
        f = a if a.dtype.kind in "fV" else a.astype(D._default[0].np)
        if a.dtype.kind in "ub":
            return np.zeros(a.shape, f.dtype)
        return np.where(f < 0, np.asarray(math.pi, f.dtype), np.where(np.isnan(f), f, np.zeros((), f.dtype)))

    @staticmethod
    def backward(ctx, g):
        z, = ctx.saved_tensors
        if z is None:
            return _wrap(np.zeros_like(g._data))
        zd = z._data   # d angle: g * z / |z|^2 * i (0 at z = 0), as PyTorch
        zero = _wrap(zd == 0)
        return (g * z / (z.abs() ** 2 + zero.to(g.dtype)) * 1j).masked_fill(zero, 0)


def angle(input, *, out=None):
    """The argument of each element: pi for negative numbers, 0 otherwise (NaN stays NaN).

    >>> ember.angle(ember.tensor([-2., 0., 3.]))
    tensor([3.1416, 0.0000, 0.0000])
    """
    return _out(_EM._unary(Angle, input, "angle"), out, input)


# ---------------------------------------------------------------- incomplete gamma
def _iterate(step, state, done, result):
    """Run ``step`` (in place on the arrays of ``state``) until ``done`` holds for every element
    and return ``state[result]``. Convergence is checked every 4 steps (further steps leave a
    converged series or fraction unchanged); finished elements are recorded and dropped from
    the arrays once they are half of them."""
    out = state[result].copy()
    idx = np.arange(out.size)
    cur = list(state)
    alive = np.ones(idx.size, bool)
    left = idx.size
    for it in range(1, 100001):
        if not left:
            break
        step(cur)
        if it % 4:
            continue
        fin = done(cur) & alive
        k = int(np.count_nonzero(fin))
        if k:
            out[idx[fin]] = cur[result][fin]
            alive &= ~fin
            left -= k
            if left <= idx.size // 2:
                idx = idx[alive]
                cur = [v[alive] for v in cur]
                alive = np.ones(idx.size, bool)
    if left:  # the iteration cap was reached
        out[idx[alive]] = cur[result][alive]
    return out


def _p_series(a, x):
    """P(a, x) by its power series (good for x < a + 1)."""
    def step(st):
        a_, x_, n, term, s = st
        term *= x_ / (a_ + n)
        s += term
        n += 1

    def done(st):
        return np.abs(st[3]) <= np.abs(st[4]) * _EPS
    s = _iterate(step, [a, x, np.ones_like(x), np.ones_like(x), np.ones_like(x)], done, 4)
    with np.errstate(all="ignore"):
        return np.exp(a * np.log(x) - x - _lgamma64(a + 1)) * s


def _q_fraction(a, x):
    """Q(a, x) by its continued fraction, evaluated with Lentz's method (good for x >= a + 1)."""
    def step(st):
        a_, i, b, c, d, h, delta = st
        i += 1
        an = -i * (i - a_)
        b += 2
        d[:] = an * d + b
        d[np.abs(d) < _TINY] = _TINY
        c[:] = b + an / c
        c[np.abs(c) < _TINY] = _TINY
        d[:] = 1 / d
        delta[:] = d * c
        h *= delta

    def done(st):
        return np.abs(st[6] - 1) <= _EPS
    b = x + 1 - a
    d = 1 / b
    st = [a, np.zeros_like(x), b, np.full_like(x, 1 / _TINY), d, d.copy(), np.zeros_like(x)]
    h = _iterate(step, st, done, 5)
    with np.errstate(all="ignore"):
        return np.exp(a * np.log(x) - x - _lgamma64(a)) * h


def _igamma64(a, x, upper):
    """Regularized incomplete gamma P(a, x) (``upper``: Q = 1 - P) in float64, with PyTorch's
    values at the edges (NaN for negative arguments or a = x = 0)."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    a, x = a.ravel(), x.ravel()
    p = np.full(a.shape, np.nan)
    ok = (a >= 0) & (x >= 0)
    p[ok & (a == 0) & (x > 0)] = 1.0
    p[ok & (x == 0) & (a > 0)] = 0.0
    p[ok & np.isinf(x) & np.isfinite(a) & (a > 0)] = 1.0
    p[ok & np.isinf(a) & np.isfinite(x) & (x > 0)] = 0.0
    main = ok & (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    q = 1 - p
    ser = main & (x < a + 1)
    if ser.any():
        p[ser] = _p_series(a[ser], x[ser])
        q[ser] = 1 - p[ser]
    frac = main & ~ser
    if frac.any():
        q[frac] = _q_fraction(a[frac], x[frac])
        p[frac] = 1 - q[frac]
    return q if upper else p


class Igamma(Op):
    @staticmethod
    def forward(ctx, a, x, dt, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        shape = np.broadcast_shapes(a.shape, x.shape)
        r = _igamma64(a, x, upper).reshape(shape)
        return r.astype(dt.np)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{'igammac' if ctx.upper else 'igamma'}: input' is "
                                      "not implemented.")
        d = ((a - 1) * x.log() - x - a.lgamma()).exp()
        return None, (-g * d if ctx.upper else g * d)


class Igammac(Igamma):
    pass


def _igamma(cls, name, input, other, out):
    for i, t in enumerate((input, other)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument '{('input', 'other')[i]}' (position {i + 1}) must be Tensor, "
                            f"not {type(t).__name__}")
    dt = D.binary_result(input, other)[0]
    if dt._cat != 2:
        _EM._not_impl(f"{name}_cpu", dt.np)
    err = _EM._bshape_error(input._data.shape, other._data.shape)
    if err is not None:
        raise err
    return _out(apply_op(cls, (input, other), dt, cls is Igammac), out, input, other)


def igamma(input, other, *, out=None):
    """The regularized lower incomplete gamma function ``P(input, other)``.

    >>> ember.igamma(ember.tensor([2.]), ember.tensor([3.]))
    tensor([0.8009])
    """
    return _igamma(Igamma, "igamma", input, other, out)


def igammac(input, other, *, out=None):
    """The regularized upper incomplete gamma function ``Q(input, other) = 1 - P(input, other)``.

    >>> ember.igammac(ember.tensor([2.]), ember.tensor([3.]))
    tensor([0.1991])
    """
    return _igamma(Igammac, "igammac", input, other, out)


TENSOR_METHODS = {
    "i0": i0, "i0_": i0_, "angle": angle, "igamma": igamma, "igammac": igammac,
    "igamma_": _IF._inplace(igamma), "igammac_": _IF._inplace(igammac),
}
