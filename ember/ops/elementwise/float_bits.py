"""Floating-point manipulation: copysign, ldexp, frexp and nextafter, with their in-place
forms.

Forward on arrays, backward in Tensor ops (frexp's exponent is not differentiable).

>>> ember.frexp(ember.tensor([8.])).exponent
tensor([4], dtype=torch.int32)
>>> ember.copysign(ember.tensor([1., 2.]), ember.tensor([-1., 1.]))
tensor([-1.,  2.])
"""
from .._util import np, Tensor, Op, apply_op
from .arithmetic import _out, _needs, _ucall
from .elementwise_more import (binary_result, _LN2, _not_impl, _ign, _zeros, _check_tensor, _run,
                               _prep, _fbin, _float_dt, _two_tensors, _inplace, _export_inplace)
from .rounding import sign

__all__ = ["copysign", "ldexp", "nextafter", "frexp"]


# ---------------------------------------------------------------- copysign
class Copysign(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        out = _fbin(np.copysign, a, b, _float_dt(dt))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        ratio = sign(a) * sign(out)  # out / a, 0 where a == 0; constant pieces
        return (g * ratio if _needs(ctx, 0) else None), (_zeros(g) if _needs(ctx, 1) else None)


class Copysign1(Copysign):
    _name = "CopysignBackward1"


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a float result).

    >>> ember.copysign(ember.tensor([1, 2]), -1.)
    tensor([-1., -2.])
    """
    a, b, dt = _prep(input, other, "copysign", scalar_input=False, float_op=True)
    if isinstance(b, Tensor):
        return _out(_run(Copysign, (a, b), dt), out, input, other)
    return _out(_run(Copysign1, (a,), b, dt), out, input, other)


# ---------------------------------------------------------------- ldexp / nextafter / frexp
class Nextafter(Op):
    @staticmethod
    def forward(ctx, a, b, dt):
        with _ign():
            r = np.nextafter(a, b, dtype=dt.np)
        return r if r.__class__ is np.ndarray else np.asarray(r)

    @staticmethod
    def backward(ctx, g):
        return g, (_zeros(g) if _needs(ctx, 1) else None)


class Ldexp(Op):
    @staticmethod
    def forward(ctx, a, b, npdt):
        if b.dtype.kind == "b" and a.dtype.kind == "f":
            _not_impl("ldexp_cpu_exp", b.dtype)
        with _ign():
            p = np.exp2(b, dtype=b.dtype if b.dtype.kind == "f" and b.dtype.itemsize >= 4 else npdt)
            if b.dtype == np.float16:
                p = np.exp2(b.astype(np.float32)).astype(np.float16)
            out = _ucall(np.multiply, a, p, npdt)
        ctx.save_for_backward(p, out)
        return out if out.__class__ is np.ndarray else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        p, out = ctx.saved_tensors
        return (g * p if _needs(ctx, 0) else None), (g * out * _LN2 if _needs(ctx, 1) else None)


def ldexp(input, other, *, out=None):
    """``input * 2 ** other`` (a float result).

    >>> ember.ldexp(ember.tensor([1., 3.]), ember.tensor([2, 3]))
    tensor([ 4., 24.])
    """
    _two_tensors(input, other, "ldexp")
    dt = _float_dt(binary_result(input, other)[0])
    return _out(_run(Ldexp, (input, other), dt.np), out, input, other)


def nextafter(input, other, *, out=None):
    """The next representable float after ``input`` towards ``other`` (gradient: identity in
    ``input``, as torch).

    >>> ember.nextafter(ember.tensor([1.], dtype=ember.float64), ember.tensor([2.], dtype=ember.float64)) - 1
    tensor([2.2204e-16], dtype=torch.float64)
    """
    _two_tensors(input, other, "nextafter")
    dt = binary_result(input, other)[0]
    if dt._cat != 2:
        _not_impl("nextafter_cpu", dt.np)
    return _out(_run(Nextafter, (input, other), dt), out, input, other)


class Frexp(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind not in "fV":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        with _ign():
            m, e = np.frexp(a if a.dtype.itemsize >= 2 and a.dtype.kind == "f" else a.astype(np.float32))
        m = np.asarray(m).astype(a.dtype, copy=False)
        e = np.asarray(e).astype(np.int32, copy=False)
        with _ign():
            ctx.save_for_backward(np.ldexp(1.0, -e).astype(a.dtype))
        ctx.mark_non_differentiable(e)
        return m, e

    @staticmethod
    def backward(ctx, gm, ge=None):
        scale, = ctx.saved_tensors
        return gm * scale


def frexp(input, *, out=None):
    """Split ``input`` into a mantissa in ``[0.5, 1)`` (by magnitude) and an int32 exponent
    with ``input = mantissa * 2 ** exponent``.

    >>> ember.frexp(ember.tensor([8., -3.]))
    torch.return_types.frexp(
    mantissa=tensor([ 0.5000, -0.7500]),
    exponent=tensor([4, 2], dtype=torch.int32))
    """
    from ...return_types import frexp as _rt
    _check_tensor(input, "frexp")
    m, e = apply_op(Frexp, (input,))
    if out is not None:
        _out(m, out[0])
        _out(e, out[1])
        return _rt(tuple(out))
    return _rt((m, e))


# ---------------------------------------------------------------- Tensor methods
TENSOR_METHODS = {
    "copysign": copysign, "copysign_": _inplace(copysign, "copysign"), "ldexp": ldexp,
    "nextafter": nextafter, "frexp": frexp, "ldexp_": _inplace(ldexp), "nextafter_": _inplace(nextafter),
}

# Top-level in-place functions (``ember.ldexp_(a, b)``), the same objects as the Tensor methods.
_TOP_INPLACE = {"ldexp_": "ember.tensor([1.5]), ember.tensor([2])"}
_export_inplace(globals(), _TOP_INPLACE)
