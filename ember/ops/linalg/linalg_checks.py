"""Shared pieces of ``ember.linalg``: LinAlgError, dtype/shape checks, PyTorch's error
messages and small helpers the linalg families use.

>>> issubclass(ember.linalg.LinAlgError, RuntimeError)
True
"""
import math

from ..._backend import np
from ... import _dtype as D
from ..._tensor import _wrap
from ...autograd import grad_mode
from ...autograd.function import apply_op
from ... import return_types as _RT


_SolveEx = getattr(_RT, "linalg_solve_ex", None) or _RT.structseq("linalg_solve_ex", ("result", "info"))
_state = grad_mode._state
inf = math.inf


class LinAlgError(RuntimeError):
    """Raised when a matrix is singular or not positive-definite (``torch.linalg.LinAlgError``).

    >>> issubclass(ember.linalg.LinAlgError, RuntimeError)
    True
    """


_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
          "float64": "Double"}


def _tname(a):
    n = D.NP2DT[a.dtype].name
    return _NAMES.get(n, n)


def _rt(name, values):
    return getattr(_RT, name)(tuple(values))


def _check_float(A, name, low=False):
    """Float or complex input; half precision only where PyTorch computes it (``low``)."""
    k = A._data.dtype.kind
    if low and k == "V" or (low and A._data.dtype == np.float16):
        return
    if k not in "fc" or A._data.dtype == np.float16:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tname(A._data)}")


def _check_square(A, name, square=True, low=False):
    _check_float(A, name, low)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def _batch_prefix(a, i):
    return f"(Batch element {i}): " if a.ndim > 2 else ""


def _first_zero_pivot(m):
    """1-based index of the first exactly-zero pivot of an LU factorisation with partial pivoting."""
    u = m.astype(np.float64 if m.dtype.kind == "f" else np.complex128, copy=True)
    n = u.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(u[k:, k])))
        if u[p, k] == 0:
            return k + 1
        if p != k:
            u[[k, p]] = u[[p, k]]
        u[k + 1:, k:] -= np.outer(u[k + 1:, k] / u[k, k], u[k, k:])
    return 0


def _singular_error(a, name):
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        k = _first_zero_pivot(m)
        if k:
            return LinAlgError(f"{name}: {_batch_prefix(a, i)}The diagonal element {k} is zero, the inversion "
                               "could not be completed because the input matrix is singular.")
    return LinAlgError(f"{name}: The inversion could not be completed because the input matrix is singular.")


def _not_pd_error(a, name):
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        for k in range(1, m.shape[0] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return LinAlgError(f"{name}: {_batch_prefix(a, i)}The factorization could not be completed "
                                   "because the input is not positive-definite (the leading minor of order "
                                   f"{k} is not positive-definite).")
    return LinAlgError(f"{name}: The factorization could not be completed because the input is not "
                       "positive-definite.")


def _apply(cls, tensors, *args):
    if _state[0] and any(t._rg for t in tensors):
        return apply_op(cls, tensors, *args)
    out = cls.forward(_NoCtx, *[t._data for t in tensors], *args)
    if isinstance(out, tuple):
        return tuple(_wrap(o) for o in out)
    return _wrap(out)


class _NoCtxT:
    def save_for_backward(self, *a):
        pass

    def mark_non_differentiable(self, *a):
        pass

    def __setattr__(self, k, v):  # keep nothing alive between calls
        pass


_NoCtx = _NoCtxT()


def _unsq2(t):
    return t.unsqueeze(-1).unsqueeze(-1)


def _out(r, out):
    if out is None:
        return r
    from ..elementwise.arithmetic import _out as o
    return o(r, out)
