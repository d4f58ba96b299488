"""The ternary elementwise ops: where, lerp, addcmul and addcdiv, forward on arrays and
backward in Tensor ops, with PyTorch's type promotion, error types and in-place forms.

>>> ember.where(ember.tensor([True, False]), ember.tensor([1., 2.]), ember.tensor([3., 4.]))
tensor([1., 4.])
>>> x = ember.tensor([0., 1.], requires_grad=True)
>>> ember.lerp(x, ember.tensor([10., 10.]), 0.5).sum().backward(); x.grad
tensor([0.5000, 0.5000])
"""
import builtins

from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, as_tensor_like
from .arithmetic import _out, _needs, _ucall, _as_np
from .operands import _tn, _cname, _not_impl, _check_tensor, _run, _bshape_error
from .quiet_float import _ign
from .inplace_forms import _inplace
from ..._select import select

__all__ = ["lerp", "addcmul", "addcdiv", "where"]


# ---------------------------------------------------------------- lerp / addcmul / addcdiv
def _lerp_np(a, e, w, npdt):
    d = _ucall(np.subtract, e, a, npdt)
    if not isinstance(w, np.ndarray):  # one branch for a scalar weight
        if builtins.abs(w) < 0.5:
            r = _ucall(np.add, a, _ucall(np.multiply, d, w, npdt), npdt)
        else:
            r = _ucall(np.subtract, e, _ucall(np.multiply, d, 1 - w, npdt), npdt)
        return r if r.__class__ is np.ndarray else np.asarray(r)
    with _ign():
        lo = _ucall(np.add, a, _ucall(np.multiply, w, d, npdt), npdt)
        hi = _ucall(np.subtract, e, _ucall(np.multiply, d, _ucall(np.subtract, 1, w, npdt), npdt), npdt)
    return np.where(np.abs(w) < 0.5, lo, hi).astype(npdt, copy=False)


class LerpS(Op):
    _name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, e, w, npdt):
        ctx.save_for_backward(a, e)
        ctx.w = w
        return _lerp_np(a, e, w, npdt)

    @staticmethod
    def backward(ctx, g):
        w = ctx.w
        return (g * (1 - w) if _needs(ctx, 0) else None), (g * w if _needs(ctx, 1) else None)


class LerpT(Op):
    _name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, e, w, npdt):
        ctx.save_for_backward(a, e, w)
        return _lerp_np(a, e, w, npdt)

    @staticmethod
    def backward(ctx, g):
        a, e, w = ctx.saved_tensors
        return (g * (1 - w) if _needs(ctx, 0) else None, g * w if _needs(ctx, 1) else None,
                g * (e - a) if _needs(ctx, 2) else None)


def lerp(input, end, weight, *, out=None):
    """Linear interpolation ``input + weight * (end - input)``; weight a number or tensor.

    >>> ember.lerp(ember.tensor([0., 10.]), ember.tensor([10., 20.]), 0.25)
    tensor([ 2.5000, 12.5000])
    """
    _check_tensor(input, "lerp")
    _check_tensor(end, "lerp", 2, "end")
    adt = input._data.dtype
    for what, x in (("end", end), ("weight", weight)):
        if isinstance(x, Tensor) and x._data.dtype != adt:
            raise RuntimeError(f"expected dtype {_cname(adt)} for `{what}` but got dtype "
                               f"{_cname(x._data.dtype)}")
    if adt.kind not in "fcV":
        _not_impl("lerp_kernel_scalar" if not isinstance(weight, Tensor) else "lerp_kernel_tensor", adt)
    if isinstance(weight, Tensor):
        return _out(_run(LerpT, (input, end, weight), adt), out, input, end, weight)
    return _out(_run(LerpS, (input, end), weight, adt), out, input, end, weight)


def _into(p, q, fresh):
    """``out=p`` for ``ufunc(p, q)`` when ``p`` is a ``fresh`` temporary (never an input) that
    holds the result's shape."""
    if fresh and p.__class__ is np.ndarray and np.broadcast_shapes(p.shape, np.shape(q)) == p.shape:
        return {"out": p}
    return {}


def _acc(a, p, npdt):
    """``a + p``, into ``p`` (a temporary made here) when it holds the result's shape."""
    if p.__class__ is np.ndarray and np.broadcast_shapes(np.shape(a), p.shape) == p.shape:
        return _ucall(np.add, a, p, npdt, out=p)
    return _ucall(np.add, a, p, npdt)


class Addcmul(Op):
    @staticmethod
    def forward(ctx, a, t1, t2, value, npdt):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        # PyTorch's order, input + (value * t1) * t2, with the temporaries reused
        p = _ucall(np.multiply, t1, value, npdt) if value != 1 else t1
        return _acc(a, _ucall(np.multiply, p, t2, npdt, **_into(p, t2, value != 1)), npdt)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        gv = g * v if v != 1 else g
        return (g if _needs(ctx, 0) else None, gv * t2 if _needs(ctx, 1) else None,
                gv * t1 if _needs(ctx, 2) else None)


class Addcdiv(Op):
    @staticmethod
    def forward(ctx, a, t1, t2, value, npdt):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        with _ign():   # PyTorch's order, input + (value * t1) / t2
            p = _ucall(np.multiply, t1, value, npdt) if value != 1 else t1
            p = _ucall(np.true_divide, p, t2, npdt, **_into(p, t2, value != 1))
        return _acc(a, p, npdt)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        gv = g * v if v != 1 else g
        return (g if _needs(ctx, 0) else None, gv / t2 if _needs(ctx, 1) else None,
                -gv * t1 / (t2 * t2) if _needs(ctx, 2) else None)


def _addc(cls, input, tensor1, tensor2, value, fname):
    _check_tensor(input, fname)
    _check_tensor(tensor1, fname, 2, "tensor1")
    _check_tensor(tensor2, fname, 3, "tensor2")
    dt = D.result_type(input, tensor1, tensor2)
    if dt._cat == 0:
        _not_impl("addcmul_cpu_out" if cls is Addcmul else "addcdiv_cpu_out", dt.np)
    if cls is Addcdiv and tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    if dt._cat <= 1 and isinstance(value, builtins.float):
        raise RuntimeError("For integral input tensors, argument value must not be a floating point number.")
    return _run(cls, (input, tensor1, tensor2), value, dt.np)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``.

    >>> ember.addcmul(ember.tensor([1., 1.]), ember.tensor([2., 3.]), ember.tensor([4., 5.]), value=0.5)
    tensor([5.0000, 8.5000])
    """
    return _out(_addc(Addcmul, input, tensor1, tensor2, value, "addcmul"), out, input, tensor1, tensor2)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``.

    >>> ember.addcdiv(ember.tensor([1., 1.]), ember.tensor([2., 3.]), ember.tensor([4., 6.]), value=2)
    tensor([2., 2.])
    """
    return _out(_addc(Addcdiv, input, tensor1, tensor2, value, "addcdiv"), out, input, tensor1, tensor2)


# ---------------------------------------------------------------- where
class Where(Op):
    @staticmethod
    def forward(ctx, x, y, cond, npdt):
        ctx.save_for_backward(cond)
        if x.dtype != y.dtype:  # cast first: NumPy does not promote ml_dtypes' bfloat16
            x, y = _as_np(x, npdt), _as_np(y, npdt)
        return select(cond, x, y, npdt)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        gd = g._data
        z = np.zeros((), gd.dtype)
        gx = _wrap(select(cond._data, gd, z, gd.dtype)) if _needs(ctx, 0) else None
        gy = _wrap(select(cond._data, z, gd, gd.dtype)) if _needs(ctx, 1) else None
        if _state[0]:  # create_graph: keep the graph through g
            gx = where(cond, g, 0.0) if gx is not None else None
            gy = where(cond, 0.0, g) if gy is not None else None
        return gx, gy


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other`` (either may be a number).
    With only ``condition``, the indices of its nonzero elements (``nonzero(as_tuple=True)``).

    >>> ember.where(ember.tensor([True, False]), ember.tensor([1., 2.]), 0)
    tensor([1., 0.])
    >>> ember.where(ember.tensor([0, 3, 5]) > 1)
    (tensor([1, 2]),)
    """
    if input is None and other is None:
        if getattr(condition, "_rg", None) is _QM:
            raise _q_refuse("aten::nonzero")
        c = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(_wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(np.atleast_1d(c) if c.ndim == 0 else c))
    if input is None or other is None:
        raise TypeError("where() missing required argument 'input' or 'other'")
    if not isinstance(condition, Tensor):
        condition = as_tensor_like(condition)
    c = condition._data
    if c.dtype.kind != "b":
        if c.dtype == np.uint8:
            import warnings
            warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and "
                          "will be removed in a future version of PyTorch. Use a boolean condition instead.")
            c = c.astype(bool)
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                               f"with dtype {_tn(c.dtype)}")
    dt = D.result_type(input, other)
    npdt = dt.np
    x = input if isinstance(input, Tensor) else _wrap(np.asarray(_where_scalar(input, dt), dtype=npdt))
    y = other if isinstance(other, Tensor) else _wrap(np.asarray(_where_scalar(other, dt), dtype=npdt))
    try:
        r = apply_op(Where, (x, y), c, npdt)
    except ValueError:
        err = _bshape_error(c.shape, x._data.shape, y._data.shape)
        if err is not None:
            raise err from None
        raise
    return _out(r, out, condition, input, other)


_where_scalar = D.checked_scalar


def _where_method(self, condition, other):
    """``self.where(condition, other)`` is ``where(condition, self, other)``."""
    return where(condition, self, other)


# ---------------------------------------------------------------- Tensor methods
_BINARY = {"lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv}

TENSOR_METHODS = dict(_BINARY)
TENSOR_METHODS.update({k + "_": _inplace(v, k) for k, v in _BINARY.items()})
TENSOR_METHODS["where"] = _where_method

