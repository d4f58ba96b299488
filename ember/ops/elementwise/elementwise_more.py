"""The ternary ops where, lerp, addcmul and addcdiv, and the helpers shared by the elementwise
families split from this module: PyTorch's type promotion of binary operands and its error
messages, float math without NumPy's warnings, the in-place and reflected-operator wrappers and
the export of top-level in-place functions (``ember.erf_``).

The families: ops/trig.py, ops/exp_log.py, ops/erf_gamma.py, ops/rounding.py, ops/clamp.py,
ops/division.py, ops/float_bits.py, ops/logical_bitwise.py and ops/predicates.py. Forward on
arrays, backward in Tensor ops (so double backward works), PyTorch's type promotion, error
types and in-place forms.

>>> x = ember.tensor([-2., 0.5, 3.], requires_grad=True)
>>> y = x.clamp(-1, 1).erf().sum(); y.backward(); x.grad
tensor([0.0000, 0.8788, 0.0000])
>>> ember.where(ember.tensor([True, False]), ember.tensor([1., 2.]), ember.tensor([3., 4.]))
tensor([1., 4.])
"""
import builtins
import math

from .._util import np, D, Tensor, _wrap, Op, apply_op, _state, to_float_np, as_tensor_like
from .._util import _TORCH_NAMES as _TNAME
from ..inplace.history import inplace_op
from .arithmetic import _out, _needs, _ucall, _as_np

binary_result = D.binary_result
_SCALARS = (builtins.int, builtins.float, builtins.bool, builtins.complex, np.generic)
_LN2, _LN10 = math.log(2.0), math.log(10.0)

__all__ = ["lerp", "addcmul", "addcdiv", "where"]


# ---------------------------------------------------------------- helpers
def _tn(npdt):
    return _TNAME.get(D.NP2DT[npdt].name, str(npdt))


_CNAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
          "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
          "bool": "bool", "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def _cname(npdt):
    """The C++ type name PyTorch uses in some dtype messages."""
    n = D.NP2DT[npdt].name
    return _CNAME.get(n, n)


def _not_impl(kernel, npdt):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{_tn(npdt)}\'')


# Floating-point warnings off inside ops (PyTorch gives inf/NaN silently). np.errstate costs
# several microseconds per use; on NumPy 2 the same state is one context variable, set and
# reset directly here (falling back to np.errstate elsewhere).
try:  # the backend seam owns NumPy's private error-state variable
    from ..._backend import _EXTOBJ, _FP_IGNORE as _IGNORE
except ImportError:  # pragma: no cover - NumPy 1.x
    _EXTOBJ = None


class _Ign:
    __slots__ = ("tok",)

    def __enter__(self):
        self.tok = _EXTOBJ.set(_IGNORE)

    def __exit__(self, *exc):
        _EXTOBJ.reset(self.tok)


def _ign():
    """A context in which NumPy's floating-point warnings are ignored."""
    return _Ign() if _EXTOBJ is not None else np.errstate(all="ignore")


def _flt(fn, a):
    """``fn`` on ``a`` as floats: ints/bool go to the default float dtype; half precision
    is computed in float32 and rounded back, as PyTorch does."""
    a = to_float_np(a)
    dt = a.dtype
    if _EXTOBJ is None:  # pragma: no cover - NumPy 1.x
        with np.errstate(all="ignore"):
            r = fn(a) if dt.itemsize >= 4 or dt.kind == "c" else fn(a.astype(np.float32)).astype(dt)
    else:
        tok = _EXTOBJ.set(_IGNORE)
        try:
            r = fn(a) if dt.itemsize >= 4 or dt.kind == "c" else fn(a.astype(np.float32)).astype(dt)
        finally:
            _EXTOBJ.reset(tok)
    return r if r.__class__ is np.ndarray else np.asarray(r)


def _zeros(g):
    return _wrap(np.zeros_like(g._data))


def _check_tensor(x, fname, pos=1, argname="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                        f"not {type(x).__name__}")


def _unary(cls, input, fname, *args):
    _check_tensor(input, fname)
    return apply_op(cls, (input,), *args)


def _bshape_error(*shapes):
    """PyTorch's message for shapes that do not broadcast (or None if they do)."""
    try:
        np.broadcast_shapes(*shapes)
        return None
    except ValueError:
        pass
    nd = builtins.max(len(s) for s in shapes)
    shapes = [(1,) * (nd - len(s)) + tuple(s) for s in shapes]
    for i in range(nd - 1, -1, -1):
        for j in range(1, len(shapes)):
            x, y = shapes[0][i], shapes[j][i]
            if x != y and x != 1 and y != 1:
                return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                                    f"({y}) at non-singleton dimension {i}")
        if any(s[i] != 1 for s in shapes):  # a later operand against the broadcast so far
            sizes = [s[i] for s in shapes if s[i] != 1]
            if len(set(sizes)) > 1:
                return RuntimeError(f"The size of tensor a ({sizes[0]}) must match the size of "
                                    f"tensor b ({sizes[1]}) at non-singleton dimension {i}")
    return None


def _run(cls, tensors, *args):
    """``apply_op`` turning NumPy's broadcast ValueError into PyTorch's RuntimeError."""
    try:
        return apply_op(cls, tensors, *args)
    except ValueError:
        err = _bshape_error(*[t._data.shape for t in tensors])
        if err is not None:
            raise err from None
        raise


def _prep(input, other, fname, tensor_other=False, scalar_input=True, float_op=False):
    """Normalise a binary op's operands: a Tensor, a Tensor or Python scalar, and the
    result dtype by PyTorch's promotion. ``float_op``: the op computes in floating point (a
    negative Python int is not wrapped into an unsigned dtype)."""
    if not isinstance(input, Tensor):
        if isinstance(other, Tensor) and isinstance(input, _SCALARS) and not tensor_other \
                and scalar_input:
            input = _lift(input, other, float_op)
        else:
            _check_tensor(input, fname)
    if not isinstance(other, Tensor):
        if tensor_other:
            _check_tensor(other, fname, 2, "other")
        if not isinstance(other, _SCALARS):
            other = as_tensor_like(other)
    dt = binary_result(input, other)[0]
    if not float_op and dt._cat == 1 and other.__class__ in (builtins.int, builtins.bool):
        other = _wrap_int(other, dt.np)
    return input, other, dt


def _wrap_int(x, npdt):
    """A Python int as a NumPy scalar of integer dtype ``npdt``, wrapping like a C cast
    (``-1`` meets uint8 as 255, as in PyTorch; NumPy 2 would raise OverflowError)."""
    if x.__class__ is builtins.int:
        D._int64_scalar(x)  # PyTorch's OverflowError beyond 64 bits
    return np.array(x).astype(npdt)[()]


def _lift(x, other, float_op=False):
    """A Python scalar on the left of a tensor op, as a 0-d array of the dtype it promotes to
    as a wrapped number (``7 % uint8_tensor`` stays uint8)."""
    dt = D.result_type(x, other)
    if float_op:
        dt = _float_dt(dt)
    if x.__class__ is builtins.int:
        D._int64_scalar(x)
    with _ign():
        return _wrap(np.array(x).astype(dt.np))


def _bin(cls, input, other, fname, tensor_other=False):
    a, b, dt = _prep(input, other, fname, tensor_other)
    if isinstance(b, Tensor):
        return _run(cls, (a, b), dt)
    return _run(cls, (a,), b, dt)


def _arr(x):
    return x._data if isinstance(x, Tensor) else x


def _float_dt(dt):
    return D._default[0] if dt._cat < 2 else dt


def _fbin(ufunc, a, b, dt):
    """``ufunc`` computed in float dtype ``dt`` (half via float32)."""
    npdt = dt.np
    with _ign():
        if npdt.itemsize >= 4 or npdt.kind == "c":
            r = ufunc(a, b, dtype=npdt)
        else:
            a = a.astype(np.float32) if isinstance(a, np.ndarray) else a
            b = b.astype(np.float32) if isinstance(b, np.ndarray) else b
            r = ufunc(a, b, dtype=np.float32).astype(npdt)
    return r if r.__class__ is np.ndarray else np.asarray(r)


def _two_tensors(input, other, fname):
    _check_tensor(input, fname)
    _check_tensor(other, fname, 2, "other")
    err = _bshape_error(input._data.shape, other._data.shape)
    if err is not None:
        raise err
    return input._data, other._data


def _check_int_zero(b, dt):
    if dt._cat <= 1:
        if isinstance(b, np.ndarray):
            if b.size and not b.all():
                raise RuntimeError("ZeroDivisionError")
        elif b == 0:
            raise RuntimeError("ZeroDivisionError")


def _broadcast_inplace_check(s, r):
    ss, rs = s._data.shape, r._data.shape
    if ss != rs and np.broadcast_shapes(ss, rs) != ss:
        raise RuntimeError(f"output with shape {list(ss)} doesn't match the broadcast shape "
                           f"{list(np.broadcast_shapes(ss, rs))}")


def _inplace_precheck(self, operands, dtype_check=True):
    """PyTorch checks an in-place op's output before its kernel: the operands must broadcast
    to ``self``'s shape, and their promoted dtype must cast to ``self``'s."""
    d = self._data
    for o in operands:
        if isinstance(o, Tensor) and o._data.shape != d.shape:
            _broadcast_inplace_check(self, o)
    if dtype_check and operands:
        dt = D.result_type(self, *[o for o in operands if isinstance(o, (Tensor,) + _SCALARS)])
        if dt._cat > D.NP2DT[d.dtype]._cat:
            from .._util import check_cast
            check_cast(dt.np, d.dtype)


def _inplace(fn, name=None):
    """The in-place form ``t.name_(...)`` of out-of-place ``fn``."""
    def method(self, *args, **kw):
        others = [x for x in args if isinstance(x, Tensor)]
        others += [x for x in kw.values() if isinstance(x, Tensor)]
        _inplace_precheck(self, others)

        def f(s):
            r = fn(s, *args, **kw)
            _broadcast_inplace_check(s, r)
            return r
        return inplace_op(self, f, *others)
    method.__name__ = (name or fn.__name__) + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


def _u_inplace(fn):
    def method(self, *args, **kw):
        return inplace_op(self, lambda s: fn(s, *args, **kw))
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place :func:`{fn.__name__}`; returns ``self``."
    return method


def _r(fn):
    def r(self, other):
        return fn(other, self)
    r.__name__ = "__r" + fn.__name__ + "__"
    return r


def _export_inplace(g, top):
    """Top-level in-place functions (``ember.erf_(t)``) of the family module whose globals are
    ``g``: for each ``name -> example arguments`` of ``top``, the object
    ``g["TENSOR_METHODS"][name]`` itself (so ``ember.erf_ is ember.Tensor.erf_``), named
    ``name``, with a docstring example, added to the module and its ``__all__``. Its
    ``__module__`` names that module, where the doctests find it."""
    for _n, _ex in top.items():
        _f = g["TENSOR_METHODS"][_n]
        _f.__doc__ = (f"In-place :func:`{_n[:-1]}` (also ``Tensor.{_n}``); returns its first argument.\n\n"
                      f"    >>> args = ({_ex},)\n"
                      f"    >>> ember.{_n}(*args) is args[0]\n"
                      f"    True\n")
        _f.__qualname__ = _f.__name__ = _n
        _f.__module__ = g["__name__"]
        g[_n] = _f
        g["__all__"].append(_n)


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


class Addcmul(Op):
    @staticmethod
    def forward(ctx, a, t1, t2, value, npdt):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        p = _ucall(np.multiply, t1, t2, npdt)
        if value != 1:
            p = _ucall(np.multiply, p, value, npdt)
        return _ucall(np.add, a, p, npdt)

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
        with _ign():
            p = _ucall(np.true_divide, t1, t2, npdt)
        if value != 1:
            p = _ucall(np.multiply, p, value, npdt)
        return _ucall(np.add, a, p, npdt)

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
        return np.where(cond, x, y).astype(npdt, copy=False)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        z = np.zeros((), g._data.dtype)
        gx = _wrap(np.where(cond._data, g._data, z)) if _needs(ctx, 0) else None
        gy = _wrap(np.where(cond._data, z, g._data)) if _needs(ctx, 1) else None
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
