"""Extremes: max/min (all, along a dim with indices, or elementwise against a tensor),
amax/amin, aminmax and argmax/argmin. Value-selecting forms send the gradient to the index
they return; max()/amax and friends split it evenly between ties, as PyTorch does.

>>> x = ember.tensor([[1., 5.], [4., 2.]], requires_grad=True)
>>> x.max(dim=1)
torch.return_types.max(
values=tensor([5., 4.], grad_fn=<MaxBackward0>),
indices=tensor([1, 0]))
"""
from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, D, Tensor, _wrap, Op, apply_op, norm_dim
from .sum_mean import reduce_dims, _TYPEID
from ... import return_types as RT
from .reduction_args import _as_1d, _check_nonempty, _no_complex, _out1, _outn, _tname
from .selection_grads import (_Amax, _Amin, _MaxAll, _MaxDim, _MinAll, _MinDim, _evenly,
                              _select)
from ..numpy_arg_names import numpy_names
from ..._errors import check_broadcast

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin"]


# ---------------------------------------------------------------- max / min / amax / amin
class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b, npdt, is_max):
        ctx.is_max = is_max
        ctx.save_for_backward(a, b)
        f = np.maximum if is_max else np.minimum
        return f(a, b, dtype=npdt) if npdt is not None else f(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ad, bd = a._data, b._data
        eq = ad == bd
        lose_a, lose_b = (ad < bd, ad > bd) if ctx.is_max else (ad > bd, ad < bd)
        gd = g._data
        wa = np.where(eq, 0.5, np.where(lose_a, 0.0, 1.0)).astype(gd.dtype, copy=False)
        wb = np.where(eq, 0.5, np.where(lose_b, 0.0, 1.0)).astype(gd.dtype, copy=False)
        n = ctx.needs_input_grad
        return (g * _wrap(wa) if n[0] else None), (g * _wrap(wb) if n[1] else None)


class Minimum(Maximum):
    pass


def _elementwise_ext(input, other, is_max, out):
    if not isinstance(other, Tensor):
        raise TypeError(f"{'max' if is_max else 'min'}() received an invalid combination of "
                        f"arguments - got (Tensor, {type(other).__name__})")
    dt, npdt = D.binary_result(input, other)
    if input._data.dtype.kind == "c" or other._data.dtype.kind == "c":
        raise RuntimeError("maximum not implemented for complex tensors.")
    if input._data.shape != other._data.shape:
        check_broadcast(input._data.shape, other._data.shape)
    return _out1(apply_op(Maximum if is_max else Minimum, (input, other), npdt, is_max), out)



def _ext(name, is_max, input, dim, keepdim, out):
    d = input._data
    _no_complex(name, d, f"{name}_all" if dim is None else None)
    if dim is None:
        if d.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        v = np.max(d) if is_max else np.min(d)
        return _out1(_evenly(_MaxAll if is_max else _MinAll, input, v, tuple(range(d.ndim)),
                             False, True), out)
    if isinstance(dim, Tensor):
        return _elementwise_ext(input, dim, is_max, out)
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        r = _ext(name, is_max, _as_1d(input), 0, False, None)
        return _outn(getattr(RT, name), (r[0].reshape(()), r[1].reshape(())), out)
    _check_nonempty(name, d.shape, (dim,))
    f = np.argmax if is_max else np.argmin
    idx = f(d, axis=dim, keepdims=True)
    return _select(_MaxDim if is_max else _MinDim, getattr(RT, name), input, idx, dim, keepdim, out)


def max(input, dim=None, keepdim=False, *, out=None, other=None, axis=None, keepdims=None):
    """Largest element; with ``dim``, ``(values, indices)`` along it; with a tensor, the
    elementwise maximum.

    >>> x = ember.tensor([[1., 7.], [3., 2.]])
    >>> x.max()
    tensor(7.)
    >>> x.max(0).indices
    tensor([1, 0])
    >>> ember.max(x, ember.tensor([2., 2.]))
    tensor([[2., 7.],
            [3., 2.]])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("max", dim, keepdim, axis, keepdims)
    if other is not None:
        return _elementwise_ext(input, other, True, out)
    return _ext("max", True, input, dim, keepdim, out)


def min(input, dim=None, keepdim=False, *, out=None, other=None, axis=None, keepdims=None):
    """Smallest element; with ``dim``, ``(values, indices)`` along it; with a tensor, the
    elementwise minimum.

    >>> x = ember.tensor([[1., 7.], [3., 2.]])
    >>> x.min()
    tensor(1.)
    >>> x.min(1, keepdim=True).values
    tensor([[1.],
            [2.]])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("min", dim, keepdim, axis, keepdims)
    if other is not None:
        return _elementwise_ext(input, other, False, out)
    return _ext("min", False, input, dim, keepdim, out)


def _amaxmin(name, is_max, input, dim, keepdim, out):
    d = input._data
    if out is not None and out._data.dtype != d.dtype:
        raise RuntimeError(f"Expected the dtype for input and out to match, but got {_tname(d.dtype)} for "
                           f"input's dtype and {_tname(out._data.dtype)} for out's dtype.")
    _no_complex(name, d, f"{name[1:]}_values_cpu")
    dims = reduce_dims(dim, d.ndim)
    if d.size == 0:
        if dim is None or (isinstance(dim, (tuple, list)) and not dim):
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        _check_nonempty(name, d.shape, dims)
    f = np.max if is_max else np.min
    v = f(d, axis=dims, keepdims=keepdim)
    return _out1(_evenly(_Amax if is_max else _Amin, input, v, dims, keepdim, False), out)


def amax(input, dim=(), keepdim=False, *, out=None, axis=None, keepdims=None):
    """Maximum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    >>> ember.amax(ember.tensor([[1., 7.], [3., 2.]]), dim=1)
    tensor([7., 3.])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("amax", dim, keepdim, axis, keepdims, ())
    return _amaxmin("amax", True, input, dim, keepdim, out)


def amin(input, dim=(), keepdim=False, *, out=None, axis=None, keepdims=None):
    """Minimum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    >>> ember.amin(ember.tensor([[1., 7.], [3., 2.]]), dim=(0, 1))
    tensor(1.)
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("amin", dim, keepdim, axis, keepdims, ())
    return _amaxmin("amin", False, input, dim, keepdim, out)


def aminmax(input, *, dim=None, keepdim=False, out=None, axis=None, keepdims=None):
    """``(min, max)`` over all elements or along ``dim``.

    >>> ember.aminmax(ember.tensor([3., 1., 4.]))
    torch.return_types.aminmax(
    min=tensor(1.),
    max=tensor(4.))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("aminmax", dim, keepdim, axis, keepdims)
    d = input._data
    _no_complex("aminmax", d, "aminmax_cpu")
    dims = tuple(range(d.ndim)) if dim is None else reduce_dims(dim, d.ndim)
    if d.size == 0 and dim is not None:
        for i in dims:
            if d.shape[i] == 0:
                raise IndexError(f"aminmax: Expected reduction dim {i} to have non-zero size.")
    if d.size == 0 and (dim is None or any(d.shape[i] == 0 for i in dims)):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    return _outn(RT.aminmax, (amin(input, dims, keepdim), amax(input, dims, keepdim)), out)


def _arg(name, f, input, dim, keepdim, out):
    if input._rg is _QM:
        raise _q_refuse(f"aten::{name}.out")
    d = input._data
    if out is not None and out._data.dtype != np.int64:
        raise RuntimeError(f"Expected out tensor to have dtype long int, but got "
                           f"{_TYPEID.get(out.dtype.name, out.dtype.name)} instead")
    if d.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    _no_complex(name, d)
    if dim is None:
        if d.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = np.asarray(f(d), dtype=np.int64)
        if keepdim:
            r = r.reshape((1,) * d.ndim)
        return _out1(_wrap(r), out)
    dim = norm_dim(dim, d.ndim)
    if d.ndim == 0:
        return _out1(_wrap(np.zeros((), np.int64)), out)
    _check_nonempty(name, d.shape, (dim,))
    return _out1(_wrap(f(d, axis=dim, keepdims=keepdim).astype(np.int64, copy=False)), out)


def argmax(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Index of the largest value (of the flattened tensor when ``dim`` is None).

    >>> ember.argmax(ember.tensor([[1., 7.], [3., 2.]])), ember.argmax(ember.tensor([[1., 7.], [3., 2.]]), 0)
    (tensor(1), tensor([1, 0]))
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("argmax", dim, keepdim, axis, keepdims)
    return _arg("argmax", np.argmax, input, dim, keepdim, out)


def argmin(input, dim=None, keepdim=False, *, out=None, axis=None, keepdims=None):
    """Index of the smallest value (of the flattened tensor when ``dim`` is None).

    >>> ember.argmin(ember.tensor([[1., 7.], [3., 0.]]), dim=1, keepdim=True)
    tensor([[0],
            [1]])
    """
    if axis is not None or keepdims is not None:  # NumPy's names (as PyTorch accepts)
        dim, keepdim = numpy_names("argmin", dim, keepdim, axis, keepdims)
    return _arg("argmin", np.argmin, input, dim, keepdim, out)


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {name: globals()[name] for name in __all__}
