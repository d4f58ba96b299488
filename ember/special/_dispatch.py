"""How the functions of ``ember.special`` reach their float64 NumPy kernels: argument checks,
PyTorch's dtype rules (integers to the default float, half precision through float32, complex
refused), ``out=`` and the wrapping of results that have no gradient."""
from .._backend import np
from .._tensor import Tensor, _wrap
from ..ops.elementwise.arithmetic import _out
from ..ops.elementwise.elementwise_more import _flt, _check_tensor, _not_impl, _prep, _float_dt, _bshape_error


def float_kernel(kernel, name):
    """``kernel`` (float64 in, float64 out) as a function of a float array of any precision
    returning that precision."""
    def run(a):
        if a.dtype.kind == "c":
            _not_impl(name, a.dtype)
        return np.asarray(kernel(a.reshape(-1))).reshape(a.shape).astype(a.dtype, copy=False)
    return run


def unary(input, kernel, name, out=None):
    """A function without gradient: ``kernel`` on ``input`` as floats (the result never requires
    grad, as in PyTorch)."""
    _check_tensor(input, name)
    return put(_wrap(_flt(float_kernel(kernel, name), input._data)), out)


def put(r, out):
    return r if out is None else _out(r, out)


def binary_arrays(input, other, name):
    """Both operands as arrays of their promoted float dtype (scalars allowed on either side)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        _check_tensor(input, name)
    a, b, dt = _prep(input, other, name, float_op=True)
    if isinstance(b, Tensor):
        err = _bshape_error(a._data.shape, b._data.shape)
        if err is not None:
            raise err
    dt = _float_dt(dt)
    if dt.np.kind == "c":
        _not_impl(name, dt.np)
    return a, b, dt


def as_array(x, npdt):
    return (x._data if isinstance(x, Tensor) else np.asarray(x)).astype(npdt, copy=False)


def compute_dtype(npdt):
    """The dtype a kernel's float64 result is rounded to before the final cast (half precision
    goes through float32, as PyTorch computes it)."""
    return npdt if npdt.itemsize >= 4 else np.dtype(np.float32)
