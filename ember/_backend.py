"""The one seam between ember and its array library.

Every other module reaches NumPy through this file (``from ember._backend import np``),
so that a second backend (CuPy) can later be slotted in here.
"""
import numpy as np

ndarray = np.ndarray

__all__ = ["np", "ndarray", "oom_error", "raises_oom_as_runtime_error"]


try:  # NumPy 2: the floating-point error state is a context variable; setting it directly is
    # ~10x cheaper than entering np.errstate on a hot path.
    from numpy._core._ufunc_config import _extobj_contextvar as _EXTOBJ, _make_extobj
    _FP_IGNORE = _make_extobj(all="ignore")

    def quiet_call(f, *args, **kw):
        """``f(*args, **kw)`` with NumPy's floating-point warnings off (PyTorch warns nothing
        for 0/0 or x/0).

        >>> from ember._backend import quiet_call
        >>> float(quiet_call(np.true_divide, 1.0, 0.0))
        inf
        """
        tok = _EXTOBJ.set(_FP_IGNORE)
        try:
            return f(*args, **kw)
        finally:
            _EXTOBJ.reset(tok)

    def quiet_ufunc(ufunc):
        """``ufunc`` as a function that runs with NumPy's floating-point warnings off.

        >>> from ember._backend import quiet_ufunc
        >>> float(quiet_ufunc(np.true_divide)(0.0, 0.0))
        nan
        """
        set_, reset = _EXTOBJ.set, _EXTOBJ.reset

        def call(a, b, **kw):
            tok = set_(_FP_IGNORE)
            try:
                return ufunc(a, b, **kw)
            finally:
                reset(tok)
        call.__name__ = ufunc.__name__
        return call

    def quiet_unary(ufunc):
        """One-argument ``ufunc`` as a function that runs with NumPy's floating-point warnings
        off (no argument packing: the cheapest form, for the hot unary kernels).

        >>> from ember._backend import quiet_unary
        >>> float(quiet_unary(np.exp)(np.float32(100.0)))
        inf
        """
        set_, reset = _EXTOBJ.set, _EXTOBJ.reset

        def call(a):
            tok = set_(_FP_IGNORE)
            try:
                return ufunc(a)
            finally:
                reset(tok)
        call.__name__ = ufunc.__name__
        return call
except ImportError:  # pragma: no cover - other NumPy versions
    def quiet_call(f, *args, **kw):
        """``f(*args, **kw)`` with NumPy's floating-point warnings off.

        >>> from ember._backend import quiet_call
        >>> float(quiet_call(np.true_divide, 1.0, 0.0))
        inf
        """
        with np.errstate(all="ignore"):
            return f(*args, **kw)

    def quiet_ufunc(ufunc):
        """``ufunc`` as a function that runs with NumPy's floating-point warnings off.

        >>> from ember._backend import quiet_ufunc
        >>> float(quiet_ufunc(np.true_divide)(0.0, 0.0))
        nan
        """
        def call(a, b, **kw):
            with np.errstate(all="ignore"):
                return ufunc(a, b, **kw)
        call.__name__ = ufunc.__name__
        return call

    def quiet_unary(ufunc):
        """One-argument ``ufunc`` as a function that runs with NumPy's floating-point warnings off.

        >>> from ember._backend import quiet_unary
        >>> float(quiet_unary(np.exp)(np.float32(100.0)))
        inf
        """
        def call(a):
            with np.errstate(all="ignore"):
                return ufunc(a)
        call.__name__ = ufunc.__name__
        return call


def _silence_fp_warnings_from_ember():
    """PyTorch never warns for floating-point overflow, 0/0 or x/0: NumPy's RuntimeWarnings of
    that kind are ignored when they come from ember's own modules (a user's NumPy code keeps
    them). The filter costs nothing when no such warning is raised; hot division/power
    paths also turn NumPy's checks off (``quiet_ufunc``)."""
    import warnings
    warnings.filterwarnings("ignore", message=r"(overflow|invalid value|divide by zero|underflow) encountered",
                            category=RuntimeWarning, module=r"ember(\.|$)")


_silence_fp_warnings_from_ember()


def oom_error(err):
    """PyTorch's RuntimeError for an allocation the machine cannot satisfy, from NumPy's
    MemoryError (which names the shape and dtype it tried).

    >>> from ember._backend import oom_error
    >>> e = oom_error(MemoryError("Unable to allocate"))
    >>> type(e).__name__, "can't allocate memory" in str(e)
    ('RuntimeError', True)
    """
    shape, dt = getattr(err, "shape", None), getattr(err, "dtype", None)
    if shape is not None and dt is not None:
        n = int(np.prod(shape, dtype=object)) * np.dtype(dt).itemsize
        what = f"you tried to allocate {n} bytes"
    else:
        what = str(err)
    return RuntimeError(f"DefaultCPUAllocator: can't allocate memory: {what}. "
                        "Error code 12 (Cannot allocate memory)")


def raises_oom_as_runtime_error(fn):
    """Decorate a function that allocates so that NumPy's MemoryError surfaces as PyTorch's
    RuntimeError (zero cost unless it is raised).

    >>> from ember._backend import raises_oom_as_runtime_error
    >>> @raises_oom_as_runtime_error
    ... def f(): raise MemoryError("no")
    >>> try: f()
    ... except RuntimeError as e: print(type(e).__name__)
    RuntimeError
    """
    import functools

    @functools.wraps(fn)
    def guarded(*args, **kw):
        try:
            return fn(*args, **kw)
        except MemoryError as e:
            raise oom_error(e) from None
    return guarded


def as_strided(a, shape, strides, writeable=True):
    """``np.lib.stride_tricks.as_strided`` that also takes the ml_dtypes types whose array
    interface NumPy cannot read back (float8_e5m2 and complex32 say ``'<f1'``/``'<c4'``): those
    are strided as unsigned ints of their size and viewed back.

    >>> import ml_dtypes
    >>> from ember._backend import as_strided
    >>> as_strided(np.zeros(4, ml_dtypes.float8_e5m2), (2,), (2,)).dtype.name
    'float8_e5m2'
    """
    try:
        return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=writeable)
    except TypeError:
        if a.dtype.kind not in "Vfc" or a.itemsize not in (1, 2, 4, 8):
            raise
        u = np.lib.stride_tricks.as_strided(a.view(f"u{a.itemsize}"), shape, strides, writeable=writeable)
        return u.view(a.dtype)
