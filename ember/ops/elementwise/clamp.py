"""Clamping and elementwise extremes: clamp/clip, clamp_min, clamp_max (numbers or tensors as
bounds) and their in-place forms, maximum, minimum, fmax and fmin.

Forward on arrays, backward in Tensor ops: the gradient flows to the operand whose value was
kept (maximum/minimum split it between ties).

>>> x = ember.tensor([-2., 0.5, 3.], requires_grad=True)
>>> x.clamp(-1, 1).sum().backward(); x.grad
tensor([0., 1., 0.])
>>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
tensor([3., 5.])
"""
import builtins

from ..._quantized_mark import QUANTIZED as _QM
from .._util import np, D, Tensor, Op, apply_op, _state, as_tensor_like, grad_on, write_error
from ..inplace.history import inplace_op
from .arithmetic import _out, _needs, _ucall
from .operands import _not_impl, _check_tensor, _run, _bin
from .inplace_forms import _broadcast_inplace_check
from .ternary import where
from .predicates import isnan
from ... import _scalar_rows

__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "clamp_", "clip_", "clamp_min_",
           "clamp_max_", "maximum", "minimum", "fmax", "fmin"]


# ---------------------------------------------------------------- clamp
class Clamp(Op):
    """clamp with scalar bounds: the gradient passes where ``min <= x <= max``."""

    _name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi, npdt):
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        x = a if a.dtype == npdt else a.astype(npdt)
        out = x
        if x.size >= _scalar_rows.MIN_SIZE and npdt.kind == "f":   # bounds as rows: vectorised
            if lo is not None and hi is not None:
                return _scalar_rows.clip(x, npdt.type(lo), npdt.type(hi))
            if lo is not None:
                out = _scalar_rows.maximum(out, npdt.type(lo))
            if hi is not None:
                out = _scalar_rows.minimum(out, npdt.type(hi), out=None if out is x else out)
            return out
        if lo is not None:   # (the bound first: on a tie NumPy keeps the second, x, as PyTorch does)
            out = _ucall(np.maximum, lo, out, npdt, casting="unsafe")
        if hi is not None:
            out = _ucall(np.minimum, hi, out, npdt, casting="unsafe")
        return out if out.__class__ is np.ndarray else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        lo, hi = ctx.lo, ctx.hi
        m = None
        if lo is not None:
            m = a >= lo
        if hi is not None:
            m = (a <= hi) if m is None else m & (a <= hi)
        return where(m, g, 0.0)


class ClampMin(Clamp):
    _name = "ClampMinBackward0"


class ClampMax(Clamp):
    _name = "ClampMaxBackward0"


class ClampT(Op):
    """clamp with tensor bounds (either may be absent: ``has`` says which)."""

    _name = "ClampBackward0"

    @staticmethod
    def forward(ctx, a, *rest):
        *bounds, has, npdt = rest
        ctx.save_for_backward(a, *bounds)
        ctx.has = has
        it = iter(bounds)
        lo = next(it) if has[0] else None
        hi = next(it) if has[1] else None
        out = a if a.dtype == npdt else a.astype(npdt)
        if lo is not None:   # (the bound first: on a tie NumPy keeps the second, x, as PyTorch does)
            out = _ucall(np.maximum, lo, out, npdt, casting="unsafe")
        if hi is not None:
            out = _ucall(np.minimum, hi, out, npdt, casting="unsafe")
        return out if out.__class__ is np.ndarray else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        saved = ctx.saved_tensors
        a, has = saved[0], ctx.has
        it = iter(saved[1:])
        lo = next(it) if has[0] else None
        hi = next(it) if has[1] else None
        m = None
        if lo is not None:
            m = a >= lo
        if hi is not None:
            m = (a <= hi) if m is None else m & (a <= hi)
        grads = [where(m, g, 0.0) if _needs(ctx, 0) else None]
        if lo is not None:
            if not _needs(ctx, 1):
                grads.append(None)
            elif hi is not None:
                grads.append(where((a < lo) & (lo < hi), g, 0.0))
            else:
                grads.append(where(a < lo, g, 0.0))
        if hi is not None:
            if not _needs(ctx, len(grads)):
                grads.append(None)
            elif lo is not None:
                grads.append(where((a > hi) | (hi < lo), g, 0.0))
            else:
                grads.append(where(a > hi, g, 0.0))
        return tuple(grads)


class ClampMinT(ClampT):
    _name = "ClampMinBackward1"


class ClampMaxT(ClampT):
    _name = "ClampMaxBackward1"


def _clamp(input, min, max, fname, cls, clsT):
    if input._rg is _QM:  # a quantized tensor: its integers clamped to the quantized bounds
        from ..._quantized_dispatch import clamp as _qclamp
        return _qclamp(input, min, max, fname)
    _check_tensor(input, fname)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [b for b in (min, max) if b is not None]
    if any(isinstance(b, Tensor) for b in bounds):
        bounds = [b if isinstance(b, Tensor) else as_tensor_like(b) for b in bounds]
        dt = D.result_type(input, *bounds)
        if dt._cat == 0 and len(bounds) == 2:  # one bool bound is a logical max/min
            _not_impl("clamp_cpu", dt.np)
        return _run(clsT, (input, *bounds), (min is not None, max is not None), dt.np)
    dt = D.result_type(input, *bounds)
    if input._data.dtype.kind == "b" and dt._cat == 0:
        _not_impl("clamp_scalar_cpu" if len(bounds) == 2 else
                  "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu", dt.np)
    if dt._cat == 1:  # PyTorch's checked conversion of integer bounds (uint8 takes -255..255)
        min = D.checked_int(min, dt) if min.__class__ in (builtins.int, builtins.bool) else min
        max = D.checked_int(max, dt) if max.__class__ in (builtins.int, builtins.bool) else max
    else:  # ints beyond 64 bits, finite numbers beyond a floating dtype's range: overflow errors
        min = min if min is None else D.checked_fill(min, dt)
        max = max if max is None else D.checked_fill(max, dt)
    return apply_op(cls, (input,), min, max, dt.np)


def clamp(input, min=None, max=None, *, out=None):
    """Limit each element to ``[min, max]`` (numbers or tensors; either may be None).

    The gradient flows to ``input`` where ``min <= input <= max`` (bounds included).

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=-1, max=1)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    return _out(_clamp(input, min, max, "clamp", Clamp, ClampT), out, input, min, max)


clip = clamp


def clamp_min(input, min, *, out=None):
    """``clamp(input, min=min)``.

    >>> ember.clamp_min(ember.tensor([-2., 3.]), 0)
    tensor([0., 3.])
    """
    return _out(_clamp(input, min, None, "clamp_min", ClampMin, ClampMinT), out, input, min)


def clamp_max(input, max, *, out=None):
    """``clamp(input, max=max)``.

    >>> ember.clamp_max(ember.tensor([-2., 3.]), 0)
    tensor([-2.,  0.])
    """
    return _out(_clamp(input, None, max, "clamp_max", ClampMax, ClampMaxT), out, input, max)


from ..._dtype_names import TYPEID_NAMES as _C_TYPES  # noqa: E402


def clamp_(input, min=None, max=None):
    """In-place :func:`clamp`; returns ``input``.

    >>> t = ember.tensor([-2., 0.5, 3.]); _ = t.clamp_(-1, 1); t
    tensor([-1.0000,  0.5000,  1.0000])
    """
    d = input._data
    if d.dtype.kind in "iub" and any(b.__class__ is builtins.float for b in (min, max)):
        # checked before the bounds' values; PyTorch names the C type here
        raise RuntimeError(f"result type Float can't be cast to the desired output type {_C_TYPES[d.dtype.name]}")
    if not isinstance(min, Tensor) and not isinstance(max, Tensor) and not grad_on(input) \
            and (input._base is None or not input._base._rg or not _state[0]):
        if (min is not None or max is not None) and d.dtype.kind in "fV" or (
                d.dtype.kind in "iu" and all(isinstance(b, (builtins.int, type(None))) and
                                             not isinstance(b, builtins.bool) for b in (min, max))):
            dt = D.NP2DT[d.dtype]              # bounds checked as clamp checks them
            try:
                if min is not None:
                    _scalar_rows.maximum(d, D.checked_fill(min, dt), out=d)
                if max is not None:
                    _scalar_rows.minimum(d, D.checked_fill(max, dt), out=d)
            except ValueError:
                if not d.flags.writeable:  # an expanded (stride-0) view, or read-only memory
                    raise write_error(d) from None
                raise
            input._bump()
            return input
    others = [b for b in (min, max) if isinstance(b, Tensor)]

    def f(s):
        r = clamp(s, min, max)
        _broadcast_inplace_check(s, r)
        return r
    return inplace_op(input, f, *others)


clip_ = clamp_


def clamp_min_(input, min):
    """In-place :func:`clamp_min`.

    >>> t = ember.tensor([-2., 3.]); _ = t.clamp_min_(0); t
    tensor([0., 3.])
    """
    return clamp_(input, min, None)


def clamp_max_(input, max):
    """In-place :func:`clamp_max`.

    >>> t = ember.tensor([-2., 3.]); _ = t.clamp_max_(0); t
    tensor([-2.,  0.])
    """
    return clamp_(input, None, max)


# ---------------------------------------------------------------- maximum / minimum / fmax / fmin
class Maximum(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.maximum, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        h = where(a == b, g / 2, g)
        return (where(a < b, 0.0, h) if _needs(ctx, 0) else None,
                where(a > b, 0.0, h) if _needs(ctx, 1) else None)


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.minimum, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        h = where(a == b, g / 2, g)
        return (where(a > b, 0.0, h) if _needs(ctx, 0) else None,
                where(a < b, 0.0, h) if _needs(ctx, 1) else None)


class Fmax(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.fmax, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        m = (a >= b) | isnan(b)
        return where(m, g, 0.0), where(m, 0.0, g)


class Fmin(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        ctx.save_for_backward(a, b)
        return _ucall(np.fmin, a, b, dt.np, casting="unsafe")

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        m = (a <= b) | isnan(b)
        return where(m, g, 0.0), where(m, 0.0, g)


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors (NaN propagates; ties split the gradient).

    >>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([3., 5.])
    """
    return _out(_bin(Maximum, input, other, "maximum", True), out, input, other)


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors.

    >>> ember.minimum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """
    return _out(_bin(Minimum, input, other, "minimum", True), out, input, other)


def fmax(input, other, *, out=None):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN).

    >>> ember.fmax(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([3., 2.])
    """
    return _out(_bin(Fmax, input, other, "fmax", True), out, input, other)


def fmin(input, other, *, out=None):
    """Elementwise minimum ignoring NaN.

    >>> ember.fmin(ember.tensor([1., float('nan')]), ember.tensor([3., 2.]))
    tensor([1., 2.])
    """
    return _out(_bin(Fmin, input, other, "fmin", True), out, input, other)


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {
    "clamp": clamp, "clip": clamp, "clamp_min": clamp_min, "clamp_max": clamp_max,
    "clamp_": clamp_, "clip_": clamp_, "clamp_min_": clamp_min_, "clamp_max_": clamp_max_,
    "maximum": maximum, "minimum": minimum, "fmax": fmax, "fmin": fmin,
}
