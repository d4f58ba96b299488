"""float32 ``fmod``, ``remainder`` and floor division at vector speed, with PyTorch's results.

NumPy computes float32 ``fmod``/``remainder``/``floor_divide`` one element at a time through
the C library (a million elements: ~16 ms, PyTorch ~1 ms). Here the quotient is taken in
float64, where for float32 operands it is exact enough: when ``|a / b| < 2**28`` its
truncation is the true one (a float32 remainder is a multiple of the operands' finer grid,
so the true quotient lies at least 2**-24 from the nearest integer, more than float64's
rounding of it), ``q * b`` is exact (24 + 28 bits) and so is ``a - q * b`` (the true
remainder, a float32 value). Elements outside that range, infinities, NaNs and zero
divisors take NumPy's exact ``fmod``. The results then follow PyTorch's formulas:

* ``fmod``: the sign of ``a`` (zeros too);
* ``remainder``: ``fmod`` plus ``b`` where they differ in sign (a zero keeps ``a``'s sign);
* floor division: ``(a - fmod) / b``, one less where ``remainder`` adjusted, then floored and
  rounded up past .5 (a zero takes the sign of ``a / b``; ``b == 0`` gives ``a / b``).

Everything runs in cache-sized chunks (``par_map``, also over the intra-op threads).

>>> from ember.ops.elementwise.float_mod import fmod32, remainder32, floor_divide32
>>> a = np.array([-7., 7., 5.5], np.float32); b = np.array([3., -3., 2.], np.float32)
>>> fmod32(a, b).tolist(), remainder32(a, b).tolist(), floor_divide32(a, b).tolist()
([-1.0, 1.0, 1.5], [2.0, -2.0, 1.5], [-3.0, -3.0, 2.0])
"""
from ..._backend import np
from ..._parallel_pass import par_map
from ..._select import select

__all__ = []

_EXACT_Q = 2.0 ** 28
_F32 = np.dtype(np.float32)


def _fmod_chunk(a, b):
    a64 = np.asarray(a, np.float64)
    b64 = np.asarray(b, np.float64)
    q = np.divide(a64, b64)
    np.trunc(q, out=q)
    r = np.multiply(q, b64)
    np.subtract(a64, r, out=r)
    bad = np.abs(q) < _EXACT_Q
    bad &= np.isfinite(r)
    np.logical_not(bad, out=bad)
    out = r.astype(np.float32)
    np.copysign(out, a, out=out)                 # the sign of a, zeros included
    if bad.any():
        shape = out.shape
        out[bad] = np.fmod(np.broadcast_to(a, shape)[bad], np.broadcast_to(b, shape)[bad])
    return out


def _remainder_chunk(a, b):
    r = _fmod_chunk(a, b)
    fix = (r < 0) != (np.asarray(b) < 0)
    fix &= r != 0
    return select(fix, np.add(r, b), r, _F32)


def _floor_divide_chunk(a, b):
    m = _fmod_chunk(a, b)
    div = np.subtract(a, m)
    div /= b
    adj = (m < 0) != (np.asarray(b) < 0)
    adj &= m != 0
    div -= adj
    fl = np.floor(div)
    fl += (div - fl) > 0.5
    q = np.divide(a, b)
    fl = select(div == 0, np.copysign(np.float32(0), q), fl, _F32)
    bz = np.asarray(b) == 0
    return select(bz, q, fl, _F32) if bz.any() else fl


def _run(chunk, a, b):
    with np.errstate(all="ignore"):
        return par_map(chunk, a, b, passes=12)


def fmod32(a, b):
    """C's ``fmod`` of float32 ``a`` and ``b`` (broadcast): the result has the sign of ``a``.

    >>> from ember.ops.elementwise.float_mod import fmod32
    >>> fmod32(np.float32([-4., 7.5]), np.float32(3.)).tolist()
    [-1.0, 1.5]
    """
    return _run(_fmod_chunk, a, b)


def remainder32(a, b):
    """PyTorch's ``remainder`` of float32 ``a`` and ``b``: the sign of ``b``.

    >>> from ember.ops.elementwise.float_mod import remainder32
    >>> remainder32(np.float32([-4., -1.]), np.float32(3.)).tolist()
    [2.0, 2.0]
    """
    return _run(_remainder_chunk, a, b)


def floor_divide32(a, b):
    """PyTorch's floor division of float32 ``a`` by ``b``.

    >>> from ember.ops.elementwise.float_mod import floor_divide32
    >>> floor_divide32(np.float32([-7., 7., 1.]), np.float32([2., 2., 0.])).tolist()
    [-4.0, 3.0, inf]
    """
    return _run(_floor_divide_chunk, a, b)
