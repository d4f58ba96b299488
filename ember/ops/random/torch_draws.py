"""PyTorch's CPU draws from its Mersenne Twister, so that a seed gives PyTorch's numbers.

The generator (``ember._random.Generator``) yields 32-bit words; PyTorch's kernels turn them
into values as follows, and so do these functions, vectorised over a whole tensor:

* uniform [from, to): a float32 takes the low 24 bits of one word times 2**-24, a float64 the
  low 53 bits of two words (the first one high) times 2**-53; then ``x * (to - from) + from``
  with the bounds rounded to the value's dtype, computed in double (half types: the uniform of
  a float32, the arithmetic in float32, then rounded);
* integers in [low, high): one word modulo the range (two words when the range is 2**32 or
  more), plus low;
* a permutation of n: Fisher-Yates from the front, swapping i with i + word % (n - i);
* exponential: ``-1 / lambda * log1p(-u)`` of a double uniform;
* normal: 16 or more values of a contiguous tensor are filled with uniforms first, then every
  block of 16 is turned in place by Box-Muller (u1 = 1 - d[j], u2 = d[j + 8]; a last partial
  block redraws the final 16 values; float32 within an ulp or two: PyTorch's vectorised
  log/cos/sin); fewer take doubles pairwise by Box-Muller (cos first, the sin kept in the
  generator for the next value). (Half types: PyTorch's numbers for whole blocks of 16; a
  partial last block differs.)

>>> from ember.ops.random.torch_draws import uniform
>>> _ = ember.manual_seed(0)
>>> uniform(None, (3,), np.dtype(np.float32))
array([0.4962566 , 0.7682218 , 0.08847743], dtype=float32)
"""
import math

from .._util import np
from ..._random import generator_of

__all__ = []

_TWO_PI = 2.0 * math.pi
_CHUNK = 1 << 16       # normal_fill's values per pass (a multiple of 16)


def _words(g, n):
    """n 32-bit words (as uint64)."""
    return g._bg.random_raw(n) if n else np.zeros(0, np.uint64)


def _words64(g, n):
    w = _words(g, 2 * n)
    return (w[0::2] << np.uint64(32)) | w[1::2]


def _unit(g, n, npdt):
    """n uniforms in [0, 1) as PyTorch draws them for ``npdt``, as float64 (exact) values."""
    if npdt == np.float64:
        return (_words64(g, n) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0 ** -53
    return (_words(g, n) & np.uint64((1 << 24) - 1)).astype(np.float64) * 2.0 ** -24   # (half types: a
                                                                                      # float32, rounded)


def uniform(generator, shape, npdt, low=0.0, high=1.0):
    """Uniform values in [low, high) of dtype ``npdt`` (a real float dtype): the bounds rounded
    to ``npdt``, ``x * (high - low) + low`` in double (float for the half types)."""
    g = generator_of(generator)
    npdt = np.dtype(npdt)
    n = math.prod(shape)
    x = _unit(g, n, npdt)
    if low != 0.0 or high != 1.0:
        lo, hi = (np.asarray([low, high], np.float64).astype(npdt)).astype(np.float64)
        if npdt.itemsize < 4:
            x = x.astype(np.float32)
            x *= np.float32(hi - lo)
            x += np.float32(lo)
        else:
            x *= hi - lo
            x += lo
    return x.reshape(shape).astype(npdt, copy=False)


def integers(generator, low, high, shape):
    """int64 values in [low, high) (high > low)."""
    g = generator_of(generator)
    n = math.prod(shape)
    r = high - low
    w = _words(g, n) if r < (1 << 32) else _words64(g, n)
    if r < (1 << 63):
        return ((w % np.uint64(r)).astype(np.int64) + np.int64(low)).reshape(shape)
    return np.array([int(v) % r + low for v in w.tolist()], np.int64).reshape(shape)


def permutation(generator, n):
    """A permutation of 0 .. n-1 (int64)."""
    g = generator_of(generator)
    if n <= 1:
        return np.arange(n, dtype=np.int64)
    span = np.arange(n, 1, -1, dtype=np.uint64)
    z = (_words(g, n - 1) % span).tolist()
    a = list(range(n))
    for i, zi in enumerate(z):
        j = i + zi
        a[i], a[j] = a[j], a[i]
    return np.array(a, np.int64)


def normal(generator, shape, npdt, mean=0.0, std=1.0, contiguous=True):
    """N(mean, std^2) values of dtype ``npdt`` (a real float dtype)."""
    g = generator_of(generator)
    npdt = np.dtype(npdt)
    n = math.prod(shape)
    if n >= 16 and contiguous:                                # (half types: computed as float32)
        wk = np.dtype(np.float64) if npdt == np.float64 else np.dtype(np.float32)
        d = _normal_fill(g, n, wk.type(mean), wk.type(std), wk)
        return d.reshape(shape).astype(npdt, copy=False)
    return _normal_doubles(g, n, mean, std).astype(npdt).reshape(shape)


def _box_muller_16(d, mean, std):
    """Blocks of 16 uniforms (rows of d) to normals in place, as PyTorch's normal_fill_16: in
    float32 (its vectorised kernel: theta = float(2 pi) * u2; the log correctly rounded, NumPy's
    float32 cos and sin within an ulp of its own), or in float64."""
    t = d.dtype.type
    u1 = t(1) - d[:, :8]
    u2 = d[:, 8:]
    log = np.log(u1.astype(np.float64)).astype(d.dtype) if t is np.float32 else np.log(u1)
    radius = np.sqrt(t(-2) * log)
    theta = t(_TWO_PI) * u2
    d[:, :8] = radius * np.cos(theta) * std + mean
    d[:, 8:] = radius * np.sin(theta) * std + mean


def _normal_fill(g, n, mean, std, npdt=np.dtype(np.float32)):
    """PyTorch's normal_fill: n uniforms, Box-Muller on every block of 16 (a last partial block:
    the final 16 values drawn again and turned)."""
    d = _unit(g, n, npdt).astype(npdt)
    full = n - n % 16
    for i in range(0, full, _CHUNK):             # (blocks are independent: bounded temporaries)
        _box_muller_16(d[i:min(full, i + _CHUNK)].reshape(-1, 16), mean, std)
    if full < n:
        tail = _unit(g, 16, npdt).astype(npdt).reshape(1, 16)
        _box_muller_16(tail, mean, std)
        d[n - 16:] = tail[0]
    return d


def _normal_doubles(g, n, mean, std):
    """Box-Muller on pairs of doubles (u1 for the angle, u2 for the radius), cos first, the
    sin cached in the generator for the next value (PyTorch's normal_distribution<double>)."""
    out = np.empty(n, np.float64)
    k = 0
    if n and g._normal is not None:
        out[0] = g._normal
        g._normal = None
        k = 1
    pairs = (n - k + 1) // 2
    if pairs:
        u = _unit(g, 2 * pairs, np.dtype(np.float64)).reshape(pairs, 2)
        r = np.sqrt(-2.0 * np.log1p(-u[:, 1]))
        theta = _TWO_PI * u[:, 0]
        z = np.empty((pairs, 2))
        z[:, 0] = r * np.cos(theta)
        z[:, 1] = r * np.sin(theta)
        z = z.reshape(-1)
        m = n - k
        out[k:] = z[:m]
        if m % 2:
            g._normal = float(z[m])
    return out * std + mean


def exponential(generator, shape, npdt, lambd=1.0):
    """Exp(lambd) values of dtype ``npdt``: ``-1 / lambd * log1p(-u)`` of a double uniform."""
    g = generator_of(generator)
    u = _unit(g, math.prod(shape), np.dtype(np.float64))
    return ((-1.0 / lambd) * np.log1p(-u)).astype(npdt).reshape(shape)
