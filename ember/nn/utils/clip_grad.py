"""Gradient clipping and flattening, ``torch.nn.utils``.

>>> w = ember.nn.Parameter(ember.ones(4)); w.grad = ember.full((4,), 3.0)
>>> ember.nn.utils.clip_grad_norm_([w], max_norm=1.0)
tensor(6.)
>>> w.grad
tensor([0.5000, 0.5000, 0.5000, 0.5000])
"""
import math

from ..._backend import np
from ..._tensor import Tensor, _wrap

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_",
           "parameters_to_vector", "vector_to_parameters"]


def _params(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of all ``tensors`` together (as if concatenated).

    >>> ember.nn.utils.get_total_norm([ember.tensor([3.]), ember.tensor([4.])])
    tensor(5.)
    """
    ts = [t for t in _params(tensors) if t is not None]
    norm_type = float(norm_type)
    if not ts:
        return _wrap(np.zeros((), dtype=np.float32))
    dt = ts[0]._data.dtype
    if norm_type == math.inf:
        total = max(float(np.abs(t._data).max()) if t._data.size else 0.0 for t in ts)
    elif norm_type == -math.inf:
        total = min(float(np.abs(t._data).min()) for t in ts if t._data.size)
    else:
        per = [_norm(t._data, norm_type) for t in ts]
        total = float(np.linalg.norm(np.array(per), ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                           "so it cannot be clipped. To disable this error and scale the gradients by the "
                           "non-finite norm anyway, set `error_if_nonfinite=False`")
    return _wrap(np.asarray(total, dtype=dt))


def _norm(a, p):
    """The p-norm of all entries of array ``a``: the 2-norm of a float32/float64 array as one
    BLAS dot in its own dtype (no float64 copy), else in float64."""
    if p == 2.0 and a.dtype.kind == "f" and a.dtype.itemsize >= 4:
        r = a.ravel()
        with np.errstate(over="ignore"):
            sq = float(np.dot(r, r))
        if sq != math.inf:  # (an overflow in float32 is redone in float64 below)
            return math.sqrt(sq)
    return np.linalg.norm(a.ravel().astype(np.float64), ord=p)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale gradients by ``max_norm / (total_norm + 1e-6)`` when that is below 1."""
    coef = min(float(max_norm) / (float(total_norm) + 1e-6), 1.0)
    for p in _params(parameters):
        if p.grad is not None:
            g = p.grad._data
            g *= g.dtype.type(coef)
            p.grad._bump()


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients in place so their total norm is at most ``max_norm``; returns
    the total norm before clipping."""
    params = [p for p in _params(parameters) if p.grad is not None]
    total = get_total_norm([p.grad for p in params], norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of :func:`clip_grad_norm_`.

    >>> ember.nn.utils.clip_grad_norm([], 1.0)
    tensor(0.)
    """
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into ``[-clip_value, clip_value]`` in place.

    >>> w = ember.nn.Parameter(ember.ones(2)); w.grad = ember.tensor([-3., 0.5])
    >>> ember.nn.utils.clip_grad_value_([w], 1.0); w.grad
    tensor([-1.0000,  0.5000])
    """
    c = float(clip_value)
    for p in _params(parameters):
        if p.grad is not None:
            np.clip(p.grad._data, -c, c, out=p.grad._data)
            p.grad._bump()


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one vector.

    >>> ember.nn.utils.parameters_to_vector(ember.nn.Linear(2, 1).parameters()).shape
    torch.Size([3])
    """
    from ... import ops
    return ops.public["cat"]([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of ``vec`` into the parameters (in place).

    >>> lin = ember.nn.Linear(2, 1); ember.nn.utils.vector_to_parameters(ember.zeros(3), lin.parameters())
    >>> lin.bias
    Parameter containing:
    tensor([0.], requires_grad=True)
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    i = 0
    for p in parameters:
        n = p.numel()
        p._data[...] = vec._data[i:i + n].reshape(p._data.shape)
        p._bump()
        i += n
