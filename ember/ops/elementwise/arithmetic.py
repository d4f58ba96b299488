"""Elementwise arithmetic and math: each op's forward (on arrays) and backward (in
Tensor ops) side by side, with PyTorch's type promotion. The comparisons are in
ops/comparison.py.

>>> a = ember.tensor([1., 2.], requires_grad=True)
>>> (a * a + a.exp()).sum().backward(); a.grad
tensor([ 4.7183, 11.3891])
"""
from .._util import (np, D, Tensor, _wrap, Op, apply_op, _state, to_float_np, check_cast,
                    as_tensor_like, check_write_overlap)
from ..inplace.history import inplace_op
from ..._backend import quiet_call, quiet_ufunc, oom_error

binary_result = D.binary_result
_SRANGE = D.SCALAR_RANGE

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg",
           "negative", "pow", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs",
           "absolute", "sqrt", "rsqrt", "square", "reciprocal"]


def _operands(a, b):
    """Normalise a binary op's operands: ``a`` a Tensor, ``b`` a Tensor or Python scalar."""
    if b.__class__ is not Tensor and not isinstance(b, Tensor):
        if not isinstance(b, (int, float, bool, complex, np.generic)):
            b = as_tensor_like(b)
    return a, b


def check_broadcast(sa, sb):
    """RuntimeError naming both sizes, as PyTorch, when shapes ``sa`` and ``sb`` don't broadcast."""
    n = max(len(sa), len(sb))
    for i in range(1, n + 1):
        x = sa[-i] if i <= len(sa) else 1
        y = sb[-i] if i <= len(sb) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                               f"non-singleton dimension {n - i}")


def _binary(cls, ufunc, a, b):
    if a.__class__ is not Tensor and not isinstance(a, Tensor):
        a = as_tensor_like(a)
    dt, npdt = binary_result(a, b)
    bd = getattr(b, "_data", None)
    if bd is None:
        if not isinstance(b, (int, float, bool, complex, np.generic)):
            b = as_tensor_like(b)
            return _binary(cls, ufunc, a, b)
        if b.__class__ is int and not 0 <= b <= 127:  # 0..127 fits every dtype
            lo, hi = _SRANGE[dt]
            if not lo <= b <= hi:  # PyTorch wraps it into an integer dtype (uint8 + 300)
                b = D.cast_int_scalar(b, dt)
        if not (_state[0] and a._rg):
            return _wrap(_ucall(ufunc, a._data, b, npdt) if npdt is not None else ufunc(a._data, b))
        return apply_op(cls, (a,), b, npdt)
    if a._data.shape != bd.shape:
        check_broadcast(a._data.shape, bd.shape)
    if not (_state[0] and (a._rg or b._rg)):
        try:
            return _wrap(ufunc(a._data, bd) if npdt is None else _ucall(ufunc, a._data, bd, npdt))
        except MemoryError as e:  # a broadcast result too large for the machine
            raise oom_error(e) from None
    return apply_op(cls, (a, b), npdt)


def _ucall(ufunc, a, b, npdt, **kw):
    """``ufunc(a, b, dtype=npdt)``; where NumPy refuses the input casts (an int64 0-d tensor
    meeting a uint8 tensor, ml_dtypes' bfloat16 with int16 or a Python float), the operands are
    cast to ``npdt`` first, wrapping as PyTorch's casts do (int64 -1 meets uint8 as 255)."""
    try:
        return ufunc(a, b, dtype=npdt, **kw)
    except TypeError:
        return ufunc(_as_np(a, npdt), _as_np(b, npdt), dtype=npdt, **kw)


def _as_np(x, npdt):
    if x.__class__ is not np.ndarray:
        x = np.asarray(x)
    return x if x.dtype == npdt else x.astype(npdt)


def _needs(ctx, i):
    n = ctx.needs_input_grad
    return i < len(n) and n[i]


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _gnp(fn, slow, g, *xs):
    """A backward formula: ``fn(g, *xs)`` straight in NumPy, as a Tensor, when no graph of the
    backward is wanted (no create_graph) and every operand is a number or an array of the
    gradient's dtype (float32/float64); else ``slow()``, the same formula in Tensor ops
    (differentiable, with PyTorch's type promotion and the half types' handling). Saves the
    Tensor machinery (~2 us) per backward op."""
    gd = g._data
    if _state[0] or (gd.dtype is not _F32 and gd.dtype is not _F64):
        return slow()
    args = []
    for x in xs:
        if isinstance(x, Tensor):
            x = x._data
            if x.dtype != gd.dtype:
                return slow()
        elif x.__class__ is not int and x.__class__ is not float:
            return slow()
        args.append(x)
    return _wrap(fn(gd, *args))


# ---------------------------------------------------------------- add / sub / mul / div
class Add(Op):
    _saves_inputs = False

    @staticmethod
    def forward(ctx, a, b, npdt):
        return _ucall(np.add, a, b, npdt) if npdt is not None else np.add(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Op):
    _saves_inputs = False

    @staticmethod
    def forward(ctx, a, b, npdt):
        return _ucall(np.subtract, a, b, npdt) if npdt is not None else np.subtract(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, (_gnp(np.negative, lambda: -g, g) if _needs(ctx, 1) else None)


class Mul(Op):
    @staticmethod
    def forward(ctx, a, b, npdt):
        n = getattr(ctx, "needs_input_grad", None)  # save only what backward reads (as PyTorch)
        ctx.save_for_backward(a if n is not None and len(n) > 1 and n[1] else None, b if n is None or n[0] else None)
        return _ucall(np.multiply, a, b, npdt) if npdt is not None else np.multiply(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = gb = None
        if _needs(ctx, 0):
            ga = _gnp(np.multiply, lambda: g * _cj(b), g, b)
        if _needs(ctx, 1):
            gb = _gnp(np.multiply, lambda: g * _cj(a), g, a)
        return ga, gb


_true_divide = quiet_ufunc(np.true_divide)  # x/0, 0/0 warn nothing, as in PyTorch


class Div(Op):
    @staticmethod
    def forward(ctx, a, b, npdt):
        n = getattr(ctx, "needs_input_grad", None)
        ctx.save_for_backward(a if n is not None and len(n) > 1 and n[1] else None, b)
        return _ucall(_true_divide, a, b, npdt) if npdt is not None else _true_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = _gnp(_true_divide, lambda: g / _cj(b), g, b) if _needs(ctx, 0) else None
        gb = _gnp(_div_b, lambda: -g * _cj(a) / _cj(b * b), g, a, b) if _needs(ctx, 1) else None
        return ga, gb


def _cj(x):
    """The conjugate of a complex operand (torch's gradients of holomorphic ops are ``g * conj(f')``)."""
    if isinstance(x, Tensor):
        return x.conj() if x._data.dtype.kind == "c" else x
    return x.conjugate() if x.__class__ is complex else x


def _div_b(g, a, b):
    return _true_divide(-g * a, b * b)


def _scale(input, other, alpha):
    """``alpha * other`` for add/sub; an int alpha is converted to an integer result dtype with
    PyTorch's overflow check."""
    if alpha.__class__ is int and isinstance(input, Tensor):
        dt = D.result_type(input, other)
        if dt._cat == 1:
            alpha = D.checked_int(alpha, dt)
    return mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and type promotion.

    >>> ember.add(ember.tensor([1, 2]), 1.5)
    tensor([2.5000, 3.5000])
    """
    if alpha != 1:
        other = _scale(input, other, alpha)
    return _out(_binary(Add, np.add, input, other), out, input, other)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    >>> ember.sub(ember.tensor([3., 4.]), ember.tensor([1., 1.]), alpha=2)
    tensor([1., 2.])
    """
    if alpha != 1:
        other = _scale(input, other, alpha)
    if (input.__class__ is bool or other.__class__ is bool
            or (isinstance(input, Tensor) and input._data.dtype.kind == "b")
            or (isinstance(other, Tensor) and other._data.dtype.kind == "b")):
        _sub_bool_error(input, other)
    return _out(_binary(Sub, np.subtract, input, other), out, input, other)


def _sub_bool_error(input, other):
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input.dtype is other.dtype is D.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                       "If you are trying to invert a mask, use the `~` or `logical_not()` "
                       "operator instead.")


def mul(input, other, *, out=None):
    """Elementwise product.

    >>> ember.mul(ember.tensor([1., 2.]), 3)
    tensor([3., 6.])
    """
    return _out(_binary(Mul, np.multiply, input, other), out, input, other)


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise division; integer inputs give floats (true division) unless
    ``rounding_mode`` is ``'trunc'`` or ``'floor'``.

    >>> ember.div(ember.tensor([3, 4]), 2)
    tensor([1.5000, 2.0000])
    """
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            input = as_tensor_like(input)
        dt, _ = binary_result(input, other)
        if dt._cat < 2:  # int / int is float
            input = input.to(D._default[0])
        if (other.__class__ is float or other.__class__ is int) and other:  # x / nonzero number
            return _out(_binary(Div, np.true_divide, input, other), out, input, other)
        return _out(_binary(Div, _true_divide, input, other), out, input, other)
    if rounding_mode == "trunc":
        from .division import _div_trunc
        return _out(_div_trunc(input, other), out, input, other)
    if rounding_mode == "floor":
        from .division import floor_divide
        return _out(floor_divide(input, other), out, input, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


subtract, multiply, divide, true_divide = sub, mul, div, div


def _out(r, out, *srcs):
    """Write result ``r`` into the ``out=`` tensor (checked against the sources ``srcs`` for
    memory overlap, as PyTorch), or return ``r`` when there is none."""
    if out is None:
        return r
    check_write_overlap(out, *srcs)
    if out._rg and _state[0]:
        raise RuntimeError("out=... arguments don't support automatic differentiation, but one of the arguments requires grad.")
    check_cast(r._data.dtype, out._data.dtype)
    if out._data.shape != r._data.shape:
        out._data = np.empty(r._data.shape, out._data.dtype)
    np.copyto(out._data, r._data, casting="unsafe")
    out._bump()
    return out


# ---------------------------------------------------------------- pow
_power = quiet_ufunc(np.power)  # 0 ** -1 is inf, overflow is inf, no warning (as PyTorch)


class Pow(Op):
    @staticmethod
    def forward(ctx, a, b, npdt):
        out = _ucall(_power, a, b, npdt) if npdt is not None else _power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        ga = gb = None
        if _needs(ctx, 0):
            if isinstance(b, Tensor):
                ga = g * b * a.pow(b - 1)
                ga = ga.masked_fill((b == 0) & (a == 0), 0) if ga._data.size else ga
            elif b == 0:
                ga = g * 0
            else:
                ga = _gnp(_pow_grad, lambda: g * b * a.pow(b - 1), g, b, a)
        if _needs(ctx, 1):
            gb = g * out * a.log()
            gb = gb.masked_fill((a == 0) & (b >= 0), 0)
        return ga, gb


def _pow_grad(g, b, a):
    return g * b * _power(a, b - 1)


class PowTensorExp(Pow):
    _name = "PowBackward1"  # PyTorch's name for tensor ** tensor


class PowScalarBase(Op):
    _name = "PowBackward2"  # PyTorch's name for scalar ** tensor

    @staticmethod
    def forward(ctx, b, a, npdt):
        out = _ucall(_power, a, b, npdt) if npdt is not None else _power(a, b)
        ctx.save_for_backward(out)
        ctx.base = a
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        if ctx.base == 0:
            return g * 0
        return g * out * float(np.log(ctx.base))


def pow(input, exponent, *, out=None):
    """``input ** exponent`` elementwise; either may be a Python scalar.

    >>> ember.pow(ember.tensor([2., 3.]), 2)
    tensor([4., 9.])
    """
    if not isinstance(input, Tensor):
        e = exponent if isinstance(exponent, Tensor) else as_tensor_like(exponent)
        dt, npdt = binary_result(e, input)
        if npdt is None and e._data.dtype != dt.np:
            npdt = dt.np
        if not (_state[0] and e._rg):
            return _out(_wrap(_ucall(_power, input, e._data, npdt) if npdt is not None
                              else _power(input, e._data)), out, input, exponent)
        return _out(apply_op(PowScalarBase, (e,), input, npdt), out, input, exponent)
    if isinstance(exponent, Tensor) or exponent.__class__ not in (int, float):
        dt = D.result_type(input, exponent)
        if dt._cat == 1 and isinstance(exponent, Tensor) and (exponent._data < 0).any():
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return _out(_binary(PowTensorExp if isinstance(exponent, Tensor) else Pow, _power, input,
                            exponent), out, input, exponent)
    if exponent == 2 and not (_state[0] and input._rg):
        d = input._data
        return _out(_wrap(np.multiply(d, d) if d.dtype.kind != "b" else d.astype(np.int64)), out, input, exponent)
    if input._data.dtype.kind in "iub" and exponent.__class__ is int:
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        dt = D.NP2DT[input._data.dtype]
        if dt._cat == 1:  # PyTorch's checked conversion of the exponent
            exponent = D.checked_int(exponent, dt)
    return _out(_binary(Pow, _power, input, exponent), out, input, exponent)


# ---------------------------------------------------------------- unary math
def _unary(cls, a):
    if not isinstance(a, Tensor):
        raise TypeError(f"{cls.__name__.lower()}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(a).__name__}")
    if _state[0] and a._rg:
        return apply_op(cls, (a,))
    return _wrap(cls.forward(None, a._data))


class Neg(Op):
    _saves_inputs = False

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return _gnp(np.negative, lambda: -g, g)


class Exp(Op):
    @staticmethod
    def forward(ctx, a):
        out = quiet_call(np.exp, to_float_np(a))
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return _gnp(np.multiply, lambda: g * out, g, out)


class Log(Op):
    @staticmethod
    def forward(ctx, a):
        if ctx is not None:
            ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(to_float_np(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return _gnp(_true_divide, lambda: g / a, g, a)


class Sin(Op):
    @staticmethod
    def forward(ctx, a):
        if ctx is not None:
            ctx.save_for_backward(a)
        return np.sin(to_float_np(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return _gnp(lambda g, a: g * np.cos(a), lambda: g * a.cos(), g, a)


class Cos(Op):
    @staticmethod
    def forward(ctx, a):
        if ctx is not None:
            ctx.save_for_backward(a)
        return np.cos(to_float_np(a))

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return _gnp(lambda g, a: -g * np.sin(a), lambda: -g * a.sin(), g, a)


class Tanh(Op):
    @staticmethod
    def forward(ctx, a):
        out = np.tanh(to_float_np(a))
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return _gnp(lambda g, y: g * (1 - y * y), lambda: g * (1 - out * out), g, out)


class Sigmoid(Op):
    @staticmethod
    def forward(ctx, a):
        a = to_float_np(a)
        with np.errstate(over="ignore"):
            out = np.reciprocal(1 + np.exp(-a))
        out = out.astype(a.dtype, copy=False)
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return _gnp(lambda g, y: g * y * (1 - y), lambda: g * out * (1 - out), g, out)


class Relu(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'')
        out = np.maximum(a, 0, dtype=a.dtype)
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return _gnp(lambda g, y: g * (y > 0), lambda: g * (out > 0), g, out)


class Abs(Op):
    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
        if ctx is not None:
            ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * (a.sgn() if a._data.dtype.kind == "c" else a.sign())


class Sqrt(Op):
    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(to_float_np(a))
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g / (2 * out)


class Rsqrt(Op):
    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.reciprocal(np.sqrt(to_float_np(a)))
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -0.5 * g * out * out * out


class Reciprocal(Op):
    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            out = np.reciprocal(to_float_np(a))
        if ctx is not None:
            ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -g * out * out


def neg(input, *, out=None):
    """``-input``.

    >>> ember.neg(ember.tensor([1., -2.]))
    tensor([-1.,  2.])
    """
    return _out(_unary(Neg, input), out, input)


negative = neg


def exp(input, *, out=None):
    """``e ** input``; integer inputs give the default float dtype.

    >>> ember.exp(ember.tensor([0., 1.]))
    tensor([1.0000, 2.7183])
    """
    return _out(_unary(Exp, input), out, input)


def log(input, *, out=None):
    """Natural logarithm.

    >>> ember.log(ember.tensor([1., 2.]))
    tensor([0.0000, 0.6931])
    """
    return _out(_unary(Log, input), out, input)


def sin(input, *, out=None):
    """Sine.

    >>> ember.sin(ember.tensor([0.]))
    tensor([0.])
    """
    return _out(_unary(Sin, input), out, input)


def cos(input, *, out=None):
    """Cosine.

    >>> ember.cos(ember.tensor([0.]))
    tensor([1.])
    """
    return _out(_unary(Cos, input), out, input)


def tanh(input, *, out=None):
    """Hyperbolic tangent.

    >>> ember.tanh(ember.tensor([0.]))
    tensor([0.])
    """
    return _out(_unary(Tanh, input), out, input)


def sigmoid(input, *, out=None):
    """Logistic sigmoid ``1 / (1 + exp(-input))``.

    >>> ember.sigmoid(ember.tensor([0.]))
    tensor([0.5000])
    """
    return _out(_unary(Sigmoid, input), out, input)


def relu(input):
    """``max(input, 0)``.

    >>> ember.relu(ember.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return _unary(Relu, input)


def abs(input, *, out=None):
    """Absolute value.

    >>> ember.abs(ember.tensor([-1, 2]))
    tensor([1, 2])
    """
    return _out(_unary(Abs, input), out, input)


absolute = abs


def sqrt(input, *, out=None):
    """Square root.

    >>> ember.sqrt(ember.tensor([4.]))
    tensor([2.])
    """
    return _out(_unary(Sqrt, input), out, input)


def rsqrt(input, *, out=None):
    """``1 / sqrt(input)``.

    >>> ember.rsqrt(ember.tensor([4.]))
    tensor([0.5000])
    """
    return _out(_unary(Rsqrt, input), out, input)


def reciprocal(input, *, out=None):
    """``1 / input``.

    >>> ember.reciprocal(ember.tensor([4.]))
    tensor([0.2500])
    """
    return _out(_unary(Reciprocal, input), out, input)


def square(input, *, out=None):
    """``input * input``.

    >>> ember.square(ember.tensor([3.]))
    tensor([9.])
    """
    return _out(pow(input, 2), out, input)



# ---------------------------------------------------------------- in-place forms
def _inplace_binary(ufunc, fn):
    def method(self, other, **kw):
        if kw:
            return inplace_op(self, lambda s: fn(s, other, **kw), *( (other,) if isinstance(other, Tensor) else ()))
        od = getattr(other, "_data", None)
        if self._base is not None or (od is not None and other._base is not None):
            check_write_overlap(self, other)
        if not _state[0] or not (self._rg or (od is not None and other._rg)):
            if self._base is None or not self._base._rg or not _state[0]:
                d = self._data
                dt, npdt = binary_result(self, other)
                check_cast(dt.np, d.dtype)
                if other.__class__ is int:
                    lo, hi = _SRANGE[dt]
                    if not lo <= other <= hi:  # wrapped into an integer dtype, as PyTorch
                        other = D.cast_int_scalar(other, dt)
                if ufunc is _true_divide and dt._cat < 2:
                    check_cast(D._default[0].np, d.dtype)
                try:
                    ufunc(d, other if od is None else od, out=d, casting="unsafe",
                          dtype=npdt if npdt is not None else None)
                except ValueError:
                    if not d.flags.writeable:  # an expanded (stride-0) view
                        from .._util import OVERLAP_MSG
                        raise RuntimeError(OVERLAP_MSG) from None
                    shp = np.broadcast_shapes(d.shape, od.shape if od is not None else ())
                    raise RuntimeError(f"output with shape {list(d.shape)} doesn't match the "
                                       f"broadcast shape {list(shp)}") from None
                self._bump()
                return self
        return inplace_op(self, lambda s: fn(s, other), *((other,) if od is not None else ()))
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


def _inplace_unary(fn):
    def method(self):
        return inplace_op(self, fn)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


add_ = _inplace_binary(np.add, add)
sub_ = _inplace_binary(np.subtract, sub)
mul_ = _inplace_binary(np.multiply, mul)
div_ = _inplace_binary(_true_divide, div)


def _lift(other, self, float_op=False):
    """A Python scalar on the left of a tensor op as a 0-d tensor of the dtype the op computes
    in (a wrapped number: an out-of-range int wraps into an integer dtype, as in PyTorch)."""
    if isinstance(other, Tensor):
        return other
    if not isinstance(other, (int, float, bool, complex, np.generic)):
        return as_tensor_like(other)
    dt = D.result_type(self, other)
    if float_op and dt._cat < 2:
        dt = D._default[0]
    if other.__class__ is int:
        lo, hi = _SRANGE[dt]
        if not lo <= other <= hi:
            other = D.cast_int_scalar(other, dt)
    return _wrap(np.asarray(other).astype(dt.np))


def _rsub(self, other):
    return sub(_lift(other, self), self)


def _rdiv(self, other):
    return div(_lift(other, self, True), self)


def _rpow(self, other):
    return pow(other, self)


TENSOR_METHODS = {
    "add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div,
    "divide": div, "true_divide": div, "neg": neg, "negative": neg, "pow": pow, "exp": exp,
    "log": log, "sin": sin, "cos": cos, "tanh": tanh, "sigmoid": sigmoid, "relu": relu,
    "abs": abs, "absolute": abs, "sqrt": sqrt, "rsqrt": rsqrt, "reciprocal": reciprocal,
    "square": square,
    "add_": add_, "sub_": sub_, "subtract_": sub_, "mul_": mul_, "multiply_": mul_,
    "div_": div_, "divide_": div_, "true_divide_": div_,
    "neg_": _inplace_unary(neg), "exp_": _inplace_unary(exp), "log_": _inplace_unary(log),
    "sin_": _inplace_unary(sin), "cos_": _inplace_unary(cos), "tanh_": _inplace_unary(tanh),
    "sigmoid_": _inplace_unary(sigmoid), "relu_": _inplace_unary(relu),
    "abs_": _inplace_unary(abs), "sqrt_": _inplace_unary(sqrt), "rsqrt_": _inplace_unary(rsqrt),
    "reciprocal_": _inplace_unary(reciprocal), "square_": _inplace_unary(square),
    "pow_": _inplace_binary(np.power, pow),
    "__add__": add, "__radd__": add, "__iadd__": add_,
    "__sub__": sub, "__rsub__": _rsub, "__isub__": sub_,
    "__mul__": mul, "__rmul__": mul, "__imul__": mul_,
    "__truediv__": div, "__rtruediv__": _rdiv, "__itruediv__": div_,
    "__neg__": neg, "__pow__": pow, "__rpow__": _rpow, "__ipow__": _inplace_binary(np.power, pow),
    "__abs__": abs,
}
