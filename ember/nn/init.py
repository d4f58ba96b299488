"""Parameter initialisation, ``torch.nn.init``: each function fills a tensor in place
(outside the graph) and returns it.

>>> w = ember.empty(3, 5)
>>> _ = ember.nn.init.xavier_uniform_(w)
>>> bool(w.abs().max() <= (6 / 8) ** 0.5)
True
"""
import math
import warnings

from .._backend import np
from .._random import rng
from ..ops.random import torch_draws as _td
from .._tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
           "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_"]


def _fill(tensor, values):
    if tensor._meta:  # a meta placeholder holds no values (and draws no random numbers)
        return tensor
    d = tensor._data
    d[...] = values.astype(d.dtype, copy=False) if hasattr(values, "astype") else values
    tensor._bump()
    return tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity.

    >>> ember.nn.init.calculate_gain("relu")
    1.4142135623730951
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _need_float(tensor, kernel):
    """PyTorch's NotImplementedError for random fills of integer (and bool) tensors."""
    if tensor._data.dtype.kind in "biu":
        from ..ops.elementwise.operands import _not_impl
        _not_impl(kernel, tensor._data.dtype)


def _draw(shape, dtype, fn, generator):
    g = rng(generator)
    kind = np.float32 if dtype == np.float32 else np.float64
    return fn(g, shape, kind)


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b).

    >>> bool((ember.nn.init.uniform_(ember.empty(100), -1, 1).abs() <= 1).all())
    True
    """
    if tensor._meta:
        return tensor
    _need_float(tensor, "check_uniform_bounds")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
    d = tensor._data
    if d.dtype.kind == "f" or d.dtype.kind == "V":      # PyTorch's draws: tensor.uniform_(a, b)
        return _fill(tensor, _td.uniform(generator, d.shape, d.dtype, a, b))
    v = _draw(d.shape, d.dtype, lambda g, s, k: g.random(s, dtype=k), generator)
    return _fill(tensor, v * (b - a) + a)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std^2).

    >>> ember.nn.init.normal_(ember.empty(2, 3)).shape
    torch.Size([2, 3])
    """
    if tensor._meta:
        return tensor
    _need_float(tensor, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    d = tensor._data
    if d.dtype.kind == "f" or d.dtype.kind == "V":      # PyTorch's draws: tensor.normal_(mean, std)
        return _fill(tensor, _td.normal(generator, d.shape, d.dtype, mean, std, d.flags.c_contiguous))
    v = _draw(d.shape, d.dtype, lambda g, s, k: g.standard_normal(s, dtype=k), generator)
    return _fill(tensor, v * std + mean)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std^2) truncated to [a, b] (by resampling out-of-range draws).

    >>> bool((ember.nn.init.trunc_normal_(ember.empty(1000), std=1.0, a=-0.5, b=0.5).abs() <= 0.5).all())
    True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        import warnings
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may "
                      "be incorrect.", stacklevel=2)
    if tensor._meta:
        return tensor
    _need_float(tensor, "normal_kernel_cpu")
    d = tensor._data
    g = rng(generator)
    out = g.standard_normal(d.shape) * std + mean
    bad = (out < a) | (out > b)
    while bad.any():
        out[bad] = g.standard_normal(int(bad.sum())) * std + mean
        bad = (out < a) | (out > b)
    return _fill(tensor, out)


def constant_(tensor, val):
    """Fill with ``val``.

    >>> ember.nn.init.constant_(ember.empty(2), 0.5)
    tensor([0.5000, 0.5000])
    """
    return _fill(tensor, np.asarray(val))


def ones_(tensor):
    """Fill with ones.

    >>> ember.nn.init.ones_(ember.empty(2))
    tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fill with zeros.

    >>> ember.nn.init.zeros_(ember.empty(2))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def eye_(tensor):
    """Fill a 2-D tensor with the identity.

    >>> ember.nn.init.eye_(ember.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Fill a {3,4,5}-D conv weight with the Dirac delta (identity convolution).

    >>> ember.nn.init.dirac_(ember.empty(2, 2, 3))[:, :, 1]
    tensor([[1., 0.],
            [0., 1.]])
    """
    d = tensor.dim()
    if d not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per = sizes[0] // groups
    min_dim = min(out_per, sizes[1])
    v = np.zeros(sizes)
    centre = tuple(s // 2 for s in sizes[2:])
    for g in range(groups):
        for i in range(min_dim):
            v[(g * out_per + i, i) + centre] = 1
    return _fill(tensor, v)


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    rf = 1
    for s in tensor.shape[2:]:
        rf *= s
    return tensor.shape[1] * rf, tensor.shape[0] * rf


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> ember.nn.init.xavier_uniform_(ember.empty(3, 4)).shape
    torch.Size([3, 4])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> ember.nn.init.xavier_normal_(ember.empty(3, 4)).shape
    torch.Size([3, 4])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan).

    >>> bool(ember.nn.init.kaiming_uniform_(ember.empty(4, 9)).abs().max() <= 1.0)
    True
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std^2) with std = gain / sqrt(fan).

    >>> ember.nn.init.kaiming_normal_(ember.empty(4, 9), mode="fan_out").shape
    torch.Size([4, 9])
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix, via QR of a Gaussian matrix.

    >>> w = ember.nn.init.orthogonal_(ember.empty(3, 3)); bool(((w @ w.T) - ember.eye(3)).abs().max() < 1e-5)
    True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    _need_float(tensor, "normal_kernel_cpu")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor so that a ``sparsity`` fraction of each column is zero.

    >>> int((ember.nn.init.sparse_(ember.empty(10, 3), 0.5) == 0).sum())
    15
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    _need_float(tensor, "normal_kernel_cpu")
    rows, cols = tensor.shape
    g = rng(generator)
    v = g.standard_normal((rows, cols)) * std
    nz = int(math.ceil(sparsity * rows))
    for c in range(cols):
        v[g.permutation(rows)[:nz], c] = 0
    return _fill(tensor, v)


# deprecated non-underscore aliases PyTorch still ships
def _deprecated_alias(fn):
    """``fn`` under its old name without the trailing underscore, warning on each call as PyTorch does."""
    old = fn.__name__[:-1]

    def alias(*args, **kwargs):
        warnings.warn(f"`nn.init.{old}` is now deprecated in favor of `nn.init.{fn.__name__}`.",
                      FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__doc__ = (f"Deprecated: use ``{fn.__name__}``.\n\n"
                     f"    >>> import warnings; warnings.simplefilter('ignore', FutureWarning)\n"
                     f"    >>> callable(ember.nn.init.{old})\n    True\n    ")
    return alias


uniform, normal, constant = map(_deprecated_alias, (uniform_, normal_, constant_))
xavier_uniform, xavier_normal = map(_deprecated_alias, (xavier_uniform_, xavier_normal_))
kaiming_uniform, kaiming_normal = map(_deprecated_alias, (kaiming_uniform_, kaiming_normal_))
orthogonal, sparse, dirac, eye = map(_deprecated_alias, (orthogonal_, sparse_, dirac_, eye_))
