"""Statistics of variables and slices, built from differentiable ops: ``cov`` (with frequency
and importance weights), ``corrcoef`` and ``renorm``/``renorm_``.

>>> ember.cov(ember.tensor([[0., 1., 2.], [2., 1., 0.]]))
tensor([[ 1., -1.],
        [-1.,  1.]])
"""
import warnings

from .._util import np, D, Tensor, _wrap, norm_dim
from .._util import _TORCH_NAMES
from ..inplace.history import inplace_op
from . import moments as _R

__all__ = ["cov", "corrcoef", "renorm"]


def _tn(t):
    return _TORCH_NAMES[D.NP2DT[t._data.dtype].name]


def _check_2d(input, name):
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"{name}(): expected input to have two or fewer dimensions but got an input with {n} "
                           "dimensions")


def _check_weights(w, name, num_obs, integral):
    if w._data.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                           f"{w._data.ndim} dimensions")
    kind = w._data.dtype.kind
    if integral and kind not in "iu":
        raise RuntimeError(f"cov(): expected {name} to have integral dtype but got {name} with {_tn(w)} dtype")
    if not integral and kind not in "fV":
        raise RuntimeError(f"cov(): expected {name} to have floating point dtype but got {name} with {_tn(w)} dtype")
    if w._data.size != num_obs:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {w._data.size} != {num_obs}")
    if w._data.size and (w._data < 0).any():
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance matrix of the variables in the rows of ``input`` (observations in columns);
    ``fweights`` (integer counts) and ``aweights`` (importance) weight the observations, and
    ``correction`` is subtracted from the (weighted) count (1: Bessel's correction).

    >>> ember.cov(ember.tensor([1., 2., 4.]), correction=0)
    tensor(1.5556)
    """
    _check_2d(input, "cov")
    if isinstance(correction, bool) or not isinstance(correction, (int, np.integer)):
        raise TypeError(f"cov(): argument 'correction' must be int, not {type(correction).__name__}")
    if input._data.dtype == np.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input if input._data.ndim == 2 else input.reshape(1, -1)
    num_obs = x._data.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, "fweights", num_obs, True)
        w = fweights
    if aweights is not None:
        _check_weights(aweights, "aweights", num_obs, False)
        w = aweights if w is None else w * aweights
    with np.errstate(divide="ignore", invalid="ignore"):  # no observations or no degrees of freedom: NaN
        return _cov(x, num_obs, correction, w, aweights)


def _cov(x, num_obs, correction, w, aweights):
    if w is None:
        avg = x.sum(1) / num_obs
        n_f = num_obs - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction == 0:
            n_f = w_sum
        elif aweights is None:
            n_f = w_sum - correction
        else:
            n_f = w_sum - correction * (w * aweights).sum() / w_sum
    if float(n_f) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=3)
        n_f = n_f * 0 if isinstance(n_f, Tensor) else 0
    xc = x - avg.unsqueeze(1)
    c = xc.mm((xc if w is None else xc * w).t())
    return (c / n_f).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in the rows of ``input``, clipped to
    [-1, 1].

    >>> ember.corrcoef(ember.tensor([[1., 2., 3.], [3., 2., 1.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    _check_2d(input, "corrcoef")
    c = cov(input)
    with np.errstate(divide="ignore", invalid="ignore"):  # constant variables give NaN, as PyTorch
        if c._data.ndim == 0:
            return c / c
        sd = c.diagonal().sqrt()
        c = c / sd.unsqueeze(1)
        c = c / sd.unsqueeze(0)
    return c.clamp(-1, 1)


def _renorm_args(input, p, dim, maxnorm):
    p, maxnorm = float(p), float(maxnorm)
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_num(maxnorm)}")
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {n} dimensions")
    if input._data.dtype.kind not in "fcV":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_tn(input)}")
    return p, norm_dim(dim, n), maxnorm


def _num(v):
    return int(v) if float(v).is_integer() else v


def renorm(input, p, dim, maxnorm):
    """Each slice of ``input`` along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm`` (the others kept).

    >>> ember.tensor([[3., 4.], [0.3, 0.4]]).renorm(2, 0, 1)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    p, dim, maxnorm = _renorm_args(input, p, dim, maxnorm)
    d = input._data
    dims = tuple(i for i in range(d.ndim) if i != dim)
    nrm = _R.norm(input, p, dims, keepdim=True)
    over = nrm._data > maxnorm
    one = _wrap(np.ones((), d.dtype))
    factor = (maxnorm / (nrm + 1e-7)).where(_wrap(over), one)
    return input * factor


def renorm_(self, p, dim, maxnorm):
    """In-place :func:`renorm`; returns ``self``.

    >>> ember.tensor([[6., 8.]]).renorm_(2, 0, 5)
    tensor([[3., 4.]])
    """
    _renorm_args(self, p, dim, maxnorm)
    return inplace_op(self, lambda s: renorm(s, p, dim, maxnorm))


TENSOR_METHODS = {"cov": cov, "corrcoef": corrcoef, "renorm": renorm, "renorm_": renorm_}
