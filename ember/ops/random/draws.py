"""What every random sampler shares: raw draws on arrays from a generator (float32 drawn as
float32, no float64 round trip), the zero-gradient node a sampled tensor gets when its
parameters require grad (``NormalBackward1`` ...), the in-place fill, and PyTorch's checks
and messages for integer bounds and standard deviations.

Every function takes ``generator=`` (default: ``ember.default_generator``). Draws come from
NumPy's PCG64 stream: seeding makes them reproducible, but the numbers are not PyTorch's.

>>> from ember.ops.random.draws import _g
>>> _g(1.5), _g(-1)
('1.5', '-1')
"""
from .._util import np, D, _wrap, Op, apply_op, grad_on, _state, write_error
from ..inplace.history import inplace_op


from ..._dtype_names import SCALAR_NAMES as _T  # noqa: E402
from ..._dtype_names import TYPEID_NAMES as _C  # noqa: E402


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
        try:
            np.copyto(self._data, arr, casting="unsafe")
        except ValueError:
            if self._data.flags.writeable:
                raise
            raise write_error(self._data) from None
        self._bump()
        return self
    return inplace_op(self, lambda old: _sampled(name, (old,), arr.astype(old._data.dtype, copy=False)))


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


def _check_std(std):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")


def _bernoulli_arr(g, p, shape, npdt):
    """0/1 draws of dtype ``npdt`` with success probability ``p`` (a float or an array)."""
    if isinstance(p, np.ndarray):
        if p.dtype != np.float32 and p.dtype != np.float64:
            p = p.astype(np.float32)
        wk = p.dtype
    else:  # a float p: a double uniform, as PyTorch's CPU kernel (its MKL path on Intel differs)
        wk = np.dtype(np.float64)
    n = 1
    for v in shape:
        n *= v
    w = g.bit_generator.random_raw(2 * n if wk == np.float64 else n)      # PyTorch's uniform draws
    if wk == np.float64:                                                   # (its kernel for a tensor p)
        u = (((w[0::2] << np.uint64(32)) | w[1::2]) & np.uint64((1 << 53) - 1)) * 2.0 ** -53
    else:
        u = ((w & np.uint64(0xFFFFFF)) * 2.0 ** -24).astype(np.float32)
    return (u.reshape(shape) < p).astype(npdt)
