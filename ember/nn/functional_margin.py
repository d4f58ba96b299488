"""Multi-class margin losses of ``ember.nn.functional``: multi-margin (hinge over classes),
multi-label margin, and the triplet loss with a user-supplied distance.

Each is composed from differentiable ops, so gradients (and double gradients) come free.

>>> import ember.nn.functional as F
>>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
tensor(0.3250)
"""
from .._backend import np
from .._tensor import _wrap
from .. import ops as _ops
from ..ops.nn.softmax_cross_entropy import _legacy_reduction
from .functional_loss import _reduce

__all__ = ["multi_margin_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss"]


def _check_long(target):
    if target._data.dtype != np.int64:
        found = target.type().replace("torch.", "").replace("Tensor", "")
        raise RuntimeError(f"expected scalar type Long but found {found}")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss: ``sum_{i != y} w[y] * max(0, margin - x[y] + x[i])**p / C``.

    >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]), p=2)
    tensor(0.1525)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x, t = input._data, target._data
    if x.ndim > 2 or (x.ndim == 2 and x.shape[1] == 0) or (x.ndim < 2 and x.size == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(x.shape)}")
    C = x.shape[-1] if x.ndim else 1
    N = x.shape[0] if x.ndim == 2 else 1
    if not (t.ndim <= 1 and t.size == N):
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of "
                           f"input samples (batch size). Expected target size [{N}], but got {list(t.shape)}. "
                           f"Input has shape {list(x.shape)}.")
    _check_long(target)
    if t.size and (t.min() < 0 or t.max() >= C):
        raise RuntimeError("target out of range")
    if weight is not None and weight.shape[0] != C:
        raise RuntimeError(f"inconsistent weight size, expected {C} but got {list(weight.shape)}")
    x2 = input.reshape(N, C)
    tt = t.reshape(N, 1)
    xy = x2.gather(1, _wrap(tt))
    z = (x2 - xy + margin).clamp_min(0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[_wrap(tt)]
    others = np.arange(C)[None, :] != tt
    loss = (z * _wrap(others.astype(x.dtype))).sum(1) / C
    if x.ndim < 2 and reduction == "none":
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss; each row of ``target`` lists class indices, ended by the first -1:
    ``sum_{j in labels} sum_{i not in labels} max(0, 1 - (x[j] - x[i])) / C``.

    >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x, t = input._data, target._data
    if x.ndim > 2 or (x.ndim == 2 and x.shape[1] == 0) or (x.ndim < 2 and x.size == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(x.shape)}")
    C = x.shape[-1] if x.ndim else 1
    N = x.shape[0] if x.ndim == 2 else 1
    if t.shape != x.shape:
        raise RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: {list(x.shape)}")
    _check_long(target)
    t2 = t.reshape(N, C)
    # a label counts until the first -1 of its row
    valid = np.cumprod(t2 >= 0, axis=1).astype(bool)
    if (valid & (t2 >= C)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    labels = np.where(valid, t2, 0)
    is_target = np.zeros((N, C), dtype=bool)
    rows = np.broadcast_to(np.arange(N)[:, None], (N, C))
    is_target[rows[valid], labels[valid]] = True
    x2 = input.reshape(N, C)
    xj = x2.gather(1, _wrap(labels))                                  # (N, C): x at each listed label
    pair = (1 - xj.unsqueeze(2) + x2.unsqueeze(1)).clamp_min(0)       # (N, j, i)
    mask = (valid[:, :, None] & ~is_target[:, None, :]).astype(x.dtype)
    loss = (pair * _wrap(mask)).sum((1, 2)) / C
    if x.ndim < 2 and reduction == "none":
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with any distance (default: pairwise L2 distance).

    >>> a, p, n = ember.zeros(2, 3), ember.zeros(2, 3), ember.ones(2, 3)
    >>> F.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda u, v: (u - v).abs().sum(-1))
    tensor(0.)
    """
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == p == n:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")
    if distance_function is None:
        from .functional_pairwise import pairwise_distance as distance_function
    d_pos = distance_function(anchor, positive)
    d_neg = distance_function(anchor, negative)
    if swap:
        d_neg = _ops.public["minimum"](d_neg, distance_function(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)
