"""Numerical integration and differentiation of sampled values: ``trapezoid`` (``trapz``),
``cumulative_trapezoid``, ``gradient`` and ``diff`` (forward differences). Each is linear in the samples and written with
ember Tensor ops (slices, products, sums), so gradients flow to the samples (and to ``x``
for the trapezoid rules).
"""
import builtins
import numbers

from .._util import np, Tensor, norm_dim
from ... import _tensor
from ..shape.joining import cat
from ..shape.splitting import narrow
from ..shape.sized_splits import _int
from ..numpy_arg_names import numpy_names

__all__ = ["trapezoid", "trapz", "cumulative_trapezoid", "gradient", "diff"]


def _as_float(t):
    if t.is_floating_point() or t.is_complex():
        return t
    from ..._dtype import get_default_dtype
    return t.to(get_default_dtype())


def _dim(dim, nd, name):
    if nd == 0:
        raise IndexError(f"{name}: Dimension out of range (expected to be in range of [-1, 0], but got {dim})")
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return dim % nd


def _pieces(y, x, dx, dim, name):
    """The trapezoid areas along ``dim`` (one fewer than the samples)."""
    Tensor = _tensor.Tensor
    y = _as_float(y)
    dim = _dim(dim, y.dim(), name)
    n = y.shape[dim]
    if n == 0:
        return None, y, dim
    mean = (y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) * 0.5
    if x is None:
        return mean * dx, y, dim
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'x' must be Tensor, not {type(x).__name__}")
    x = _as_float(x)
    if x.dim() == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        d = x[1:] - x[:-1]
        d = d.reshape((n - 1,) + (1,) * (y.dim() - 1 - dim))
    else:
        xd = _dim(dim - y.dim(), x.dim(), name)
        m = x.shape[xd]
        if m != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        d = x.narrow(xd, 1, m - 1) - x.narrow(xd, 0, m - 1)
    return mean * d, y, dim


def trapezoid(y, x=None, *, dx=None, dim=-1, axis=None):
    """The trapezoid rule along ``dim``: samples ``y`` at points ``x`` (1-d, or broadcasting
    with ``y``) or ``dx`` apart (default 1).

    >>> ember.trapezoid(ember.tensor([1., 2., 4.]))
    tensor(4.5000)
    >>> ember.trapezoid(ember.tensor([1., 2., 4.]), ember.tensor([0., 1., 3.]))
    tensor(7.5000)
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("trapezoid", dim, False, axis, None, -1)[0]
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments: x and dx")
    p, y, d = _pieces(y, x, 1 if dx is None and x is None else dx, dim, "trapezoid")
    if p is None:
        shape = tuple(s for i, s in enumerate(y.shape) if i != d)
        return y.new_zeros(shape)
    return p.sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of :func:`trapezoid`.

    >>> ember.trapz(ember.tensor([1., 2., 4.]), dx=2)
    tensor(9.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1, axis=None):
    """Running trapezoid-rule integrals along ``dim`` (one fewer value than samples).

    >>> ember.cumulative_trapezoid(ember.tensor([1., 2., 4.]))
    tensor([1.5000, 4.5000])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("cumulative_trapezoid", dim, False, axis, None, -1)[0]
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid() received an invalid combination of arguments: x and dx")
    p, y, d = _pieces(y, x, 1 if dx is None and x is None else dx, dim, "cumulative_trapezoid")
    if p is None:
        return y.clone()
    return p.cumsum(d)


# ------------------------------------------------------------------ gradient

def _coefficients(n, h, edge_order):
    """Weights of f[i-1], f[i], f[i+1] inside, and of the first/last three samples at the
    edges, for spacing ``h``: a number, or the coordinates as a 1-d tensor (then the weights
    are tensors, so the gradient also flows to the coordinates)."""
    if isinstance(h, _tensor.Tensor):
        d = h[1:] - h[:-1]
    else:
        d = np.full(n - 1, float(h))
    hl, hr = d[:-1], d[1:]
    inner = (-hr / (hl * (hl + hr)), (hr - hl) / (hl * hr), hl / (hr * (hl + hr)))
    if edge_order == 1:
        first = (-1.0 / d[0], 1.0 / d[0], None)
        last = (None, -1.0 / d[-1], 1.0 / d[-1])
    else:
        a1, a2 = d[0], d[1]
        first = (-(2 * a1 + a2) / (a1 * (a1 + a2)), (a1 + a2) / (a1 * a2), -a1 / (a2 * (a1 + a2)))
        b1, b2 = d[-2], d[-1]
        last = (b2 / (b1 * (b1 + b2)), -(b2 + b1) / (b1 * b2), (2 * b2 + b1) / (b2 * (b1 + b2)))
    return inner, first, last


def _gradient_along(f, dim, h, edge_order):
    n = f.shape[dim]
    inner, first, last = _coefficients(n, h, edge_order)
    dt = f._data.dtype
    shape = (-1,) + (1,) * (f.dim() - 1 - dim)

    def c(v):
        if isinstance(v, _tensor.Tensor):
            return v.reshape(shape)
        if np.ndim(v) == 0:
            return float(v)
        return _tensor._wrap(np.asarray(v, dtype=np.float64).astype(dt).reshape(shape))

    def combo(start, length, ws):
        terms = [f.narrow(dim, start + k, length) * c(w) for k, w in enumerate(ws) if w is not None]
        out = terms[0]
        for t in terms[1:]:
            out = out + t
        return out
    parts = [combo(0, 1, first)]
    if n > 2:
        parts.append(combo(0, n - 2, inner))
    parts.append(combo(n - 3, 1, last) if edge_order == 2 else combo(n - 2, 1, last[1:]))
    return cat(parts, dim)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Estimate the derivative of sampled ``input`` along each of ``dim`` (default every dim)
    by central differences inside and one-sided ones of ``edge_order`` (1 or 2) at the edges.
    ``spacing`` is a number, a list of numbers (one per dim), or a list of coordinate tensors.
    Returns a tuple, one tensor per dim.

    >>> ember.gradient(ember.tensor([1., 2., 4., 8.]))
    (tensor([1.0000, 1.5000, 3.0000, 4.0000]),)
    """
    Tensor = _tensor.Tensor
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    nd = input.dim()
    if dim is None:
        dims = list(builtins.range(nd))
    elif isinstance(dim, numbers.Integral):
        dims = [_dim(int(dim), nd, "gradient")]
    else:
        dims = [_dim(int(d), nd, "gradient") for d in dim]
    if spacing is None:
        spacing = 1
    if isinstance(spacing, (numbers.Number, Tensor)) and not (isinstance(spacing, Tensor) and spacing.dim()):
        sp = [spacing.item() if isinstance(spacing, Tensor) else spacing] * len(dims)
    else:
        sp = list(spacing)
        if len(sp) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing "
                               f"and dim arguments to have the same length, but got a spacing argument of "
                               f"length {len(sp)} and a dim argument of length {len(dims)}.")
    f = _as_float(input)
    out = []
    for d, h in zip(dims, sp):
        if f.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
        if isinstance(h, Tensor):
            if h.dim() == 0:
                h = h.item()
            else:
                if h.dim() != 1 or h.shape[0] != f.shape[d]:
                    raise RuntimeError(f"torch.gradient expected each tensor to be on the same device and "
                                       f"to have size {f.shape[d]} along dim {d}")
                h = h.to(f.dtype)
        out.append(_gradient_along(f, d, h, edge_order))
    return tuple(out)


def diff(input, n=1, dim=-1, prepend=None, append=None, *, axis=None):
    """The ``n``-th forward difference along ``dim`` (``prepend``/``append`` joined first); bool
    inputs give ``!=`` of neighbours.

    >>> ember.tensor([1, 4, 9, 16]).diff()
    tensor([3, 5, 7])
    """
    if axis is not None:  # NumPy's name (as PyTorch accepts)
        dim = numpy_names("diff", dim, False, axis, None, -1)[0]
    n = _int(n, "diff", "n")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = norm_dim(dim, len(shape))
    parts = []
    for name, t in (("prepend", prepend), ("append", append)):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {type(t).__name__}")
        if t._data.ndim != len(shape):
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i, (a, b) in enumerate(zip(shape, t._data.shape)):
            if i != dim and a != b:
                raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({i}) = {a}, but got "
                                   f"tensor.size({i}) = {b}")
    if n == 0:  # PyTorch returns a copy of the input alone here
        return input.clone()
    if prepend is not None or append is not None:
        parts = ([prepend] if prepend is not None else []) + [input] + ([append] if append is not None else [])
        input = cat(parts, dim)
    out = input
    for _ in range(n):
        m = out._data.shape[dim]
        if m == 0:
            break
        hi, lo = narrow(out, dim, 1, m - 1), narrow(out, dim, 0, m - 1)
        out = hi != lo if out._data.dtype == np.bool_ else hi - lo
    return out


TENSOR_METHODS = {"diff": diff}
