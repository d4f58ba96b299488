"""Parameterised samplers: ``normal`` (tensors and/or floats for mean and std), ``bernoulli``,
``multinomial`` and ``poisson``. A sample is not differentiable; when a parameter requires
grad the result is still in the graph with a zero gradient, as in PyTorch.

>>> ember.bernoulli(ember.tensor([0., 1.]))
tensor([0., 1.])
"""
from .._util import np, D, Tensor, _wrap
from ..._random import rng
from ..._creation import _size_arg, _finish
from ..._tensor import _check_device
from ..elementwise.arithmetic import _out
from ..._backend import raises_oom_as_runtime_error as _oom
from ..._errors import broadcast_error
from .draws import (_bernoulli_arr, _check_std, _float_dt, _g, _not_impl, _sampled, _std_normal, _T,
                    _work)
from . import torch_draws as _td

__all__ = ["normal", "bernoulli", "multinomial", "poisson"]


# ------------------------------------------------------------------ parameterised samplers
def _bshape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        err = broadcast_error(a, b)
        if err is not None:
            raise err from None
        raise


@_oom
def _z(generator, g, shape, wk):
    """Standard normals: PyTorch's draws for real dtypes (it fills N(0, 1), then scales)."""
    return _td.normal(generator, shape, wk) if wk.kind != "c" else _std_normal(g, shape, wk)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """Normal samples: ``normal(mean, std)`` with tensors and/or floats (broadcast), or
    ``normal(mean: float, std: float, size)``. Gradients w.r.t. mean/std are zero, as in PyTorch.

    >>> g = ember.Generator().manual_seed(0)
    >>> ember.normal(ember.zeros(2, 3), 1.0, generator=g).shape
    torch.Size([2, 3])
    >>> ember.normal(2.0, 3.0, size=(4,), generator=g).shape
    torch.Size([4])
    """
    g = rng(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), "
                            "but expected (float mean, float std, tuple of ints size)")
        _check_device(device)
        _check_std(std)
        shape = _size_arg((size,), "normal")
        dt = _float_dt(dtype)
        if dt._cat < 2:
            raise _not_impl("normal_kernel_cpu", dt.np)
        r = _td.normal(generator, shape, dt.np, mean, std)          # (torch: empty(size).normal_(mean, std))
        return _finish(_out(_wrap(r), out), requires_grad)
    if size is not None:
        raise TypeError("normal(): 'size' is only accepted when mean and std are floats")
    if mt and st:
        dt = D.promote_types(mean.dtype, std.dtype)
        shape = _bshape(mean._data.shape, std._data.shape)
        if dt._cat < 2:
            raise _not_impl("normal_kernel_cpu", dt.np)
        if std._data.size and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        wk = _work(dt.np)
        arr = (_z(generator, g, shape, wk) * std._data.astype(wk, copy=False)
               + mean._data.astype(wk, copy=False)).astype(dt.np, copy=False)
        return _out(_sampled("NormalBackward3", (mean, std), arr), out)
    t = mean if mt else std
    dt = t.dtype
    if dt._cat < 2:
        raise _not_impl("normal_kernel_cpu", dt.np)
    wk = _work(dt.np)
    z = _z(generator, g, t._data.shape, wk)
    if mt:
        _check_std(std)
        arr = z * wk.type(std) + mean._data.astype(wk, copy=False)
        name = "NormalBackward1"
    else:
        if std._data.size and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        arr = z * std._data.astype(wk, copy=False) + wk.type(mean)
        name = "NormalBackward2"
    return _out(_sampled(name, (t,), arr.astype(dt.np, copy=False)), out)


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws with probabilities ``input`` (or a fixed ``p``), in ``input``'s dtype.

    >>> ember.bernoulli(ember.tensor([0., 1., 1.]))
    tensor([0., 1., 1.])
    """
    g = rng(generator)
    d = input._data
    if p is not None:
        if isinstance(p, Tensor):
            return _out(bernoulli(p.expand(input.shape), generator=generator).to(input.dtype), out)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_g(p)}")
        return _out(_wrap(_bernoulli_arr(g, float(p), d.shape, d.dtype)), out)
    if input.dtype._cat < 2:
        raise _not_impl("bernoulli_tensor_cpu_p_", d.dtype)
    if d.size and not ((d >= 0) & (d <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    arr = _bernoulli_arr(g, d if d.dtype.kind == "f" and d.dtype in (np.float32, np.float64)
                         else d.astype(np.float32), d.shape, d.dtype)
    return _out(_sampled("BernoulliBackward0", (input,), arr), out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Sample category indices from each row of (unnormalised) probabilities ``input``.

    >>> ember.multinomial(ember.tensor([0., 0., 1.]), 2, replacement=True)
    tensor([2, 2])
    """
    d = input._data
    if input.dtype._cat != 2:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_T[input.dtype.name]}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if d.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    n_cat = d.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if n_cat > (1 << 24):
        raise RuntimeError("number of categories cannot exceed 2^24")
    p = d.reshape(-1, n_cat).astype(np.float64)
    rows = p.shape[0]
    if rows == 0:
        return _out(_wrap(np.zeros(d.shape[:-1] + (num_samples,), np.int64)), out)
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    tot = p.sum(-1, keepdims=True)
    if (tot <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if replacement:
        cdf = np.cumsum(p / tot, axis=-1)
        cdf[:, -1] = 1.0
        offs = np.arange(rows, dtype=np.float64)[:, None]
        u = _td.uniform(generator, (rows, num_samples), np.dtype(np.float64)) + offs    # (PyTorch's draws)
        idx = np.searchsorted((cdf + offs).ravel(), u.ravel(), side="right").reshape(rows, num_samples)
        idx = np.minimum(idx - np.arange(rows)[:, None] * n_cat, n_cat - 1)
        # a draw at a row's end lands on trailing zero-probability categories: step back
        last = (p > 0)[:, ::-1].argmax(-1)
        idx = np.minimum(idx, (n_cat - 1 - last)[:, None])
    else:  # exponential race, as PyTorch: the k largest p_i / E_i (E drawn in input's dtype)
        e = _td.exponential(generator, (rows, n_cat), d.dtype if d.dtype.kind == "f" else np.float32)
        with np.errstate(divide="ignore", invalid="ignore"):
            keys = d.reshape(rows, n_cat) / e
        idx = (np.argmax(keys, axis=-1)[:, None] if num_samples == 1
               else np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples])
    return _out(_wrap(idx.reshape(d.shape[:-1] + (num_samples,)).astype(np.int64)), out)


def poisson(input, generator=None):
    """Poisson draws with rates ``input`` (same dtype).

    >>> ember.poisson(ember.zeros(3))
    tensor([0., 0., 0.])
    """
    d = input._data
    if input.dtype._cat != 2:
        raise _not_impl("poisson_cpu", d.dtype)
    if d.size and (d < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    arr = rng(generator).poisson(d.astype(np.float64)).astype(d.dtype)
    return _sampled("PoissonBackward0", (input,), arr)


TENSOR_METHODS = {"bernoulli": bernoulli, "multinomial": multinomial}
