"""In-place samplers: ``uniform_``, ``normal_``, ``bernoulli_``, ``random_``, ``exponential_``,
``geometric_``, ``cauchy_`` and ``log_normal_``; each fills ``self`` and returns it.

>>> bool((ember.empty(100).uniform_(-1, 1).abs() <= 1).all())
True
"""
from .._util import np, Tensor
from ..._random import rng
from . import torch_draws as _td
from .draws import (_C, _T, _bernoulli_arr, _check_int_bounds, _check_std, _fill, _g, _not_impl,
                    _std_normal, _uniform01, _work)

__all__ = []


# ------------------------------------------------------------------ in-place samplers
def _float_only(self, kernel):
    if self.dtype._cat < 2:
        raise _not_impl(kernel, self._data.dtype)


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw):
    """Fill with U[from, to) in place; returns ``self``.

    >>> bool((ember.empty(100).uniform_(-1, 1).abs() <= 1).all())
    True
    """
    from_ = kw.pop("from", from_)
    _float_only(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_g(from_)} "
                           f"> to={_g(to)}")
    d = self._data
    if d.dtype.kind != "c":                 # PyTorch's draws (ember.ops.random.torch_draws)
        return _fill(self, _td.uniform(generator, d.shape, d.dtype, from_, to), "UniformBackward0")
    u = _uniform01(rng(generator), d.shape, d.dtype)
    return _fill(self, u * (to - from_) + from_, "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with N(mean, std^2) in place; returns ``self``.

    >>> ember.empty(2, 3).normal_(0, 0.1).shape
    torch.Size([2, 3])
    """
    _float_only(self, "normal_kernel_cpu")
    _check_std(std)
    d = self._data
    if d.dtype.kind != "c":                 # PyTorch's draws (ember.ops.random.torch_draws)
        return _fill(self, _td.normal(generator, d.shape, d.dtype, mean, std, d.flags.c_contiguous),
                     "NormalBackward0")
    z = _std_normal(rng(generator), d.shape, d.dtype)
    return _fill(self, z * std + mean, "NormalBackward0")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 draws of probability ``p`` (a float or a broadcastable tensor).

    >>> ember.zeros(3).bernoulli_(1.0)
    tensor([1., 1., 1.])
    """
    d = self._data
    g = rng(generator)
    if isinstance(p, Tensor):
        pd = p._data
        if pd.size and not ((pd >= 0) & (pd <= 1)).all():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                               "error message be improved?  If so, please report an enhancement request "
                               "to PyTorch.)")
        pd = np.broadcast_to(pd, d.shape) if pd.shape != d.shape else pd
        if pd.dtype not in (np.float32, np.float64):
            pd = pd.astype(np.float32)
        arr = _bernoulli_arr(g, pd, d.shape, d.dtype)
        name = "BernoulliBackward1"
    else:
        name = "BernoulliBackward2"
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_g(p)}")
        arr = _bernoulli_arr(g, float(p), d.shape, d.dtype)
    return _fill(self, arr, name)


def random_(self, *args, generator=None, **kw):
    """Fill with integers: ``random_()`` over the dtype's exact-integer range,
    ``random_(to)`` over [0, to), ``random_(from, to)`` over [from, to).

    >>> x = ember.zeros(4, dtype=ember.uint8).random_(3, 5); bool(((x >= 3) & (x < 5)).all())
    True
    """
    d = self._data
    dt = self.dtype
    lo, hi = 0, None
    name = ("RandomBackward2", "RandomBackward1", "RandomBackward0")[min(len(args) + len(kw), 2)]
    if "from" in kw or "from_" in kw:
        lo = kw.pop("from", kw.pop("from_", 0))
        args = args + (kw.pop("to", None),) if not args else args
        hi = args[0] if args else None
    elif len(args) == 2:
        lo, hi = args
    elif len(args) == 1:
        hi = args[0]
    if "to" in kw:
        hi = kw.pop("to")
    if kw:
        raise TypeError(f"random_() got an unexpected keyword argument {next(iter(kw))!r}")
    if hi is None:
        if dt._cat == 0:
            hi = 2
        elif dt._cat == 1:
            hi = int(np.iinfo(d.dtype).max) + 1
        else:
            mant = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}.get(dt.name, 24)
            hi = (1 << mant) + 1
        lo = int(lo)
    lo, hi = int(lo), int(hi)
    _check_int_bounds(lo, hi, dt)
    g = rng(generator)
    if hi - 1 > (1 << 63) - 1:
        arr = (g.integers(0, 1 << 63, d.shape, dtype=np.uint64) * 2
               + g.integers(0, 2, d.shape, dtype=np.uint64)).astype(d.dtype)
    else:
        arr = _td.integers(generator, lo, hi, d.shape)
        arr = arr.astype(d.dtype) if d.dtype.kind != "c" else arr.astype(np.float64).astype(d.dtype)
    return _fill(self, arr, name)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with Exp(lambd) draws in place.

    >>> bool((ember.empty(50).exponential_(2.0) >= 0).all())
    True
    """
    if self.dtype._cat < 2:
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must "
                           f"be a floating point but you specified {_T[self.dtype.name]}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_g(lambd)}")
    d = self._data
    if d.dtype.kind != "c":                 # PyTorch's draws (ember.ops.random.torch_draws)
        return _fill(self, _td.exponential(generator, d.shape, d.dtype, lambd), "ExponentialBackward0")
    wk = _work(d.dtype)
    e = rng(generator).standard_exponential(d.shape, dtype=wk.type)
    return _fill(self, e / wk.type(lambd), "ExponentialBackward0")


def geometric_(self, p, *, generator=None):
    """Fill with Geometric(p) draws (trials until the first success, so >= 1).

    >>> bool((ember.empty(50).geometric_(0.5) >= 1).all())
    True
    """
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_g(p)}")
    d = self._data
    return _fill(self, rng(generator).geometric(p, d.shape), "GeometricBackward0")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy(median, sigma) draws in place.

    >>> ember.empty(3).cauchy_().shape
    torch.Size([3])
    """
    if self.dtype._cat < 2:
        raise RuntimeError("Cauchy distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_C.get(self.dtype.name, self.dtype.name)}")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_g(sigma)}")
    d = self._data
    wk = _work(d.dtype)
    u = _uniform01(rng(generator), d.shape, wk)
    return _fill(self, wk.type(median) + wk.type(sigma) * np.tan(wk.type(np.pi) * (u - wk.type(0.5))),
                 "CauchyBackward0")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp(N(mean, std^2)) draws in place.

    >>> bool((ember.empty(50).log_normal_() > 0).all())
    True
    """
    _float_only(self, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_g(std)}")
    d = self._data
    wk = _work(d.dtype)
    z = _std_normal(rng(generator), d.shape, wk)
    return _fill(self, np.exp(z * wk.type(std) + wk.type(mean)), "LogNormalBackward0")


TENSOR_METHODS = {"uniform_": uniform_, "normal_": normal_, "bernoulli_": bernoulli_, "random_": random_,
                  "exponential_": exponential_, "geometric_": geometric_, "cauchy_": cauchy_,
                  "log_normal_": log_normal_}
