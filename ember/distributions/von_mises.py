"""``VonMises``: the circular normal distribution on [-pi, pi), with ``log I_0`` / ``log I_1``
(modified Bessel functions of the first kind, in log space, differentiable) computed here.

Samples come from NumPy's von Mises sampler through ember's generator (no rsample, as PyTorch).

>>> d = ember.distributions.VonMises(ember.tensor(0.), ember.tensor(1.))
>>> d.log_prob(ember.tensor(0.))
tensor(-1.0738)
"""
import math

from .._backend import np
from .._random import rng
from ..ops._util import Op, apply_op, _wrap
from . import _ember_api as ember  # not the package, which imports this one
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]


def _log_bessel_i_np(order, x):
    """``log I_order(x)`` for ``x >= 0`` (order 0 or 1) in float64: power series up to 20,
    the asymptotic expansion beyond."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    small = x <= 20
    if small.any():
        h = x[small] / 2
        q = h * h
        term = np.ones_like(h)
        s = term.copy()
        for k in range(1, 70):
            term = term * q / (k * (k + order))
            s = s + term
        with np.errstate(divide="ignore"):
            out[small] = np.log(s) + (order * np.log(h) if order else 0.0)
    big = ~small
    if big.any():
        z = x[big]
        mu = 4.0 * order * order
        acc = np.ones_like(z)
        term = np.ones_like(z)
        for k in range(1, 30):
            term = term * -(mu - (2 * k - 1) ** 2) / (k * 8.0 * z)
            acc = acc + term
        out[big] = z - 0.5 * np.log(2 * math.pi * z) + np.log(acc)
    return out


class _LogBesselI(Op):
    @staticmethod
    def forward(ctx, x, order):
        ctx.save_for_backward(x)
        ctx.order = order
        return _log_bessel_i_np(order, x).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        a = x._data.astype(np.float64)
        l0, l1 = _log_bessel_i_np(0, a), _log_bessel_i_np(1, a)
        with np.errstate(all="ignore"):
            d = np.exp(l1 - l0) if ctx.order == 0 else np.exp(l0 - l1) - 1 / a
        return g * _wrap(d.astype(x._data.dtype))


def _log_modified_bessel_fn(x, order=0):
    """``log I_order(x)`` for order 0 or 1, differentiable in ``x``.

    >>> ember.distributions.von_mises._log_modified_bessel_fn(ember.tensor([1.0]), 0)
    tensor([0.2359])
    """
    if order not in (0, 1):
        raise ValueError("order must be 0 or 1")
    return apply_op(_LogBesselI, (x,), order)


class VonMises(Distribution):
    """The von Mises distribution with mean direction ``loc`` and ``concentration``.

    >>> ember.distributions.VonMises(ember.zeros(2), ember.ones(2)).sample((3,)).shape
    torch.Size([3, 2])
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        lp = self.concentration * ember.cos(value - self.loc)
        return lp - math.log(2 * math.pi) - _log_modified_bessel_fn(self.concentration, order=0)

    def sample(self, sample_shape=ember.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        loc = np.broadcast_to(self.loc.detach().numpy().astype(np.float64), shape)
        kappa = np.broadcast_to(self.concentration.detach().numpy().astype(np.float64), shape)
        x = rng(None).vonmises(loc, kappa, size=shape)
        x = np.mod(x + math.pi, 2 * math.pi) - math.pi
        return ember.tensor(x, dtype=self.loc.dtype)

    def expand(self, batch_shape, _instance=None):
        batch_shape = ember.Size(batch_shape)
        new = self._get_checked_instance(VonMises, _instance)
        new.loc = self.loc.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        super(VonMises, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        c = self.concentration
        return 1 - (_log_modified_bessel_fn(c, order=1) - _log_modified_bessel_fn(c, order=0)).exp()
