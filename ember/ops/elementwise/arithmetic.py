"""Elementwise arithmetic: add, sub, mul, div and pow with PyTorch's type promotion, their
in-place forms and the Tensor's arithmetic operators. Each op's forward (on arrays) and its
gradient formula, written once for arrays and Tensors (``FormulaOp``), side by side. The
unary math functions are in basic_math.py, the comparisons in comparison.py.

>>> a = ember.tensor([1., 2.], requires_grad=True)
>>> (a * a + a.exp()).sum().backward(); a.grad
tensor([ 4.7183, 11.3891])
"""
from .._util import (np, D, Tensor, _wrap, Op, FormulaOp, apply_op, _state, check_cast,
                    as_tensor_like, check_write_overlap)
from ..inplace.history import inplace_op
from ...autograd.function import _NOGRAD, _record, _observed
from ..._backend import quiet_ufunc
from ..._errors import check_broadcast, output_shape_error  # noqa: F401  (check_broadcast is re-exported)
from .operands import _ucall, _as_np, _needs, _out  # noqa: F401  (imported from here by the other families)
from .division import _div_trunc, floor_divide
from ..._parallel_pass import par_ufunc, MIN_SIZE, _first
from ..._ufunc_buffers import rows, row_buffer
from ..._select import select

_ndarray = np.ndarray

binary_result = D.binary_result
_bin_cache = D._bin_cache
_SRANGE = D.SCALAR_RANGE
_BOOL = np.dtype(bool)

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow"]


def _operands(a, b):
    """Normalise a binary op's operands: ``a`` a Tensor, ``b`` a Tensor or Python scalar."""
    if b.__class__ is not Tensor and not isinstance(b, Tensor):
        if not isinstance(b, (int, float, bool, complex, np.generic)):
            b = as_tensor_like(b)
    return a, b


def _binary(cls, a, b):
    """Run binary op ``cls`` through ``apply_op`` on normalised operands: ``a`` a Tensor, ``b`` a
    Tensor (the two checked to broadcast, with PyTorch's message) or a Python scalar (an
    out-of-range int wrapped into the result dtype, as PyTorch does); the extra argument is
    the NumPy dtype to compute in (None where NumPy's promotion already agrees)."""
    if a.__class__ is not Tensor and not isinstance(a, Tensor):
        a = as_tensor_like(a)
    bd = getattr(b, "_data", None)
    if bd is not None:  # two tensors: binary_result's cache entry read here (per-call floor)
        ad = a._data
        adt = ad.dtype
        if adt is bd.dtype:  # one dtype: the result's, computed as is (NumPy agrees)
            npdt = None
        else:
            r = _bin_cache.get((adt, ad.ndim == 0, bd.dtype, bd.ndim == 0))
            npdt = r[1] if r is not None else binary_result(a, b)[1]
        if ad.shape != bd.shape:
            check_broadcast(ad.shape, bd.shape)
        if (a._rg or b._rg) and _state.v[0]:  # apply_op's recording branch, entered directly
            return _record(cls, (a, b), (npdt,))
        return apply_op(cls, (a, b), npdt)
    c = b.__class__
    if c is _ndarray:                  # an array is a tensor of its dtype, as in PyTorch
        return _binary(cls, a, _wrap(b))
    dt, npdt = binary_result(a, b)
    if c is int:
        if not 0 <= b <= 127:  # 0..127 fits every dtype
            lo, hi = _SRANGE[dt]
            if not lo <= b <= hi:  # PyTorch wraps it into an integer dtype (uint8 + 300)
                b = D.cast_int_scalar(b, dt)
    elif c is not float and not isinstance(b, (int, float, bool, complex, np.generic)):
        return _binary(cls, a, as_tensor_like(b))
    if a._rg and _state.v[0]:
        return _record(cls, (a,), (b, npdt))
    return apply_op(cls, (a,), b, npdt)


# ---------------------------------------------------------------- add / sub / mul / div
def _big(a, b):
    """Whether a binary op on arrays ``a`` and ``b`` (or a number) may be large enough to split."""
    return a.size >= MIN_SIZE or (b.__class__ is _ndarray and b.size >= MIN_SIZE)


def _par_bin(ufunc, a, b, npdt):
    """``ufunc(a, b[, dtype=npdt])`` split over the intra-op threads (``_ucall``'s casts kept);
    an operand broadcast along a middle axis (x + bias.view(1, -1, 1, 1)) under a row-sized
    ufunc buffer (``ember._ufunc_buffers``)."""
    if b.__class__ is _ndarray and a.__class__ is _ndarray and a.shape != b.shape and a.size and b.size:
        inner = _broadcast_inner(a.shape, b.shape)
        if inner is not None:   # (the buffer helps only with an output given to the ufunc)
            dt = npdt if npdt is not None else ufunc(_first(a), _first(b)).dtype
            out = np.empty(np.broadcast_shapes(a.shape, b.shape), dt)
            with rows(inner):
                return _par_bin_call(ufunc, a, b, npdt, out)
    return _par_bin_call(ufunc, a, b, npdt)


def _par_bin_call(ufunc, a, b, npdt, out=None):
    if npdt is None:
        return par_ufunc(ufunc, a, b, out=out)
    try:
        return par_ufunc(ufunc, a, b, dtype=npdt, out=out)
    except TypeError:
        return par_ufunc(ufunc, _as_np(a, npdt), _as_np(b, npdt), dtype=npdt, out=out)


def _broadcast_inner(sa, sb):
    """The elements after the last axis along which one operand of shapes ``sa``/``sb`` is
    broadcast (its extent 1 against the other's), when ``rows`` changes anything there."""
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for x, y in ((sa, sb), (sb, sa)):   # y broadcast along x's trailing axes, then varying
        inner, i = 1, n - 1
        while i >= 0 and y[i] == 1 and x[i] != 1:
            inner *= x[i]
            i -= 1
        if inner > 1 and i >= 0 and y[i] != 1 and any(v != 1 for v in x[:i + 1]):
            return inner if row_buffer(inner) is not None else None
    return None


class Add(FormulaOp):
    _saves_inputs = False

    @staticmethod
    def forward(ctx, a, b, npdt):
        if _big(a, b):
            return _par_bin(np.add, a, b, npdt)
        return _ucall(np.add, a, b, npdt) if npdt is not None else np.add(a, b)

    @staticmethod
    def grad(ctx, xp, g):
        return g, g


class Sub(FormulaOp):
    _saves_inputs = False

    @staticmethod
    def forward(ctx, a, b, npdt):
        if _big(a, b):
            return _par_bin(np.subtract, a, b, npdt)
        return _ucall(np.subtract, a, b, npdt) if npdt is not None else np.subtract(a, b)

    @staticmethod
    def grad(ctx, xp, g):
        return g, (-g if _needs(ctx, 1) else None)


class Mul(FormulaOp):
    @staticmethod
    def forward(ctx, a, b, npdt):
        n = ctx.needs_input_grad  # save only what backward reads (as PyTorch)
        if n is not None:
            ctx._saved = (a if len(n) > 1 and n[1] else None, b if n[0] else None)
        if _big(a, b):
            return _par_bin(np.multiply, a, b, npdt)
        return _ucall(np.multiply, a, b, npdt) if npdt is not None else np.multiply(a, b)

    @staticmethod
    def grad(ctx, xp, g, a, b):
        return (g * xp.conj(b) if _needs(ctx, 0) else None,
                g * xp.conj(a) if _needs(ctx, 1) else None)


_true_divide = quiet_ufunc(np.true_divide)  # x/0, 0/0 warn nothing, as in PyTorch


class Div(FormulaOp):
    @staticmethod
    def forward(ctx, a, b, npdt):
        n = ctx.needs_input_grad
        if n is not None:
            ctx._saved = (a if len(n) > 1 and n[1] else None, b)
        if _big(a, b):
            return _par_bin(_true_divide, a, b, npdt)
        if npdt is not None:
            return _ucall(_true_divide, a, b, npdt)
        if (b.__class__ is float or b.__class__ is int) and b:  # x / nonzero number: no warning
            return np.true_divide(a, b)
        return _true_divide(a, b)

    @staticmethod
    def grad(ctx, xp, g, a, b):
        return (g / xp.conj(b) if _needs(ctx, 0) else None,
                -g * xp.conj(a) / xp.conj(b * b) if _needs(ctx, 1) else None)


def _scale(input, other, alpha):
    """``alpha * other`` for add/sub; an int alpha is converted to an integer result dtype with
    PyTorch's overflow check, and an alpha of a kind the result cannot take raises its error."""
    if isinstance(input, Tensor):
        dt = D.result_type(input, other)
        if alpha.__class__ is int:
            if dt._cat == 1:
                alpha = D.checked_int(alpha, dt)
            elif dt._cat == 0:  # a bool result: the alpha's truth value
                alpha = bool(alpha)
        else:
            _check_alpha(alpha, dt)
        if isinstance(other, Tensor):  # the product in the result dtype (no uint8 wrap, float16 stays)
            return mul(other if other.dtype is dt else other.to(dt), alpha)
        if dt._cat == 0:
            return bool(other) and alpha
    return mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def _check_alpha(alpha, dt):
    """PyTorch's errors for an ``alpha`` the result dtype ``dt`` cannot take."""
    if isinstance(alpha, bool):
        if dt._cat != 0:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, complex) or getattr(alpha, "dtype", None) is not None and np.dtype(alpha.dtype).kind == "c":
        if dt._cat != 3:
            raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")
    elif isinstance(alpha, float) or getattr(alpha, "dtype", None) is not None and np.dtype(alpha.dtype).kind == "f":
        if dt._cat <= 1:
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and type promotion.

    >>> ember.add(ember.tensor([1, 2]), 1.5)
    tensor([2.5000, 3.5000])
    """
    if other.__class__ is Tensor and input.__class__ is Tensor and not (input._rg or other._rg or _observed[0]):
        ad, bd = input._data, other._data   # (the per-call floor: two small plain tensors, one dtype
        if ad.dtype is bd.dtype and ad.shape == bd.shape and ad.size < MIN_SIZE and alpha.__class__ is int \
                and alpha == 1 and out is None:   # and shape, nothing recorded or observed: Add's forward)
            return _wrap(np.add(ad, bd))
    if alpha.__class__ is not int or alpha != 1:
        other = _scale(input, other, alpha)
    r = _binary(Add, input, other)
    return r if out is None else _out(r, out, input, other)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    >>> ember.sub(ember.tensor([3., 4.]), ember.tensor([1., 1.]), alpha=2)
    tensor([1., 2.])
    """
    if other.__class__ is Tensor and input.__class__ is Tensor and not (input._rg or other._rg or _observed[0]):
        ad, bd = input._data, other._data   # (as in ``add``)
        if ad.dtype is bd.dtype and ad.dtype is not _BOOL and ad.shape == bd.shape and ad.size < MIN_SIZE \
                and alpha.__class__ is int and alpha == 1 and out is None:
            return _wrap(np.subtract(ad, bd))
    if alpha.__class__ is not int or alpha != 1:
        if other.__class__ is bool or isinstance(other, Tensor) and other._data.dtype.kind == "b":
            _sub_bool_error(input, other)
        other = _scale(input, other, alpha)
    if input.__class__ is Tensor and other.__class__ is Tensor:  # (the common case, checked first)
        if input._data.dtype is not _BOOL and other._data.dtype is not _BOOL:
            r = _binary(Sub, input, other)
            return r if out is None else _out(r, out, input, other)
    if (input.__class__ is bool or other.__class__ is bool
            or (isinstance(input, Tensor) and input._data.dtype.kind == "b")
            or (isinstance(other, Tensor) and other._data.dtype.kind == "b")):
        _sub_bool_error(input, other)
    r = _binary(Sub, input, other)
    return r if out is None else _out(r, out, input, other)


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
    if other.__class__ is Tensor and input.__class__ is Tensor and not (input._rg or other._rg or _observed[0]):
        ad, bd = input._data, other._data   # (as in ``add``)
        if ad.dtype is bd.dtype and ad.shape == bd.shape and ad.size < MIN_SIZE and out is None:
            return _wrap(np.multiply(ad, bd))
    r = _binary(Mul, input, other)
    return r if out is None else _out(r, out, input, other)


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise division; integer inputs give floats (true division) unless
    ``rounding_mode`` is ``'trunc'`` or ``'floor'``.

    >>> ember.div(ember.tensor([3, 4]), 2)
    tensor([1.5000, 2.0000])
    """
    if rounding_mode is None:
        od = getattr(other, "_data", None)
        if od is not None and input.__class__ is Tensor and input._data.dtype is od.dtype \
                and od.dtype.kind in "fc":  # one floating dtype (the common case): as is
            r = _binary(Div, input, other)
            return r if out is None else _out(r, out, input, other)
        if not isinstance(input, Tensor):
            input = as_tensor_like(input)
        dt, _ = binary_result(input, other)
        if dt._cat < 2:  # int / int is float
            input = input.to(D._default[0])
        r = _binary(Div, input, other)
        return r if out is None else _out(r, out, input, other)
    if rounding_mode == "trunc":
        return _out(_div_trunc(input, other), out, input, other)
    if rounding_mode == "floor":
        return _out(floor_divide(input, other), out, input, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


subtract, multiply, divide, true_divide = sub, mul, div, div


# ---------------------------------------------------------------- pow
_power = quiet_ufunc(np.power)  # 0 ** -1 is inf, overflow is inf, no warning (as PyTorch)
_F32 = np.dtype(np.float32)
_F32_64 = (_F32, np.dtype(np.float64))   # (float16's products would round twice: np.power)


def _pow_number(a, b):
    """``a ** b`` for a float32/float64 array and a Python number, as PyTorch computes it:
    its own formulas for 2, 3, -0.5, -1 and -2 (``x * x``, ``x * x * x``, ``1 / sqrt(x)``,
    ...: the same bits) and sqrt for 0.5 (correctly rounded). Other exponents on float32: the
    power of ``|a|`` in float64, rounded once, with the sign put back (odd integers) or NaN
    (a fraction of a finite negative base): NumPy's float32 power takes a scalar path per
    negative base (~45 ns an element: x ** 4 over a million floats took 46 ms, torch 1.6 ms;
    now ~5 ms), and the float64 power is closer to torch's results (1.8% of float32 values
    differ in the last bit, 11% with np.power). float64: np.power."""
    if b == 2:
        return np.multiply(a, a)
    if a.ndim == 0:     # (NumPy gives scalars for 0-d arrays: compute on one element)
        return _pow_number(a.reshape(1), b).reshape(())
    if b == 3:
        r = np.multiply(a, a)
        return np.multiply(r, a, out=r)
    with np.errstate(all="ignore"):
        if b == 0.5:
            return np.sqrt(a)
        if b == -0.5:
            r = np.sqrt(a)
            return np.divide(a.dtype.type(1), r, out=r)
        if b == -1:
            return np.divide(a.dtype.type(1), a)
        if b == -2:
            r = np.multiply(a, a)
            return np.divide(a.dtype.type(1), r, out=r)
        if a.dtype != _F32 or b != b or b in (float("inf"), float("-inf")):
            return _power(a, b)
        d = np.abs(a).astype(np.float64)
        r = np.power(d, float(b), out=d).astype(np.float32)
        if float(b).is_integer():
            if int(b) % 2:
                np.copysign(r, a, out=r)           # odd: the sign of the base (-0. ** 3 is -0.)
            return r
        # a fraction: NaN for a finite negative base (-0. and -inf: the power of 0 and inf, as IEEE)
        return select(np.signbit(a) & np.isfinite(a) & (a != 0), np.float32("nan"), r, r.dtype)


class Pow(FormulaOp):
    """``tensor ** number``."""

    @staticmethod
    def forward(ctx, a, b, npdt):
        if ctx is not _NOGRAD:
            ctx._saved = (a, b)
        if npdt is None and a.dtype in _F32_64 and b.__class__ in (int, float):
            return _pow_number(a, b)
        if npdt is None and b == 2 and a.dtype.kind in "fc":
            return np.multiply(a, a)
        return _ucall(_power, a, b, npdt) if npdt is not None else _power(a, b)

    @staticmethod
    def grad(ctx, xp, g, a, b):
        if b == 0:
            return g * 0
        return g * b * a ** (b - 1)


class PowTensorExp(Op):
    _name = "PowBackward1"  # PyTorch's name for tensor ** tensor

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
            ga = g * b * a.pow(b - 1)
            ga = ga.masked_fill((b == 0) & (a == 0), 0) if ga._data.size else ga
        if _needs(ctx, 1):
            gb = g * out * a.log()
            gb = gb.masked_fill((a == 0) & (b >= 0), 0)
        return ga, gb


class PowScalarBase(FormulaOp):
    _name = "PowBackward2"  # PyTorch's name for scalar ** tensor

    @staticmethod
    def forward(ctx, b, a, npdt):
        out = _ucall(_power, a, b, npdt) if npdt is not None else _power(a, b)
        if ctx is not _NOGRAD:
            ctx._saved = (out, a)
        return out

    @staticmethod
    def grad(ctx, xp, g, out, base):
        if base == 0:
            return g * 0
        return g * out * float(np.log(base))


def _int_pow(a, b, npdt):
    """Integer ``a ** b`` with some negative exponents, as PyTorch computes it: ``1 / a**|b|``
    truncated, so 1 for a base of 1, -1 or 1 for -1 (odd or even exponent), 0 otherwise."""
    a, b = a.astype(npdt, copy=False), b.astype(npdt, copy=False)
    neg = b < 0
    r = np.power(a, np.where(neg, 0, b))
    one = a == 1
    minus_one = a == -1 if npdt.kind == "i" else np.zeros(a.shape, bool)
    inv = np.where(one, 1, np.where(minus_one, np.where(b % 2 == 0, 1, -1), 0)).astype(npdt)
    return np.where(neg, inv, r)


def pow(input, exponent, *, out=None):
    """``input ** exponent`` elementwise; either may be a Python scalar.

    >>> ember.pow(ember.tensor([2., 3.]), 2)
    tensor([4., 9.])
    """
    c = exponent.__class__
    if (c is int or c is float) and input.__class__ is Tensor and input._data.dtype.kind in "fc":
        r = _binary(Pow, input, exponent)  # a floating tensor to a Python number (the common case)
        return r if out is None else _out(r, out, input, exponent)
    if not isinstance(input, Tensor):
        e = exponent if isinstance(exponent, Tensor) else as_tensor_like(exponent)
        dt, npdt = binary_result(e, input)
        if dt._cat == 0:
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        if input.__class__ is int and dt._cat == 1:  # wrapped into the integer dtype, as PyTorch
            lo, hi = _SRANGE[dt]
            if not lo <= input <= hi:
                input = D.cast_int_scalar(input, dt)
        if dt._cat == 1 and (e._data < 0).any():
            return _out(_wrap(_int_pow(np.asarray(input), e._data, dt.np)), out, input, exponent)
        if npdt is None and e._data.dtype != dt.np:
            npdt = dt.np
        return _out(apply_op(PowScalarBase, (e,), input, npdt), out, input, exponent)
    if not isinstance(exponent, (Tensor, int, float, bool, complex, np.generic)):
        exponent = as_tensor_like(exponent)
    if isinstance(exponent, Tensor) or exponent.__class__ not in (int, float):
        dt = D.result_type(input, exponent)
        if dt._cat == 0:  # bool ** bool: PyTorch has no bool kernel; a Python bool exponent: x or not e
            if isinstance(exponent, Tensor):
                raise NotImplementedError('"pow" not implemented for \'Bool\'')
            return _out(_wrap(input._data | (not exponent)), out, input, exponent)
        if dt._cat == 1 and isinstance(exponent, Tensor) and (exponent._data < 0).any():
            return _out(_wrap(_int_pow(input._data, exponent._data, dt.np)), out, input, exponent)
        return _out(_binary(PowTensorExp if isinstance(exponent, Tensor) else Pow, input,
                            exponent), out, input, exponent)
    if input._data.dtype.kind in "iub" and exponent.__class__ is int:
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        dt = D.NP2DT[input._data.dtype]
        if dt._cat == 1:  # PyTorch's checked conversion of the exponent
            exponent = D.checked_int(exponent, dt)
    r = _binary(Pow, input, exponent)
    return r if out is None else _out(r, out, input, exponent)


# ---------------------------------------------------------------- in-place forms
def _sub_pre(self, d, other, od):
    """sub_'s check before its kernel: no bool operand (PyTorch's error)."""
    if other.__class__ is bool or d.dtype is _BOOL or od is not None and od.dtype is _BOOL:
        _sub_bool_error(self, other)


def _pow_pre(self, d, other, od):
    """pow_ on an integer tensor: ``pow``'s result (its checks, negative exponents), then the
    in-place cast rule; True when done."""
    if d.dtype.kind in "iub":
        r = pow(self, other)._data
        check_cast(r.dtype, d.dtype)
        if r.shape != d.shape:
            raise output_shape_error(d.shape, r.shape)
        d[...] = r
        self._bump()
        return True
    return False


def _inplace_binary(ufunc, fn, pre=None):
    def method(self, other, **kw):
        if kw:
            return inplace_op(self, lambda s: fn(s, other, **kw), *( (other,) if isinstance(other, Tensor) else ()))
        od = getattr(other, "_data", None)
        if self._base is not None or (od is not None and other._base is not None):
            check_write_overlap(self, other)
        if not _state[0] or not (self._rg or (od is not None and other._rg)):
            if self._base is None or not self._base._rg or not _state[0]:
                d = self._data
                if pre is not None and pre(self, d, other, od):
                    return self
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
                    if not d.flags.writeable:  # an expanded (stride-0) view, or read-only
                        from .._util import write_error
                        raise write_error(d) from None
                    if od is not None:
                        check_broadcast(d.shape, od.shape)
                    shp = np.broadcast_shapes(d.shape, od.shape if od is not None else ())
                    raise output_shape_error(d.shape, shp) from None
                self._bump()
                return self
        return inplace_op(self, lambda s: fn(s, other), *((other,) if od is not None else ()))
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


add_ = _inplace_binary(np.add, add)
sub_ = _inplace_binary(np.subtract, sub, _sub_pre)
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
    if other.__class__ is bool:  # (lifted, it would no longer be a bool)
        _sub_bool_error(other, self)
    return sub(_lift(other, self), self)


def _rdiv(self, other):
    return div(_lift(other, self, True), self)


def _rpow(self, other):
    return pow(other, self)


TENSOR_METHODS = {
    "add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div,
    "divide": div, "true_divide": div, "pow": pow,
    "add_": add_, "sub_": sub_, "subtract_": sub_, "mul_": mul_, "multiply_": mul_,
    "div_": div_, "divide_": div_, "true_divide_": div_,
    "pow_": _inplace_binary(np.power, pow, _pow_pre),
    "__add__": add, "__radd__": add, "__iadd__": add_,
    "__sub__": sub, "__rsub__": _rsub, "__isub__": sub_,
    "__mul__": mul, "__rmul__": mul, "__imul__": mul_,
    "__truediv__": div, "__rtruediv__": _rdiv, "__itruediv__": div_,
    "__pow__": pow, "__rpow__": _rpow, "__ipow__": _inplace_binary(np.power, pow, _pow_pre),
}
