"""Reductions: sum and mean (the rest of the family builds on the same helpers).

>>> x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
>>> x.sum(dim=0)
tensor([4., 6.], grad_fn=<SumBackward1>)
"""
from ..._quantized_mark import QUANTIZED as _QM
from .._util import np, D, Op, apply_op, norm_dims, _state
from ...autograd.function import _NOGRAD
from ..._row_sums import sum_last

__all__ = ["sum", "mean", "sum_to_size"]


def reduce_dims(dim, ndim):
    """``dim`` of a reduction as a sorted tuple of axes: None or ``()`` mean every dim, and a
    0-d tensor accepts dim 0/-1 but has no axis to reduce."""
    if dim is None or (dim.__class__ in (tuple, list) and not dim):
        return tuple(range(ndim))
    dims = norm_dims(dim, ndim)
    return dims if ndim else ()


_ALL_DIMS = tuple(tuple(range(n)) for n in range(65))  # every dim of an n-d tensor (64: the most NumPy allows)


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _trailing_sum(a, dims, keepdim, npdt):
    """The sum of float ``a`` over ``dims`` when they are its last axes (``_row_sums``: BLAS
    speed, NumPy's accuracy), else None."""
    if (npdt is None or npdt == a.dtype) and dims and a.dtype in _FLOATS and dims[-1] == a.ndim - 1 \
            and len(dims) == a.ndim - dims[0]:
        return sum_last(a, len(dims), keepdim)
    return None


def _reduced_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def expand_back(g, in_shape, dims, keepdim):
    """Broadcast a reduced gradient back to ``in_shape``."""
    if not keepdim and dims:
        g = g.reshape(_reduced_shape(in_shape, dims))
    return g.expand(in_shape)


class Sum(Op):
    _name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, npdt):
        if ctx is not _NOGRAD:
            ctx.in_shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
        r = _trailing_sum(a, dims, keepdim, npdt)
        if r is None:
            if npdt is None and a.itemsize == 2:  # float16/bfloat16: accumulated in float32, as PyTorch
                r = np.asarray(np.sum(a, axis=dims, keepdims=keepdim, dtype=np.float32)).astype(a.dtype)
            else:
                r = np.sum(a, axis=dims, keepdims=keepdim, dtype=npdt)
        return r if r.__class__ is not np.ndarray or r.flags.c_contiguous else np.ascontiguousarray(r)

    @staticmethod
    def backward(ctx, g):
        return expand_back(g, ctx.in_shape, ctx.dims, ctx.keepdim)


class SumAll(Sum):
    _name = "SumBackward0"


from ..._dtype_names import TYPEID_NAMES as _TYPEID  # noqa: E402
from ..numpy_arg_names import numpy_names


def out_dtype_arg(input, dtype, out, fn):
    """The ``dtype`` a sum-like reduction (sum, prod, cumsum ...) computes in when given ``out=``:
    ``out``'s dtype (the input is cast to it first, as PyTorch does), RuntimeError when
    ``dtype`` names another one or when grad mode is on and an argument requires grad.

    >>> from ember.ops.reduce.sum_mean import out_dtype_arg
    >>> out_dtype_arg(ember.ones(2), None, ember.empty(0, dtype=ember.int64), "sum")
    torch.int64
    >>> ember.sum(ember.tensor([1.5, 2.5]), 0, out=ember.empty(0, dtype=ember.int64))
    tensor(3)
    """
    if out is None:
        return dtype
    if _state[0] and (input._rg or out._rg):
        raise RuntimeError(f"{fn}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    od = out.dtype
    if dtype is None:
        return od
    dt = D.to_dtype(dtype)
    if dt is not od:
        raise RuntimeError(f"Expected out tensor to have dtype {_TYPEID.get(dt.name, dt.name)}, but got "
                           f"{_TYPEID.get(od.name, od.name)} instead")
    return dt


def _sum_dtype(a, dtype):
    if dtype is not None:
        return D.to_dtype(dtype).np
    k = a.dtype.kind
    if k in "biu":
        return np.int64
    return None


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Sum over all elements, or over ``dim`` (int or tuple); integers sum to int64.

    >>> ember.sum(ember.tensor([[1, 2], [3, 4]]), dim=1)
    tensor([3, 7])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("sum", dim, keepdim, axis, keepdims)
    if out is not None:
        dtype = out_dtype_arg(input, dtype, out, "sum")
        if dtype.np != input._data.dtype:
            input = input.to(dtype)
    d = input._data
    if dim is None:
        dims, cls = _ALL_DIMS[d.ndim], (Sum if keepdim else SumAll)
    else:
        dims, cls = reduce_dims(dim, d.ndim), Sum
    r = apply_op(cls, (input,), dims, keepdim, _sum_dtype(d, dtype))
    if out is not None:
        from ..elementwise.arithmetic import _out
        return _out(r, out)
    return r


class Mean(Op):
    _name = "MeanBackward1"

    @staticmethod
    def forward(ctx, a, dims, keepdim, npdt):
        if ctx is not _NOGRAD:
            ctx.in_shape, ctx.dims, ctx.keepdim = a.shape, dims, keepdim
            n = 1
            for i in dims:
                n *= a.shape[i]
            ctx.n = n
        with np.errstate(invalid="ignore", divide="ignore"):
            r = _trailing_sum(a, dims, keepdim, npdt)
            if r is not None and a.size:
                n = a.size // max(1, r.size)
                return (np.true_divide(r, n, out=r) if r.__class__ is np.ndarray else r / n).astype(a.dtype, copy=False)
            return np.mean(a, axis=dims, keepdims=keepdim, dtype=npdt).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return expand_back(g / ctx.n, ctx.in_shape, ctx.dims, ctx.keepdim)


class MeanAll(Mean):
    _name = "MeanBackward0"


def _mean_dtype_error(fn, dtype):
    """PyTorch's error for a mean asked to compute in a bool or integer ``dtype``."""
    dn = D.to_dtype(dtype).name.capitalize()
    dn = {"Int64": "Long", "Int32": "Int", "Int16": "Short", "Int8": "Char", "Uint8": "Byte"}.get(dn, dn)
    raise RuntimeError(f"{fn}(): could not infer output dtype. Optional dtype must be either a "
                       f"floating point or complex dtype. Got: {dn}")


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=None):
    """Arithmetic mean over all elements or over ``dim``; needs a float dtype.

    >>> ember.mean(ember.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([2., 3.])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("mean", dim, keepdim, axis, keepdims)
    d = input._data
    if dtype is None and d.dtype.kind not in "fcV":
        if input._rg is _QM:  # a quantized tensor: PyTorch's quantized mean
            return input.mean(dim, keepdim)
        dn = D.NP2DT[d.dtype].name.capitalize()
        dn = {"Int64": "Long", "Int32": "Int", "Int16": "Short", "Int8": "Char", "Uint8": "Byte"}.get(dn, dn)
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {dn}")
    if dtype is not None and D.to_dtype(dtype)._cat < 2:
        _mean_dtype_error("mean", dtype)
    if out is not None and (dtype is not None or out.dtype._cat >= 2):
        dtype = out_dtype_arg(input, dtype, out, "mean")
    npdt = D.to_dtype(dtype).np if dtype is not None else None
    if dim is None:
        dims, cls = _ALL_DIMS[d.ndim], (Mean if keepdim else MeanAll)
    else:
        dims, cls = reduce_dims(dim, d.ndim), Mean
    if npdt is not None and npdt != d.dtype:
        input = input.to(D.to_dtype(dtype))
        d = input._data
    r = apply_op(cls, (input,), dims, keepdim, None)
    if out is not None:
        from ..elementwise.arithmetic import _out
        return _out(r, out)
    return r


def sum_to_size(input, *sizes, size=None):
    """Sum ``input`` down to a shape it broadcasts from.

    >>> ember.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    size = sizes if size is None or sizes else (size,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != shape[lead + i] for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    if not dims:
        return input
    r = sum(input, dims, keepdim=True)
    if lead:
        r = r.reshape(size)
    return r


TENSOR_METHODS = {"sum": sum, "mean": mean, "sum_to_size": sum_to_size}
