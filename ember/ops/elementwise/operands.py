"""The operands of elementwise ops, shared by the families: the Tensor type checks and
PyTorch's error messages (dtype names, shapes that do not broadcast), PyTorch's promotion of a
binary op's operands (a Python scalar on the left lifted to a 0-d tensor, an int wrapped into an
integer dtype), and the argument normalisation that ends in ``apply_op``, the one entry that
decides whether a node is recorded (``_unary``, ``_bin``; ``_run`` turns NumPy's broadcast
error into PyTorch's); the ufunc call that casts the operands NumPy refuses (``_ucall``) and
the write of a result into an ``out=`` tensor (``_out``).

>>> from ember.ops.elementwise.operands import _cname
>>> _cname(ember.int64.np), _cname(ember.float16.np)
('long int', 'c10::Half')
"""
import builtins

from ..._quantized_mark import QUANTIZED as _QM, not_implemented as _q_refuse
from .._util import np, D, Tensor, _wrap, apply_op, as_tensor_like, _state, check_cast, check_write_overlap
from .._util import _TORCH_NAMES as _TNAME, write_error
from .quiet_float import _ign
from ..._errors import broadcast_error as _bshape_error  # noqa: F401

binary_result = D.binary_result
_SCALARS = (builtins.int, builtins.float, builtins.bool, builtins.complex, np.generic)


def _tn(npdt):
    return _TNAME.get(D.NP2DT[npdt].name, str(npdt))


from ..._dtype_names import TYPEID_NAMES as _CNAME  # noqa: E402


def _cname(npdt):
    """The C++ type name PyTorch uses in some dtype messages."""
    n = D.NP2DT[npdt].name
    return _CNAME.get(n, n)


def _not_impl(kernel, npdt):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{_tn(npdt)}\'')


def _zeros(g):
    return _wrap(np.zeros_like(g._data))


def _check_tensor(x, fname, pos=1, argname="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                        f"not {type(x).__name__}")
    if x._rg is _QM:  # (these ops read the arrays directly, without apply_op)
        raise _q_refuse(f"aten::{fname}")


def _unary(cls, input, fname, *args):
    _check_tensor(input, fname)
    return apply_op(cls, (input,), *args)


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
    try:
        np.copyto(out._data, r._data, casting="unsafe")
    except ValueError:
        if out._data.flags.writeable:
            raise
        raise write_error(out._data) from None
    out._bump()
    return out
