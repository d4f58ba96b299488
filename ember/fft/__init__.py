"""Discrete Fourier transforms, as ``torch.fft``: complex (``fft``), real-input one-sided
(``rfft``), Hermitian (``hfft``) transforms in 1, 2 and n dims with their inverses, the
sample frequencies and the zero-frequency shifts. All are differentiable.

Real float32 input gives complex64 output; integers go to the default float dtype first.
``n``/``s`` zero-pad or trim the input along the transformed dims (-1 in ``s``: keep the
size); ``norm`` is "backward" (default: no scaling forward, 1/n inverse), "forward" or "ortho".

>>> ember.fft.fft(ember.tensor([1., 2., 3., 4.]))
tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
>>> ember.fft.irfft(ember.fft.rfft(ember.tensor([1., 2., 3., 4.])))
tensor([1., 2., 3., 4.])
"""
from .._backend import np
from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import apply_op
from . import _ops as O

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn",
           "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq",
           "fftshift", "ifftshift"]

_NORMS = ("backward", "forward", "ortho")
_TN = {"float16": "Half", "bfloat16": "BFloat16", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


# ---------------------------------------------------------------- argument handling
def _prep(input, fname, real_only=False):
    """Check ``input`` and bring it to a float32/64 or complex64/128 dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{fname}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    k = input._data.dtype
    if k.kind in "biu":
        input = input.to(D._default[0])
    elif k.itemsize < 4 or k.kind == "V":
        raise RuntimeError(f"Unsupported dtype {_TN.get(input.dtype.name, input.dtype.name)}")
    if real_only and input._data.dtype.kind == "c":
        raise RuntimeError(f"{fname} expects a real input tensor, but got {_TN[input.dtype.name]}")
    return input


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _dim(dim, ndim):
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                         f"but got {dim})")
    return dim % ndim


def _npoints(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _dims_sizes(x, s, dim, half=False):
    """Normalised (dims, sizes) for the n-dim transforms; ``half``: the input's last transformed
    dim holds n // 2 + 1 values, so its default size is 2 * (m - 1)."""
    ndim = x._data.ndim
    if isinstance(dim, int):
        dim = (dim,)
    if s is not None:
        s = [int(v) for v in s]
        if dim is None:
            if len(s) > ndim:
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {ndim} dimensions.")
            dim = tuple(range(ndim - len(s), ndim))
        elif len(s) != len(dim):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    if dim is None:
        dim = tuple(range(ndim))
    dims = tuple(_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError("FFT dims must be unique")
    shape = x._data.shape
    sizes = [shape[d] for d in dims]
    if half and dims:
        sizes[-1] = 2 * (sizes[-1] - 1)
    if s is not None:
        sizes = [sz if v == -1 else v for v, sz in zip(s, sizes)]
    for n in sizes:
        _npoints(n)
    return dims, tuple(sizes)


def _out(r, out):
    if out is None:
        return r
    from ..ops.elementwise.arithmetic import _out as put
    return put(r, out)


def _to_complex(x):
    return x if x._data.dtype.kind == "c" else apply_op(O.ToComplex, (x,))


def _conj(x):
    return apply_op(O.Conj, (x,)) if x._data.dtype.kind == "c" else x


# ---------------------------------------------------------------- the transforms (n-dim cores)
def _c2c(input, s, dim, norm, forward, fname):
    x = _prep(input, fname)
    dims, sizes = _dims_sizes(x, s, dim)
    norm = _norm(norm)
    x = _to_complex(O.resize(x, dims, sizes))
    if not dims:
        return x
    return apply_op(O.C2C, (x,), dims, forward, norm)


def _r2c(input, s, dim, norm, fname):
    x = _prep(input, fname, real_only=True)
    dims, sizes = _dims_sizes(x, s, dim)
    norm = _norm(norm)
    x = O.resize(x, dims, sizes)
    if not dims:
        return _to_complex(x)
    return apply_op(O.R2C, (x,), dims, norm)


def _c2r(input, s, dim, norm, fname, conj=False):
    x = _prep(input, fname)
    dims, sizes = _dims_sizes(x, s, dim, half=True)
    norm = _norm(norm)
    if not dims:
        raise RuntimeError(f"{fname} must transform at least one axis")
    n = sizes[-1]
    x = _to_complex(O.resize(x, dims, sizes[:-1] + (n // 2 + 1,)))
    if conj:
        x = _conj(x)
    return apply_op(O.C2R, (x,), dims, norm, n)


def _one(n, dim):
    return None if n is None else (n,), (dim,)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """The one-dimensional discrete Fourier transform along ``dim``.

    >>> ember.fft.fft(ember.tensor([1., 0., 0., 0.]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _out(_c2c(input, *_one(n, dim), norm, True, "fft"), out)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of :func:`fft` (scaled by 1/n with the default ``norm``).

    >>> ember.fft.ifft(ember.tensor([4., 0., 0., 0.]))
    tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _out(_c2c(input, *_one(n, dim), norm, False, "ifft"), out)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional discrete Fourier transform (over the last two dims by default).

    >>> ember.fft.fft2(ember.ones(2, 2))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]])
    """
    return _out(_c2c(input, s, dim, norm, True, "fft2"), out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The inverse of :func:`fft2`.

    >>> ember.fft.ifft2(ember.tensor([[4., 0.], [0., 0.]])).real
    tensor([[1., 1.],
            [1., 1.]])
    """
    return _out(_c2c(input, s, dim, norm, False, "ifft2"), out)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional discrete Fourier transform over ``dim`` (all dims by default).

    >>> ember.fft.fftn(ember.ones(2, 2, 2))[0, 0, 0]
    tensor(8.+0.j)
    """
    return _out(_c2c(input, s, dim, norm, True, "fftn"), out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of :func:`fftn`.

    >>> ember.fft.ifftn(ember.fft.fftn(ember.ones(2, 2))).real
    tensor([[1., 1.],
            [1., 1.]])
    """
    return _out(_c2c(input, s, dim, norm, False, "ifftn"), out)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The Fourier transform of real input, keeping the n // 2 + 1 non-negative frequencies.

    >>> ember.fft.rfft(ember.tensor([1., 2., 3., 4.]))
    tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    return _out(_r2c(input, *_one(n, dim), norm, "rfft"), out)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of :func:`rfft`: a real signal of length ``n`` (default 2 * (m - 1)).

    >>> ember.fft.irfft(ember.tensor([10+0j, -2+2j, -2+0j]))
    tensor([1., 2., 3., 4.])
    """
    return _out(_c2r(input, *_one(n, dim), norm, "irfft"), out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Two-dimensional :func:`rfft` (the last of ``dim`` is halved).

    >>> ember.fft.rfft2(ember.ones(2, 4)).shape
    torch.Size([2, 3])
    """
    return _out(_r2c(input, s, dim, norm, "rfft2"), out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The inverse of :func:`rfft2`.

    >>> ember.fft.irfft2(ember.fft.rfft2(ember.ones(2, 4)))
    tensor([[1., 1., 1., 1.],
            [1., 1., 1., 1.]])
    """
    return _out(_c2r(input, s, dim, norm, "irfft2"), out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """n-dimensional :func:`rfft` (the last of ``dim`` is halved).

    >>> ember.fft.rfftn(ember.ones(2, 2, 4)).shape
    torch.Size([2, 2, 3])
    """
    return _out(_r2c(input, s, dim, norm, "rfftn"), out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of :func:`rfftn`.

    >>> ember.fft.irfftn(ember.fft.rfftn(ember.ones(2, 4))).shape
    torch.Size([2, 4])
    """
    return _out(_c2r(input, s, dim, norm, "irfftn"), out)


def _hnorm(norm):
    return O.DUAL[_norm(norm)]


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The Fourier transform of a Hermitian-symmetric signal given by its first half: real
    output of length ``n`` (default 2 * (m - 1)).

    >>> ember.fft.hfft(ember.tensor([1+0j, 0j, 0j]))
    tensor([1., 1., 1., 1.])
    """
    return _out(_c2r(input, *_one(n, dim), _hnorm(norm), "hfft", conj=True), out)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of :func:`hfft`: the first n // 2 + 1 values of ``ifft`` of real input.

    >>> ember.fft.ihfft(ember.tensor([1., 1., 1., 1.]))
    tensor([1.-0.j, 0.-0.j, 0.-0.j])
    """
    return _out(_conj(_r2c(input, *_one(n, dim), _hnorm(norm), "ihfft")), out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """Two-dimensional :func:`hfft` (the last of ``dim`` is the Hermitian half).

    >>> ember.fft.hfft2(ember.ones(2, 3, dtype=ember.complex64)).shape
    torch.Size([2, 4])
    """
    return _out(_c2r(input, s, dim, _hnorm(norm), "hfft2", conj=True), out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The inverse of :func:`hfft2`.

    >>> ember.fft.ihfft2(ember.ones(2, 4)).shape
    torch.Size([2, 3])
    """
    return _out(_conj(_r2c(input, s, dim, _hnorm(norm), "ihfft2")), out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """n-dimensional :func:`hfft`.

    >>> ember.fft.hfftn(ember.ones(2, 3, dtype=ember.complex64)).shape
    torch.Size([2, 4])
    """
    return _out(_c2r(input, s, dim, _hnorm(norm), "hfftn", conj=True), out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """n-dimensional :func:`ihfft`.

    >>> ember.fft.ihfftn(ember.ones(2, 4)).shape
    torch.Size([2, 3])
    """
    return _out(_conj(_r2c(input, s, dim, _hnorm(norm), "ihfftn")), out)


# ---------------------------------------------------------------- frequencies and shifts
def _freq(vals, out, dtype, requires_grad, fname):
    dt = D._default[0] if dtype is None else dtype
    if dt.np.kind not in "fc":
        raise RuntimeError(f"{fname} requires a floating point or complex dtype")
    r = _wrap(np.asarray(vals, dtype=dt.np))
    if out is not None:
        r = _out(r, out)
    if requires_grad:
        r.requires_grad_(True)
    return r


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of a length-``n`` :func:`fft` with sample spacing ``d``.

    >>> ember.fft.fftfreq(4)
    tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    return _freq(np.fft.fftfreq(n, d), out, dtype, requires_grad, "fftfreq")


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of a length-``n`` :func:`rfft` with sample spacing ``d``.

    >>> ember.fft.rfftfreq(4)
    tensor([0.0000, 0.2500, 0.5000])
    """
    return _freq(np.fft.rfftfreq(n, d), out, dtype, requires_grad, "rfftfreq")


def _shift(input, dim, sign, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"fft_{fname}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    ndim = input._data.ndim
    dims = tuple(range(ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return input.clone()
    shape = input._data.shape
    shifts = tuple(sign * (shape[d] // 2) for d in dims)
    return input.roll(shifts, dims)


def fftshift(input, dim=None):
    """Move the zero-frequency term to the centre (rolls each dim by ``n // 2``).

    >>> ember.fft.fftshift(ember.fft.fftfreq(4))
    tensor([-0.5000, -0.2500,  0.0000,  0.2500])
    """
    return _shift(input, dim, 1, "fftshift")


def ifftshift(input, dim=None):
    """The inverse of :func:`fftshift`.

    >>> ember.fft.ifftshift(ember.tensor([-0.5, -0.25, 0., 0.25]))
    tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    return _shift(input, dim, -1, "ifftshift")

