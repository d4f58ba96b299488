"""Argument and result handling shared by the reduction families: keepdim shapes, the
non-empty and complex-input checks with PyTorch's messages, ``out=``, integer promotion to
int64, and a do-nothing ``ctx`` for running an Op's forward without recording.

>>> from ember.ops.reduce.reduction_args import _int64_if_int
>>> _int64_if_int(np.zeros(2, np.int32), None)
torch.int64
"""
import math
from .._util import np, D, _wrap, _state
from .sum_mean import _reduced_shape


_inf = math.inf
_TN = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
       "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
       "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tname(npdt):
    return _TN.get(D.NP2DT[npdt].name, D.NP2DT[npdt].name)


def _grad(t):
    return _state[0] and t._rg


def _const(arr, like):
    """A constant (no-grad) Tensor from ``arr`` in the dtype of array ``like``."""
    return _wrap(np.asarray(arr, dtype=like.dtype))


def _keep(t, shape, dims, keepdim):
    """A reduced Tensor ``t`` reshaped to keepdim form (size 1 in ``dims``)."""
    if keepdim or not dims:
        return t
    return t.reshape(_reduced_shape(shape, dims))


def _keep_np(a, shape, dims, keepdim):
    return a if keepdim or not dims else a.reshape(_reduced_shape(shape, dims))


def _check_nonempty(name, shape, dims):
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _no_complex(name, d, kernel=None):
    """Ordering ops reject complex input as PyTorch does (RuntimeError, or NotImplementedError
    naming the CPU kernel)."""
    if d.dtype.kind == "c":
        if kernel is None:
            raise RuntimeError(f"{name}(): does not support complex input")
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_tname(d.dtype)}\'')


def _sortable(d):
    """``d`` as NumPy sorts it right: bfloat16 (kind 'V') sorts NaN first, so go via float32."""
    return d.astype(np.float32) if d.dtype.kind == "V" else d


def _out1(r, out):
    if out is None:
        return r
    from ..elementwise.arithmetic import _out
    return _out(r, out)


def _outn(rt, vals, out):
    if out is None:
        return rt(vals)
    from ..elementwise.arithmetic import _out
    return rt(tuple(_out(v, o) for v, o in zip(vals, out)))


def _as_1d(input):
    """0-d tensors take dim 0/-1 in dim-wise ops: work on a 1-element view."""
    return input.reshape(1)

def _int64_if_int(d, dtype):
    if dtype is not None:
        return D.to_dtype(dtype)
    if d.dtype.kind in "biu":
        return D.int64
    return None

class _NoCtxT:
    def save_for_backward(self, *a):
        pass


_NoCtx = _NoCtxT()
