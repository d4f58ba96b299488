"""Helpers shared by the distributions (as ``torch.distributions.utils``): broadcasting the
parameters, the probs/logits conversions, a cached ``lazy_property`` and the dtype limits.

>>> from ember.distributions.utils import broadcast_all, probs_to_logits
>>> a, b = broadcast_all(ember.zeros(2), 1.0)
>>> b
tensor([1., 1.])
>>> probs_to_logits(ember.tensor([0.5]), is_binary=True)
tensor([0.])
"""
from numbers import Number

from .._backend import np
from .. import _dtype as D
from . import _ember_api as ember  # not the package, which imports this one

__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs", "lazy_property",
           "tril_matrix_to_vec", "vec_to_tril_matrix", "euler_constant"]

euler_constant = 0.57721566490153286060


def finfo(dtype):
    """NumPy's limits (``eps``, ``tiny``, ``max``) of a floating ember dtype.

    >>> float(ember.distributions.utils.finfo(ember.float32).eps) == 2 ** -23
    True
    """
    return np.finfo(D.to_dtype(dtype).np)


def _fmt(value):
    """A value as PyTorch's f-strings print it: a 0-d tensor as its number, else ``str``.

    >>> ember.distributions.utils._fmt(ember.tensor(2.)), ember.distributions.utils._fmt(ember.ones(1))
    ('2.0', 'tensor([1.])')
    """
    if isinstance(value, ember.Tensor) and value.dim() == 0:
        return str(value.item())
    return str(value)


def broadcast_all(*values):
    """Broadcast tensors and numbers to one shape; numbers take the tensors' dtype.

    >>> [v.shape for v in ember.distributions.utils.broadcast_all(ember.zeros(2, 1), ember.zeros(3), 2)]
    [torch.Size([2, 3]), torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if not all(isinstance(v, (ember.Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or "
                         "objects implementing __torch_function__.")
    if not all(isinstance(v, ember.Tensor) for v in values):
        like = next((v for v in values if isinstance(v, ember.Tensor)), None)
        dt = like.dtype if like is not None else ember.get_default_dtype()
        values = [v if isinstance(v, ember.Tensor) else ember.tensor(v, dtype=dt) for v in values]
    return ember.broadcast_tensors(*values)


def _sum_rightmost(value, dim):
    """Sum the rightmost ``dim`` dimensions of ``value``.

    >>> ember.distributions.utils._sum_rightmost(ember.ones(2, 3), 1)
    tensor([3., 3.])
    """
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid when ``is_binary``, else softmax over the last dim.

    >>> ember.distributions.utils.logits_to_probs(ember.tensor([0., 0.]))
    tensor([0.5000, 0.5000])
    """
    if is_binary:
        return ember.sigmoid(logits)
    return ember.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Clamp probabilities into ``[eps, 1 - eps]`` of their dtype.

    >>> ember.distributions.utils.clamp_probs(ember.tensor([0., 1.]))[0] > 0
    tensor(True)
    """
    eps = float(finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (log-odds when ``is_binary``, else the clamped log).

    >>> ember.distributions.utils.probs_to_logits(ember.tensor([0.25, 0.75]))
    tensor([-1.3863, -0.2877])
    """
    ps = clamp_probs(probs)
    if is_binary:
        return ember.log(ps) - ember.log1p(-ps)
    return ember.log(ps)


class lazy_property:
    """A property computed on first access and cached on the instance.

    >>> class A:
    ...     @ember.distributions.utils.lazy_property
    ...     def x(self):
    ...         return 3
    >>> A().x
    3
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """What a lazy_property looks like on the class: also a ``property`` (for introspection)."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    """The lower triangle (to diagonal offset ``diag``) of the last two dims as a vector.

    >>> ember.distributions.utils.tril_matrix_to_vec(ember.tensor([[1., 0.], [2., 3.]]))
    tensor([1., 2., 3.])
    """
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = np.tril_indices(n, diag)
    return mat[..., ember.tensor(rows), ember.tensor(cols)]


def vec_to_tril_matrix(vec, diag=0):
    """Inverse of :func:`tril_matrix_to_vec`: a lower-triangular matrix from its entries.

    >>> ember.distributions.utils.vec_to_tril_matrix(ember.tensor([1., 2., 3.]))
    tensor([[1., 0.],
            [2., 3.]])
    """
    m = vec.shape[-1]
    n = int(round((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2))
    eps = float(finfo(vec.dtype).eps)
    if not round(n * (n + 1) / 2 + n * diag) == m and not abs(n * (n + 1) / 2 + n * diag - m) < eps:
        raise ValueError(f"The size of last dimension is {m} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    rows, cols = np.tril_indices(n, diag)
    flat = ember.zeros(tuple(vec.shape[:-1]) + (n * n,), dtype=vec.dtype)
    idx = ember.tensor(rows * n + cols).expand(tuple(vec.shape[:-1]) + (m,))
    return flat.scatter(-1, idx, vec).reshape(tuple(vec.shape[:-1]) + (n, n))
