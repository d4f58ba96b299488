"""``linear_cross_entropy``: ``cross_entropy(linear(input, linear_weight) + linear_bias, target)``,
with PyTorch 2.13's argument checks; a ``linear_weight`` of shape (C, d_1, ..., d_K, in_features)
gives the K-dimensional loss over logits (N, C, d_1, ..., d_K).

>>> import ember.nn.functional as F
>>> F.linear_cross_entropy(ember.ones(2, 3), ember.zeros(4, 3), ember.tensor([0, 3]))
tensor(1.3863)
"""
from ..ops.nn import softmax_cross_entropy as _nn
from ..ops.nn.linear import linear as _linear

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """Cross-entropy of the logits ``input @ linear_weight^T (+ linear_bias)`` against
    ``target`` (class indices, or probabilities shaped like the logits). ``ignore_index=None``
    means -100 for class indices. ``options`` (a ``LinearCrossEntropyOptions``) only picks
    PyTorch's memory-saving chunked kernel; ember computes the same value directly.

    >>> F.linear_cross_entropy(ember.eye(2), ember.eye(2) * 10, ember.tensor([0, 1]), reduction="sum") < 1e-3
    tensor(True)
    """
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    batch = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, "
                           f"got {tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} "
                           f"requires batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batch, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    w2 = linear_weight.reshape(-1, in_features)
    b2 = linear_bias.reshape(-1) if linear_bias is not None else None
    logits = _linear(input, w2, b2).reshape(logits_shape)
    return _nn.cross_entropy(logits, target, weight, None, ignore_index, None, reduction, label_smoothing)
