"""Complex numbers as pairs of reals: ``view_as_real``, ``view_as_complex``, ``complex`` and
``polar``, all differentiable (PyTorch's convention: the gradient of a real loss with respect
to a complex tensor is ``dL/dRe + i dL/dIm``).

The views share memory with their input, as in PyTorch (NumPy views of the same buffer).

>>> z = ember.complex(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
>>> ember.view_as_real(z).tolist()
[[1.0, 3.0], [2.0, 4.0]]
"""
from .._util import np, D, Op, apply_op, grad_on
from .arithmetic import _out
from .elementwise_more import _check_tensor

__all__ = ["view_as_real", "view_as_complex", "complex", "polar", "view_as_real_copy",
           "view_as_complex_copy", "is_complex"]

_C2R = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}
_R2C = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}
_TN = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
       "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tname(npdt):
    return _TN.get(D.NP2DT[npdt].name, D.NP2DT[npdt].name.capitalize()) if npdt in D.NP2DT else str(npdt)


def _as_real_np(z):
    """The (..., 2) float view of a complex array (a copy only when it is not contiguous
    in its last dimension)."""
    if z.ndim and z.strides[-1] != z.itemsize:
        z = np.ascontiguousarray(z)
    if z.ndim == 0:
        z = z.reshape(1)
        return z.view(_C2R[z.dtype]).reshape(2)
    return z.view(_C2R[z.dtype]).reshape(z.shape + (2,))


def _as_complex_np(x):
    if x.strides[-1] != x.itemsize or (x.ndim > 1 and any(s % (2 * x.itemsize) for s in x.strides[:-1])):
        x = np.ascontiguousarray(x)
    return x.view(_R2C[x.dtype])[..., 0]


class ViewAsReal(Op):
    _name = "ViewAsRealBackward0"

    @staticmethod
    def forward(ctx, z):
        return _as_real_np(z)

    @staticmethod
    def backward(ctx, g):
        return apply_op(ViewAsComplex, (g,))


class ViewAsComplex(Op):
    _name = "ViewAsComplexBackward0"

    @staticmethod
    def forward(ctx, x):
        return _as_complex_np(x)

    @staticmethod
    def backward(ctx, g):
        return apply_op(ViewAsReal, (g,))


def view_as_real(input):
    """A real view of a complex tensor, with a last dimension of size 2 (real, imaginary).

    >>> ember.view_as_real(ember.tensor([1+2j])).tolist()
    [[1.0, 2.0]]
    """
    _check_tensor(input, "view_as_real")
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply_op(ViewAsReal, (input,))


def view_as_complex(input):
    """A complex view of a float tensor whose last dimension has size 2.

    >>> ember.view_as_complex(ember.tensor([[1., 2.]]))
    tensor([1.+2.j])
    """
    _check_tensor(input, "view_as_complex")
    a = input._data
    if a.dtype not in _R2C:
        raise RuntimeError("view_as_complex is only supported for floating point tensors, but got a "
                           f"tensor of scalar type: {_tname(a.dtype)}")
    if not a.ndim or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return apply_op(ViewAsComplex, (input,))


def view_as_real_copy(input, *, out=None):
    """:func:`view_as_real` as a new tensor (no memory shared).

    >>> ember.view_as_real_copy(ember.tensor([1+2j])).tolist()
    [[1.0, 2.0]]
    """
    return _out(view_as_real(input).clone(), out)


def view_as_complex_copy(input, *, out=None):
    """:func:`view_as_complex` as a new tensor (no memory shared).

    >>> ember.view_as_complex_copy(ember.tensor([[1., 2.]]))
    tensor([1.+2.j])
    """
    _check_tensor(input, "view_as_complex_copy")
    if input._rg and grad_on(input):
        raise RuntimeError("view_as_complex_copy does not support automatic differentiation for outputs "
                           "with complex dtype.")
    return _out(view_as_complex(input).clone(), out)


def is_complex(input):
    """True when ``input`` has a complex dtype.

    >>> ember.is_complex(ember.tensor([1j])), ember.is_complex(ember.ones(1))
    (True, False)
    """
    _check_tensor(input, "is_complex")
    return input._data.dtype.kind == "c"


class Complex(Op):
    _name = "ComplexBackward0"

    @staticmethod
    def forward(ctx, re, im):
        out = np.empty(np.broadcast_shapes(re.shape, im.shape), _R2C[re.dtype])
        out.real = re
        out.imag = im
        return out

    @staticmethod
    def backward(ctx, g):
        r = apply_op(ViewAsReal, (g,))
        return r[..., 0], r[..., 1]


def complex(real, imag, *, out=None):
    """The complex tensor ``real + i * imag`` (both float32 or both float64; broadcast).

    >>> ember.complex(ember.tensor([1.]), ember.tensor([2.]))
    tensor([1.+2.j])
    """
    _check_tensor(real, "complex", 1, "real")
    _check_tensor(imag, "complex", 2, "imag")
    a, b = real._data.dtype, imag._data.dtype
    if a not in _R2C or b not in _R2C:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_tname(a)} "
                           f"and {_tname(b)}")
    if a != b:
        raise RuntimeError(f"Expected object of scalar type {_tname(a)} but got scalar type {_tname(b)} "
                           "for second argument")
    from .elementwise_more import _bshape_error
    err = _bshape_error(real._data.shape, imag._data.shape)
    if err is not None:
        raise err
    return _out(apply_op(Complex, (real, imag)), out)


def polar(abs, angle, *, out=None):
    """The complex tensor ``abs * (cos(angle) + i sin(angle))``.

    >>> ember.polar(ember.tensor([2.]), ember.tensor([0.]))
    tensor([2.+0.j])
    """
    _check_tensor(abs, "polar", 1, "abs")
    _check_tensor(angle, "polar", 2, "angle")
    a, b = abs._data.dtype, angle._data.dtype
    if a not in _R2C or b not in _R2C:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_tname(a)} "
                           f"and {_tname(b)}")
    if a != b:
        raise RuntimeError(f"Expected object of scalar type {_tname(a)} but got scalar type {_tname(b)} "
                           "for second argument")
    from .elementwise_more import _bshape_error
    err = _bshape_error(abs._data.shape, angle._data.shape)
    if err is not None:
        raise err
    return _out(apply_op(Polar, (abs, angle)), out)


class Polar(Op):
    """``abs * exp(i angle)``. As in PyTorch, the gradient for ``abs`` is that of ``|abs|``:
    sign(abs) times the plain derivative (0 where abs is 0)."""
    _name = "PolarBackward0"

    @staticmethod
    def forward(ctx, r, t):
        ctx.save_for_backward(r, t)
        out = np.empty(np.broadcast_shapes(r.shape, t.shape), _R2C[r.dtype])
        out.real = r * np.cos(t)
        out.imag = r * np.sin(t)
        return out

    @staticmethod
    def backward(ctx, g):
        r, t = ctx.saved_tensors
        gr = apply_op(ViewAsReal, (g,))
        gx, gy = gr[..., 0], gr[..., 1]
        c, s = t.cos(), t.sin()
        return (gx * c + gy * s) * r.sign(), (gy * c - gx * s) * r


TENSOR_METHODS = {}
