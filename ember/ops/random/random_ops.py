"""Random sampling: ``rand``/``randn``/``randint``/``randperm``, ``normal``, ``bernoulli``,
``multinomial``, ``poisson``, the ``*_like`` forms and the in-place samplers
(``uniform_``, ``normal_``, ``bernoulli_``, ``random_``, ``exponential_``, ``geometric_``,
``cauchy_``, ``log_normal_``).

Every function takes ``generator=`` (default: ``ember.default_generator``). Draws come from
NumPy's PCG64 stream: seeding makes them reproducible, but the numbers are not PyTorch's.
float32 values are drawn as float32 (no float64 round trip).

>>> g = ember.Generator().manual_seed(1)
>>> ember.randint(0, 10, (2, 3), generator=g).dtype
torch.int64
"""
from .._util import np, D, Tensor, _wrap, Op, apply_op, grad_on, _state, norm_dim
from ..._random import rng
from ..._creation import _size_arg, _finish
from ..._tensor import _check_device
from ..elementwise.arithmetic import _out
from ..inplace.history import inplace_op
from ..._backend import raises_oom_as_runtime_error as _oom

__all__ = ["rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson",
           "rand_like", "randn_like", "randint_like"]

_T = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
      "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
      "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_C = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
      "uint8": "unsigned char", "bool": "bool"}


def _g(v):
    """A number as PyTorch's C++ messages print it (``-1``, ``1.5``)."""
    return f"{float(v):g}" if not isinstance(v, int) else str(v)


def _not_impl(kernel, npdt):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_T[D.NP2DT[npdt].name]}\'')


# ------------------------------------------------------------------ raw array draws
def _uniform01(g, shape, npdt):
    """U[0, 1) of dtype ``npdt`` (float or complex)."""
    npdt = np.dtype(npdt)
    k = npdt.kind
    if k == "c":
        part = np.float32 if npdt == np.complex64 else np.float64
        out = np.empty(shape, npdt)
        out.real = g.random(shape, dtype=part)
        out.imag = g.random(shape, dtype=part)
        return out
    if npdt == np.float64 or npdt == np.float32:
        return g.random(shape, dtype=npdt.type)
    bits = 11 if npdt == np.float16 else 8  # float16 / bfloat16: an exact grid below 1
    return (g.integers(0, 1 << bits, shape, dtype=np.int32).astype(np.float32)
            * np.float32(2.0 ** -bits)).astype(npdt)


def _std_normal(g, shape, npdt):
    """N(0, 1) of dtype ``npdt`` (complex: variance 1 split between the two parts)."""
    npdt = np.dtype(npdt)
    if npdt.kind == "c":
        part = np.float32 if npdt == np.complex64 else np.float64
        out = np.empty(shape, npdt)
        s = part(np.sqrt(0.5))
        out.real = g.standard_normal(shape, dtype=part) * s
        out.imag = g.standard_normal(shape, dtype=part) * s
        return out
    if npdt == np.float64 or npdt == np.float32:
        return g.standard_normal(shape, dtype=npdt.type)
    return g.standard_normal(shape, dtype=np.float32).astype(npdt)


def _work(npdt):
    """The float dtype arithmetic on draws of ``npdt`` is done in."""
    return npdt if npdt == np.float64 or npdt == np.float32 or npdt.kind == "c" else np.dtype(np.float32)


def _float_dt(dtype):
    return D._default[0] if dtype is None else D.to_dtype(dtype)


# ------------------------------------------------------------------ zero-gradient sampling nodes
def _zero_grad_op(name, n_inputs):
    def forward(ctx, *a):
        return a[n_inputs]

    def backward(ctx, g):
        z = g.new_zeros(g.shape)
        return z if n_inputs == 1 else (z,) * n_inputs
    return type(name, (Op,), {"_name": name, "forward": staticmethod(forward),
                               "backward": staticmethod(backward)})


_ZERO_OPS = {}


def _sampled(name, inputs, arr):
    """Wrap a sample drawn from ``inputs``' parameters; its gradient w.r.t. them is zero."""
    if _state[0] and any(t._rg for t in inputs):
        key = (name, len(inputs))
        cls = _ZERO_OPS.get(key)
        if cls is None:
            cls = _ZERO_OPS[key] = _zero_grad_op(name, len(inputs))
        return apply_op(cls, tuple(inputs), arr)
    return _wrap(arr)


def _fill(self, arr, name):
    """Write ``arr`` into ``self`` in place (a sampler); autograd sees a zero-gradient node."""
    if not grad_on(self) and not (self._base is not None and self._base._rg and _state[0]):
        np.copyto(self._data, arr, casting="unsafe")
        self._bump()
        return self
    return inplace_op(self, lambda old: _sampled(name, (old,), arr.astype(old._data.dtype, copy=False)))


# ------------------------------------------------------------------ factories
def _size(args, kw, fn):
    """The shape from varargs or a ``size=`` keyword (``kw``: the remaining keywords)."""
    size = kw.pop("size", None)
    if kw:
        raise TypeError(f"{fn}() got an unexpected keyword argument {next(iter(kw))!r}")
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        args = (size,)
    return _size_arg(args, fn)


@_oom
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kw):
    """Uniform samples from [0, 1) of the default float dtype (or ``dtype``).

    >>> x = ember.rand(2, 3, generator=ember.Generator().manual_seed(0))
    >>> x.shape, x.dtype, bool(((x >= 0) & (x < 1)).all())
    (torch.Size([2, 3]), torch.float32, True)
    """
    _check_device(device)
    shape = _size(size, kw, "rand")
    dt = _float_dt(dtype)
    if dt._cat < 2:
        raise _not_impl("check_uniform_bounds", dt.np)
    r = _wrap(_uniform01(rng(generator), shape, dt.np))
    return _finish(_out(r, out), requires_grad)


@_oom
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kw):
    """Standard normal samples of the default float dtype (or ``dtype``).

    >>> ember.randn(4, dtype=ember.float64, generator=ember.Generator().manual_seed(0)).dtype
    torch.float64
    """
    _check_device(device)
    shape = _size(size, kw, "randn")
    dt = _float_dt(dtype)
    if dt._cat < 2:
        raise _not_impl("normal_kernel_cpu", dt.np)
    r = _wrap(_std_normal(rng(generator), shape, dt.np))
    return _finish(_out(r, out), requires_grad)


def _check_int_bounds(lo, hi, dt):
    """PyTorch's range checks for integer draws into ``dt`` from [lo, hi)."""
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={_g(lo)} >= to={_g(hi)}")
    if dt._cat <= 1:
        info = (0, 1) if dt._cat == 0 else (int(np.iinfo(dt.np).min), int(np.iinfo(dt.np).max))
        if not info[0] <= lo <= info[1]:
            raise RuntimeError(f"from is out of bounds for {_C[dt.name]}")
        if not info[0] <= hi - 1 <= info[1]:
            raise RuntimeError(f"to - 1 is out of bounds for {_C[dt.name]}")


def _integers(g, lo, hi, shape, npdt):
    if npdt.kind in "iub" and npdt.kind != "b":
        return g.integers(lo, hi, shape, dtype=npdt.type)
    return g.integers(lo, hi, shape, dtype=np.int64).astype(npdt)


def _int_arg(v, name):
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise TypeError(f"randint(): argument '{name}' must be int, not {type(v).__name__}")
    return int(v)


@_oom
def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    The default dtype is int64; a float ``dtype`` gives integer-valued floats.

    >>> x = ember.randint(3, 10, (2, 2), generator=ember.Generator().manual_seed(0))
    >>> x.dtype, bool(((x >= 3) & (x < 10)).all())
    (torch.int64, True)
    """
    _check_device(device)
    args = list(args)
    if size is None:
        if not args or not hasattr(args[-1], "__len__"):
            raise TypeError("randint() missing required argument 'size'")
        size = args.pop()
    if high is None:
        if not args:
            raise TypeError("randint() missing required argument 'high'")
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    if args:
        raise TypeError("randint() takes at most 3 positional arguments")
    low, high = _int_arg(low, "low"), _int_arg(high, "high")
    shape = _size_arg((size,), "randint")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    _check_int_bounds(low, high, dt)
    r = _wrap(_integers(rng(generator), low, high, shape, dt.np))
    return _finish(_out(r, out), requires_grad)


@_oom
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of ``0 .. n-1`` (int64 unless ``dtype``).

    >>> sorted(ember.randperm(5, generator=ember.Generator().manual_seed(0)).tolist())
    [0, 1, 2, 3, 4]
    """
    _check_device(device)
    n = _int_arg(n, "n")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    if dt._cat <= 1 and dt is not D.int64 and n > 0:
        mx = 1 if dt._cat == 0 else int(np.iinfo(dt.np).max)
        if n - 1 > mx:
            raise RuntimeError(f"n must be strictly less than the largest representable value of "
                               f"{_C[dt.name]} ({mx + 1}), got {n}")
    r = _wrap(rng(generator).permutation(n).astype(dt.np))
    return _finish(_out(r, out), requires_grad)


def _like_dt(input, dtype):
    return input.dtype if dtype is None else D.to_dtype(dtype)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """:func:`rand` with the shape (and dtype) of ``input``.

    >>> ember.rand_like(ember.zeros(2, 3, dtype=ember.float64)).dtype
    torch.float64
    """
    return rand(input.shape, generator=generator, dtype=_like_dt(input, dtype), device=device,
                requires_grad=requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """:func:`randn` with the shape (and dtype) of ``input``.

    >>> ember.randn_like(ember.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    return randn(input.shape, generator=generator, dtype=_like_dt(input, dtype), device=device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """:func:`randint` with the shape (and dtype) of ``input``: ``(input, high)`` or ``(input, low, high)``.

    >>> ember.randint_like(ember.zeros(3, dtype=ember.int32), 5).dtype
    torch.int32
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, dtype=_like_dt(input, dtype),
                   device=device, requires_grad=requires_grad)


# ------------------------------------------------------------------ parameterised samplers
def _bshape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        for i in range(1, max(len(a), len(b)) + 1):
            x = a[-i] if i <= len(a) else 1
            y = b[-i] if i <= len(b) else 1
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                                   f"at non-singleton dimension {max(len(a), len(b)) - i}") from None
        raise


def _check_std(std):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")


@_oom
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """Normal samples: ``normal(mean, std)`` with tensors and/or floats (broadcast), or
    ``normal(mean: float, std: float, size)``. Gradients w.r.t. mean/std are zero, as in PyTorch.

    >>> g = ember.Generator().manual_seed(0)
    >>> ember.normal(ember.zeros(2, 3), 1.0, generator=g).shape
    torch.Size([2, 3])
    >>> ember.normal(2.0, 3.0, size=(4,), generator=g).shape
    torch.Size([4])
    """
    g = rng(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), "
                            "but expected (float mean, float std, tuple of ints size)")
        _check_device(device)
        _check_std(std)
        shape = _size_arg((size,), "normal")
        dt = _float_dt(dtype)
        if dt._cat < 2:
            raise _not_impl("normal_kernel_cpu", dt.np)
        wk = _work(dt.np)
        r = (_std_normal(g, shape, wk) * wk.type(std) + wk.type(mean)).astype(dt.np, copy=False)
        return _finish(_out(_wrap(r), out), requires_grad)
    if size is not None:
        raise TypeError("normal(): 'size' is only accepted when mean and std are floats")
    if mt and st:
        dt = D.promote_types(mean.dtype, std.dtype)
        shape = _bshape(mean._data.shape, std._data.shape)
        if dt._cat < 2:
            raise _not_impl("normal_kernel_cpu", dt.np)
        if std._data.size and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        wk = _work(dt.np)
        arr = (_std_normal(g, shape, wk) * std._data.astype(wk, copy=False)
               + mean._data.astype(wk, copy=False)).astype(dt.np, copy=False)
        return _out(_sampled("NormalBackward3", (mean, std), arr), out)
    t = mean if mt else std
    dt = t.dtype
    if dt._cat < 2:
        raise _not_impl("normal_kernel_cpu", dt.np)
    wk = _work(dt.np)
    z = _std_normal(g, t._data.shape, wk)
    if mt:
        _check_std(std)
        arr = z * wk.type(std) + mean._data.astype(wk, copy=False)
        name = "NormalBackward1"
    else:
        if std._data.size and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        arr = z * std._data.astype(wk, copy=False) + wk.type(mean)
        name = "NormalBackward2"
    return _out(_sampled(name, (t,), arr.astype(dt.np, copy=False)), out)


def _bernoulli_arr(g, p, shape, npdt):
    """0/1 draws of dtype ``npdt`` with success probability ``p`` (a float or an array)."""
    if isinstance(p, np.ndarray):
        if p.dtype != np.float32 and p.dtype != np.float64:
            p = p.astype(np.float32)
        wk = p.dtype
    else:  # a float p: float32 draws for float32 tensors, float64 otherwise
        wk = np.dtype(np.float32 if npdt == np.float32 else np.float64)
    return (g.random(shape, dtype=wk.type) < p).astype(npdt)


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws with probabilities ``input`` (or a fixed ``p``), in ``input``'s dtype.

    >>> ember.bernoulli(ember.tensor([0., 1., 1.]))
    tensor([0., 1., 1.])
    """
    g = rng(generator)
    d = input._data
    if p is not None:
        if isinstance(p, Tensor):
            return _out(bernoulli(p.expand(input.shape), generator=generator).to(input.dtype), out)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_g(p)}")
        return _out(_wrap(_bernoulli_arr(g, float(p), d.shape, d.dtype)), out)
    if input.dtype._cat < 2:
        raise _not_impl("bernoulli_tensor_cpu_p_", d.dtype)
    if d.size and not ((d >= 0) & (d <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    arr = _bernoulli_arr(g, d if d.dtype.kind == "f" and d.dtype in (np.float32, np.float64)
                         else d.astype(np.float32), d.shape, d.dtype)
    return _out(_sampled("BernoulliBackward0", (input,), arr), out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Sample category indices from each row of (unnormalised) probabilities ``input``.

    >>> ember.multinomial(ember.tensor([0., 0., 1.]), 2, replacement=True)
    tensor([2, 2])
    """
    d = input._data
    if input.dtype._cat != 2:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_T[input.dtype.name]}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if d.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    n_cat = d.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_cat > (1 << 24):
        raise RuntimeError("number of categories cannot exceed 2^24")
    p = d.reshape(-1, n_cat).astype(np.float64)
    rows = p.shape[0]
    if rows == 0:
        return _out(_wrap(np.zeros(d.shape[:-1] + (num_samples,), np.int64)), out)
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    tot = p.sum(-1, keepdims=True)
    if (tot <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = rng(generator)
    if replacement:
        cdf = np.cumsum(p / tot, axis=-1)
        cdf[:, -1] = 1.0
        offs = np.arange(rows, dtype=np.float64)[:, None]
        u = g.random((rows, num_samples)) + offs
        idx = np.searchsorted((cdf + offs).ravel(), u.ravel(), side="right").reshape(rows, num_samples)
        idx = np.minimum(idx - np.arange(rows)[:, None] * n_cat, n_cat - 1)
        # a draw at a row's end lands on trailing zero-probability categories: step back
        last = (p > 0)[:, ::-1].argmax(-1)
        idx = np.minimum(idx, (n_cat - 1 - last)[:, None])
    else:  # exponential race: the k smallest E_i / p_i are a draw without replacement
        with np.errstate(divide="ignore"):
            keys = g.standard_exponential((rows, n_cat)) / p
        idx = np.argsort(keys, axis=-1, kind="stable")[:, :num_samples]
    return _out(_wrap(idx.reshape(d.shape[:-1] + (num_samples,)).astype(np.int64)), out)


def poisson(input, generator=None):
    """Poisson draws with rates ``input`` (same dtype).

    >>> ember.poisson(ember.zeros(3))
    tensor([0., 0., 0.])
    """
    d = input._data
    if input.dtype._cat != 2:
        raise _not_impl("poisson_cpu", d.dtype)
    if d.size and (d < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    arr = rng(generator).poisson(d.astype(np.float64)).astype(d.dtype)
    return _sampled("PoissonBackward0", (input,), arr)


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
    wk = _work(d.dtype)
    u = _uniform01(rng(generator), d.shape, wk)
    return _fill(self, u * wk.type(to - from_) + wk.type(from_) if wk.kind != "c" else
                 u * (to - from_) + from_, "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with N(mean, std^2) in place; returns ``self``.

    >>> ember.empty(2, 3).normal_(0, 0.1).shape
    torch.Size([2, 3])
    """
    _float_only(self, "normal_kernel_cpu")
    _check_std(std)
    d = self._data
    wk = _work(d.dtype)
    z = _std_normal(rng(generator), d.shape, wk)
    return _fill(self, z * std + mean if wk.kind == "c" else z * wk.type(std) + wk.type(mean),
                 "NormalBackward0")


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
        arr = g.integers(lo, hi, d.shape, dtype=np.int64)
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
                  "log_normal_": log_normal_, "bernoulli": bernoulli, "multinomial": multinomial}
