"""Functions of paired rows for ``ember.nn.functional``: distances (``pairwise_distance``, and
``pdist`` over all pairs of rows), ``cosine_similarity``, and the bilinear form ``bilinear``.

>>> import ember.nn.functional as F
>>> F.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))
tensor([5.0000])
"""
from .._autocast_state import on as _ac_on
from .._backend import np
from .._tensor import _wrap
from .. import ops as _ops
from ..ops.elementwise.operands import _tn

_public = _ops.public


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``x1 . x2 / max(||x1|| ||x2||, eps)`` along ``dim`` (broadcasting).

    >>> F.cosine_similarity(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    if not (x1.is_floating_point() or x2.is_floating_point()):
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{_tn(np.promote_types(x1._data.dtype, x2._data.dtype))}")
    dot = (x1 * x2).sum(dim)
    n1 = (x1 * x1).sum(dim)
    n2 = (x2 * x2).sum(dim)
    return dot / (n1 * n2).clamp_min(eps * eps).sqrt()


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dim.

    >>> F.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))
    tensor([5.0000])
    """
    return (x1 - x2 + eps).norm(p, -1, keepdim=keepdim)


def pdist(input, p=2):
    """Distances between all row pairs of a 2-D input (upper triangle, row-major).

    >>> F.pdist(ember.tensor([[0., 0.], [3., 4.], [6., 8.]]))
    tensor([ 5., 10.,  5.])
    """
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    return (input[_wrap(i)] - input[_wrap(j)]).norm(p, -1)



def bilinear(input1, input2, weight, bias=None):
    """``y_k = x1^T W_k x2 + b_k``.

    >>> F.bilinear(ember.ones(1, 2), ember.ones(1, 3), ember.ones(4, 2, 3)).shape
    torch.Size([1, 4])
    """
    y = _public["einsum"]("...i,kij,...j->...k", input1, weight, input2)
    if _ac_on[0]:  # PyTorch: products autocast inside, the result in the inputs' dtype
        y = y.to(input1.dtype)
    return y if bias is None else y + bias
