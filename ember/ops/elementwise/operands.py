"""The operands of elementwise ops, shared by the families: the Tensor type checks and
PyTorch's error messages (dtype names, shapes that do not broadcast), PyTorch's promotion of a
binary op's operands (a Python scalar on the left lifted to a 0-d tensor, an int wrapped into an
integer dtype), and the argument normalisation that ends in ``apply_op``, the one entry that
decides whether a node is recorded (``_unary``, ``_bin``; ``_run`` turns NumPy's broadcast
error into PyTorch's).

>>> from ember.ops.elementwise.operands import _bshape_error
>>> _bshape_error((2, 3), (4, 3))
RuntimeError('The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0')
"""
import builtins

from .._util import np, D, Tensor, _wrap, apply_op, as_tensor_like
from .._util import _TORCH_NAMES as _TNAME
from .quiet_float import _ign

binary_result = D.binary_result
_SCALARS = (builtins.int, builtins.float, builtins.bool, builtins.complex, np.generic)


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

