"""Joining tensors: cat/concat/concatenate, stack, hstack/vstack/dstack/column_stack and
atleast_1d/2d/3d.

>>> a, b = ember.tensor([1, 2]), ember.tensor([3, 4])
>>> ember.cat([b, a])
tensor([3, 4, 1, 2])
>>> ember.stack([a, b], dim=1)
tensor([[1, 3],
        [2, 4]])
"""
from ... import _autocast_state as _ac
from ..._autocast_state import on as _ac_on
import builtins

from .._util import np, D, Tensor, _wrap, Op, apply_op, norm_dim, _NOGRAD
from ..._quantized_mark import QUANTIZED as _QM
from .movement import unsqueeze
from .splitting import narrow
from ..numpy_arg_names import numpy_names

_srange = builtins.range

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "row_stack",
           "column_stack", "atleast_1d", "atleast_2d", "atleast_3d"]


# ------------------------------------------------------------------ cat / stack
class Cat(Op):
    @staticmethod
    def forward(ctx, *args):
        *arrays, dim, npdt, skip = args  # skip: legacy empty 1-D inputs, left out of the result
        if ctx is not _NOGRAD:
            ctx.dim, ctx.skip = dim, skip
            ctx.sizes = [a.shape[dim] if i not in skip else 0 for i, a in enumerate(arrays)]
        if skip:
            arrays = [a for i, a in enumerate(arrays) if i not in skip]
        r = np.concatenate(arrays, axis=dim, dtype=npdt, casting="unsafe")
        return r if r.flags.c_contiguous else np.ascontiguousarray(r)  # torch's cat is contiguous

    @staticmethod
    def backward(ctx, g):
        out, start, dim = [], 0, ctx.dim
        for i, s in enumerate(ctx.sizes):
            if i in ctx.skip:
                out.append(_wrap(np.zeros((0,), dtype=g._data.dtype)))
                continue
            out.append(narrow(g, dim, start, s))
            start += s
        return tuple(out)


def cat(tensors, dim=0, *, out=None, axis=None):
    """Join tensors along an existing dim (dtypes promote as in PyTorch).

    >>> ember.cat([ember.zeros(1, 2), ember.ones(2, 2)]).shape
    torch.Size([3, 2])
    >>> ember.cat([ember.tensor([1]), ember.tensor([0.5])])
    tensor([1.0000, 0.5000])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("cat", dim, False, axis, None, 0)[0]
    if _ac_on[0]:
        tensors = _ac.promote(tensors)
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    r = _cat_plain(tensors, dim)
    if r is not None:
        return _out(r, out)
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    if tensors[0]._rg is _QM:  # (quantized: the dispatch's cat checks dtypes and parameters)
        dt = D.NP2DT[tensors[0]._data.dtype]
    # legacy: 1-D empty tensors are skipped
    keep = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
    ref = (keep or tensors)[0]._data
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    n = ref.ndim
    dim = norm_dim(dim, n)
    for t in keep[1:]:
        s = t._data.shape
        if len(s) != n:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {n} and {len(s)}")
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,) and n != 1:
            continue
        for d in _srange(n):
            if d != dim and s[d] != ref.shape[d]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{ref.shape[d]} but got size {s[d]} for tensor number {i} in the list.")
    skip = frozenset(i for i, t in enumerate(tensors) if t._data.shape == (0,) and n != 1)
    r = apply_op(Cat, tuple(tensors), dim, dt.np, skip)
    return _out(r, out)


concat = concatenate = cat

_NO_SKIP = frozenset()


def _cat_plain(tensors, dim):
    """``cat`` of tensors of one dtype and rank (at least 1), none quantized nor a legacy empty
    1-d one, whose sizes agree but along ``dim``: the checks in one pass (the common case, a
    third of the general path's time); None for anything else (the general path decides)."""
    d0 = tensors[0]._data
    s0, dt, n = d0.shape, d0.dtype, d0.ndim
    if n == 0 or tensors[0]._rg is _QM or (n == 1 and s0[0] == 0):
        return None
    dim = dim if dim.__class__ is int and 0 <= dim < n else norm_dim(dim, n)
    rest = s0[:dim] + s0[dim + 1:]
    for t in tensors[1:]:
        d = t._data
        s = d.shape
        if d.dtype != dt or len(s) != n or s[:dim] + s[dim + 1:] != rest or t._rg is _QM:
            return None
    return apply_op(Cat, tuple(tensors), dim, dt, _NO_SKIP)


def _out(r, out):
    if out is None:
        return r
    from ..elementwise.arithmetic import _out as o
    return o(r, out)


class Stack(Op):
    _name = "StackBackward0"

    @staticmethod
    def forward(ctx, *args):
        *arrays, dim, npdt = args
        if ctx is not _NOGRAD:
            ctx.dim, ctx.n = dim, len(arrays)
        a0 = arrays[0]
        out = np.empty(a0.shape[:dim] + (len(arrays),) + a0.shape[dim:], npdt)   # C-contiguous, as torch's
        return np.stack(arrays, axis=dim, out=out, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        return tuple(g.select(ctx.dim, i) for i in _srange(ctx.n))


def stack(tensors, dim=0, *, out=None, axis=None):
    """Join equally shaped tensors along a new dim.

    >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])], dim=1)
    tensor([[1, 3],
            [2, 4]])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("stack", dim, False, axis, None, 0)[0]
    if _ac_on[0]:
        tensors = _ac.promote(tensors)
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 "
                               f"and {list(t._data.shape)} at entry {i}")
    dim = norm_dim(dim, len(s0) + 1)
    if tensors[0]._rg is _QM or not all(isinstance(t, Tensor) for t in tensors):
        return cat([unsqueeze(t, dim) for t in tensors], dim, out=out)   # (quantized: cat's dispatch)
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    return _out(apply_op(Stack, tuple(tensors), dim, dt.np), out)


def atleast_1d(*tensors):
    """View with at least 1 dim (several tensors give a tuple).

    >>> ember.atleast_1d(ember.tensor(1.))
    tensor([1.])
    """
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """View with at least 2 dims.

    >>> ember.atleast_2d(ember.tensor([1, 2])).shape
    torch.Size([1, 2])
    """
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """View with at least 3 dims (1-D ``(n,)`` becomes ``(1, n, 1)``).

    >>> ember.atleast_3d(ember.zeros(2, 3)).shape
    torch.Size([2, 3, 1])
    """
    return _atleast(tensors, 3)


def _atleast(tensors, k):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    res = []
    for t in tensors:
        s = t._data.shape
        if len(s) >= k:
            res.append(t)
            continue
        if k == 1:
            new = (1,)
        elif k == 2:
            new = (1,) * (2 - len(s)) + s
        else:
            new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)]
        res.append(t.view(new))
    return res[0] if single else tuple(res)


def hstack(tensors, *, out=None):
    """Stack column-wise (along dim 1; dim 0 for 1-D tensors).

    >>> ember.hstack([ember.tensor([1, 2]), ember.tensor([3])])
    tensor([1, 2, 3])
    """
    ts = _atleast(tuple(tensors), 1)
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Stack row-wise (1-D tensors become rows).

    >>> ember.vstack([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    return cat(_atleast(tuple(tensors), 2), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Stack depth-wise (along dim 2).

    >>> ember.dstack([ember.tensor([1, 2]), ember.tensor([3, 4])]).shape
    torch.Size([1, 2, 2])
    """
    return cat(_atleast(tuple(tensors), 3), 2, out=out)


def column_stack(tensors, *, out=None):
    """Stack 0-d/1-d tensors as columns, others along dim 1.

    >>> ember.column_stack([ember.tensor([1, 2]), ember.tensor([3, 4])])
    tensor([[1, 3],
            [2, 4]])
    """
    ts = [t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors]
    return cat(ts, 1, out=out)


TENSOR_METHODS = {}
