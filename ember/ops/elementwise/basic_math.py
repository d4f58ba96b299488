"""The basic unary math functions: neg, exp, log, sin, cos, tanh, sigmoid, relu, abs, sqrt,
rsqrt, reciprocal and square, with their in-place forms and ``-t`` / ``abs(t)``.

One table row per op (see declare.py): the array function, what backward needs saved and
the gradient formula, written once for NumPy arrays and Tensors.

>>> a = ember.tensor([1., 2.], requires_grad=True)
>>> (a.sin() + a.exp()).sum().backward(); a.grad
tensor([3.2586, 6.9729])
"""
from .._util import np, to_float_np, TENSOR_MATH
from ..._backend import quiet_call, quiet_unary
from .declare import unary, methods
from ..._parallel_pass import par_ufunc, par_map, MIN_SIZE, CHUNK
from ... import _scalar_rows
from ..._select import select

__all__ = ["neg", "negative", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "abs",
           "absolute", "sqrt", "rsqrt", "square", "reciprocal"]


# ---------------------------------------------------------------- array functions
def _neg(a):
    if a.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(a)


_qexp = quiet_unary(np.exp)  # (overflow is inf, without NumPy's warning or error, as PyTorch)


def _exp(a):
    return _qexp(to_float_np(a))


def _log(a):
    return quiet_call(np.log, to_float_np(a))


def _sin(a):
    return np.sin(to_float_np(a))


def _cos(a):
    return np.cos(to_float_np(a))


def _tanh(a):
    return np.tanh(to_float_np(a))


def _sigmoid(a):
    a = to_float_np(a)
    out = np.negative(a, out=np.empty_like(a))    # 1 / (1 + exp(-a)), in one buffer (0-d too)
    quiet_call(np.exp, out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def _relu(a):
    if a.dtype.kind == "b":
        raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'')
    if a.dtype.itemsize == 2 and a.dtype.kind in "fV":   # NumPy's float16/bfloat16 maximum keeps or
        return _relu(a.astype(np.float32)).astype(a.dtype)   # drops -0.0's sign by size: exact via float32
    if a.size >= MIN_SIZE:   # one ufunc pass: straight into the output's blocks
        return par_ufunc(_scalar_rows.maximum, a, a.dtype.type(0), dtype=a.dtype)
    if a.size < _scalar_rows.MIN_SIZE:   # (what _scalar_rows would call, without its checks)
        return np.maximum(a.dtype.type(0), a, dtype=a.dtype)   # (0 first: -0.0 stays -0.0, as torch)
    return _scalar_rows.maximum(a, a.dtype.type(0), dtype=a.dtype)


def _tanh_grad(ctx, xp, g, y):
    # g * (1 - y * y); torch fuses 1 - y * y (one rounding): for float32 arrays that is
    # 1 - y * y in float64 rounded once (y * y is exact there), so the same bits as torch
    if xp is not TENSOR_MATH and y.dtype == np.float32:
        if y.ndim == 0:     # (a Python float is a float64: the same rounding, less overhead)
            v = float(y)
            return g * np.float32(1.0 - v * v)
        if g.dtype == np.float32 and g.shape == y.shape and y.size >= 4 * CHUNK:
            return par_map(_tanh_grad_f32, g, y, passes=5)     # (the float64 temporaries in cache)
        return _tanh_grad_f32(g, y)
    return g * (1 - y * y)


def _tanh_grad_f32(g, y):
    w = y.astype(np.float64)
    np.multiply(w, w, out=w)
    np.subtract(1.0, w, out=w)
    return np.multiply(g, w.astype(np.float32), dtype=np.float32) if g.dtype == np.float32 else g * w.astype(y.dtype)


def _relu_grad(ctx, xp, g, y):
    # zero where the output is <= 0, the gradient itself elsewhere (NaN outputs included):
    # selected, not multiplied by a mask, so an inf or NaN gradient is not spread as NaN
    if xp is TENSOR_MATH:
        return xp.where(y <= 0, 0.0, g)
    return select(y <= 0, 0, g, g.dtype)


def _abs(a):
    if a.dtype.kind == "b":
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return np.abs(a)


def _sqrt(a):
    return quiet_call(np.sqrt, to_float_np(a))


def _rsqrt(a):
    return quiet_call(lambda x: np.reciprocal(np.sqrt(x)), to_float_np(a))


def _reciprocal(a):
    return quiet_call(np.reciprocal, to_float_np(a))


def _abs_grad(ctx, xp, g, a):
    if xp is TENSOR_MATH and a._data.dtype.kind == "c":  # (complex only ever reaches the Tensor path)
        return g * a.sgn()
    return g * xp.sign(a)


# ---------------------------------------------------------------- the table
_ROWS = [
    # name, array function, saved, gradient formula (ctx, xp, g, saved...), docstring
    ("neg", _neg, None, lambda ctx, xp, g: -g, """``-input``.

    >>> ember.neg(ember.tensor([1., -2.]))
    tensor([-1.,  2.])
    """),
    ("exp", _exp, "output", lambda ctx, xp, g, y: g * y,
     """``e ** input``; integer inputs give the default float dtype.

    >>> ember.exp(ember.tensor([0., 1.]))
    tensor([1.0000, 2.7183])
    """),
    ("log", _log, "input", lambda ctx, xp, g, a: g / a, """Natural logarithm.

    >>> ember.log(ember.tensor([1., 2.]))
    tensor([0.0000, 0.6931])
    """),
    ("sin", _sin, "input", lambda ctx, xp, g, a: g * xp.cos(a), """Sine.

    >>> ember.sin(ember.tensor([0.]))
    tensor([0.])
    """),
    ("cos", _cos, "input", lambda ctx, xp, g, a: -g * xp.sin(a), """Cosine.

    >>> ember.cos(ember.tensor([0.]))
    tensor([1.])
    """),
    ("tanh", _tanh, "output", _tanh_grad, """Hyperbolic tangent.

    >>> ember.tanh(ember.tensor([0.]))
    tensor([0.])
    """),
    ("sigmoid", _sigmoid, "output", lambda ctx, xp, g, y: g * (1 - y) * y,   # (torch's order: its bits)
     """Logistic sigmoid ``1 / (1 + exp(-input))``.

    >>> ember.sigmoid(ember.tensor([0.]))
    tensor([0.5000])
    """),
    ("relu", _relu, "output", _relu_grad, """``max(input, 0)``.

    >>> ember.relu(ember.tensor([-1., 2.]))
    tensor([0., 2.])
    """),
    ("abs", _abs, "input", _abs_grad, """Absolute value.

    >>> ember.abs(ember.tensor([-1, 2]))
    tensor([1, 2])
    """),
    ("sqrt", _sqrt, "output", lambda ctx, xp, g, y: g / (2 * y), """Square root.

    >>> ember.sqrt(ember.tensor([4.]))
    tensor([2.])
    """),
    ("rsqrt", _rsqrt, "output", lambda ctx, xp, g, y: -0.5 * g * y * y * y, """``1 / sqrt(input)``.

    >>> ember.rsqrt(ember.tensor([4.]))
    tensor([0.5000])
    """),
    ("reciprocal", _reciprocal, "output", lambda ctx, xp, g, y: -g * y * y, """``1 / input``.

    >>> ember.reciprocal(ember.tensor([4.]))
    tensor([0.2500])
    """),
]

TABLE = {name: unary(name, fn, save=save, grad=grad, doc=doc, module=__name__, out=name != "relu",
                     passes={"sigmoid": 3, "relu": 0}.get(name, 1))
         for name, fn, save, grad, doc in _ROWS}
(Neg, neg, _), (Exp, exp, _), (Log, log, _), (Sin, sin, _), (Cos, cos, _), (Tanh, tanh, _), \
    (Sigmoid, sigmoid, _), (Relu, relu, _), (Abs, abs, _), (Sqrt, sqrt, _), (Rsqrt, rsqrt, _), \
    (Reciprocal, reciprocal, _) = TABLE.values()
negative, absolute = neg, abs


def square(input, *, out=None):
    """``input * input``.

    >>> ember.square(ember.tensor([3.]))
    tensor([9.])
    """
    from .arithmetic import pow, _out
    return _out(pow(input, 2), out, input)


def _square_(self):
    """In-place :func:`square`; returns ``self``."""
    from ..inplace.history import inplace_op
    return inplace_op(self, square)


_square_.__name__ = "square_"

TENSOR_METHODS = methods(TABLE, aliases=(("negative", "neg"), ("absolute", "abs")))
del TENSOR_METHODS["negative_"], TENSOR_METHODS["absolute_"]
TENSOR_METHODS.update({"square": square, "square_": _square_,
                       "__neg__": neg, "__abs__": abs})
