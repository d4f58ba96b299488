"""Truth reductions: all, any and count_nonzero (no gradient).

>>> ember.all(ember.tensor([[True, False], [True, True]]), dim=1)
tensor([False,  True])
"""
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, _wrap
from .sum_mean import reduce_dims
from .reduction_args import _out1, _tname
from ..numpy_arg_names import numpy_names

__all__ = ["all", "any", "count_nonzero"]


# ---------------------------------------------------------------- all / any / count_nonzero
def _logical(f, input, dim, keepdim, out):
    if input._rg is _QM:
        raise _q_refuse(f"aten::{f.__name__}." + ("all_out" if dim is None else "dims_out"))
    d = input._data
    if out is not None and out._data.dtype not in (np.bool_, np.uint8):
        raise RuntimeError(f"{f.__name__} only supports bool tensor for result, got: {_tname(out._data.dtype)}")
    if dim is None:
        r = f(d)
        if keepdim:
            r = np.asarray(r).reshape((1,) * d.ndim)
    elif isinstance(dim, (tuple, list)) and not dim:
        r = d != 0
    else:
        r = f(d, axis=reduce_dims(dim, d.ndim), keepdims=keepdim)
    r = np.asarray(r, dtype=np.uint8 if d.dtype == np.uint8 else np.bool_)
    return _out1(_wrap(r), out)


def all(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """True where every element (over ``dim``) is non-zero; uint8 input gives uint8.

    >>> ember.all(ember.tensor([[True, False], [True, True]]), dim=1)
    tensor([False,  True])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("all", dim, keepdim, axis, keepdims)
    return _logical(np.all, input, dim, keepdim, out)


def any(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """True where some element (over ``dim``) is non-zero; uint8 input gives uint8.

    >>> ember.tensor([0., 0., 2.]).any()
    tensor(True)
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("any", dim, keepdim, axis, keepdims)
    return _logical(np.any, input, dim, keepdim, out)


def count_nonzero(input, dim=None, *, axis=None):
    """Number of non-zero elements, over all of ``input`` or along ``dim`` (int or tuple).

    >>> ember.count_nonzero(ember.tensor([[0, 1, 2], [3, 0, 0]]), dim=0)
    tensor([1, 1, 1])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("count_nonzero", dim, False, axis, None, None)[0]
    if getattr(input, "_rg", None) is _QM:
        raise _q_refuse("aten::count_nonzero.dim_IntList")
    d = input._data
    r = np.count_nonzero(d, axis=reduce_dims(dim, d.ndim))
    return _wrap(np.asarray(r, dtype=np.int64))


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {name: globals()[name] for name in __all__}
