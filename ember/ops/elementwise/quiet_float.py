"""Float math without NumPy's floating-point warnings, as PyTorch gives inf and NaN silently:
``_ign()`` (a context), ``_flt`` (a unary array function in float, half precision through
float32) and ``_fbin`` (a binary ufunc in a float dtype). Shared by the elementwise families.

>>> from ember.ops.elementwise.quiet_float import _flt
>>> _flt(np.log, np.array([0, 1])).tolist()
[-inf, 0.0]
"""
import math

from .._util import np, to_float_np

_LN2, _LN10 = math.log(2.0), math.log(10.0)

# Floating-point warnings off inside ops (PyTorch gives inf/NaN silently). np.errstate costs
# several microseconds per use; on NumPy 2 the same state is one context variable, set and
# reset directly here (falling back to np.errstate elsewhere).
try:  # the backend seam owns NumPy's private error-state variable
    from ..._backend import _EXTOBJ, _FP_IGNORE as _IGNORE
except ImportError:  # pragma: no cover - NumPy 1.x
    _EXTOBJ = None


class _Ign:
    __slots__ = ("tok",)

    def __enter__(self):
        self.tok = _EXTOBJ.set(_IGNORE)

    def __exit__(self, *exc):
        _EXTOBJ.reset(self.tok)


def _ign():
    """A context in which NumPy's floating-point warnings are ignored."""
    return _Ign() if _EXTOBJ is not None else np.errstate(all="ignore")


def _flt(fn, a):
    """``fn`` on ``a`` as floats: ints/bool go to the default float dtype; half precision
    is computed in float32 and rounded back, as PyTorch does."""
    a = to_float_np(a)
    dt = a.dtype
    if _EXTOBJ is None:  # pragma: no cover - NumPy 1.x
        with np.errstate(all="ignore"):
            r = fn(a) if dt.itemsize >= 4 or dt.kind == "c" else fn(a.astype(np.float32)).astype(dt)
    else:
        tok = _EXTOBJ.set(_IGNORE)
        try:
            r = fn(a) if dt.itemsize >= 4 or dt.kind == "c" else fn(a.astype(np.float32)).astype(dt)
        finally:
            _EXTOBJ.reset(tok)
    return r if r.__class__ is np.ndarray else np.asarray(r)



def _fbin(ufunc, a, b, dt):
    """``ufunc`` computed in float dtype ``dt`` (half via float32)."""
    npdt = dt.np
    with _ign():
        if npdt.itemsize >= 4 or npdt.kind == "c":
            r = ufunc(a, b, dtype=npdt)
        else:
            a = a.astype(np.float32) if isinstance(a, np.ndarray) else a
            b = b.astype(np.float32) if isinstance(b, np.ndarray) else b
            r = ufunc(a, b, dtype=np.float32).astype(npdt)
    return r if r.__class__ is np.ndarray else np.asarray(r)

