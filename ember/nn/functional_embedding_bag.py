"""``F.embedding_bag``: sums, means or maxima of bags of embedding rows, without forming the
per-index embeddings' bag structure in Python: one gather, then one ``index_add`` (sum/mean) or
one gather of each bag's winning rows (max). Composed from differentiable ops, so the weight
and ``per_sample_weights`` get gradients (and double gradients) for free.

>>> import ember.nn.functional as F
>>> w = ember.arange(8.).reshape(4, 2)
>>> F.embedding_bag(ember.tensor([0, 1, 3]), w, ember.tensor([0, 2]), mode="sum")
tensor([[2., 4.],
        [6., 7.]])
"""
from .._backend import np
from .._tensor import _wrap, Tensor
from .functional_embedding import embedding

__all__ = ["embedding_bag"]


def _check_indices(t, what):
    if t._data.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #{what} to have one of the following scalar types: "
                           f"Long, Int; but got {t.type()} instead (while checking arguments for embedding_bag)")


def _bags(input, offsets, per_sample_weights, include_last_offset):
    """(flat indices, flat per-sample weights or None, start of each bag, number of bags)."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences. However, found offsets of type "
                             + ("<class 'torch.Tensor'>" if isinstance(offsets, Tensor) else str(type(offsets))))
        B, L = input.shape
        starts = np.arange(B, dtype=np.int64) * L
        flat = input.reshape(-1)
        psw = per_sample_weights.reshape(-1) if per_sample_weights is not None else None
        return flat, psw, starts, B
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    _check_indices(offsets, "2 'offsets'")
    o = offsets._data.astype(np.int64)
    M = input.shape[0]
    if o.size and o[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(o[0])}")
    if o.size and o[-1] > M:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {M} but got offsets[-1] of "
                           f"{int(o[-1])}")
    if o.size > 1 and (np.diff(o) < 0).any():
        raise RuntimeError("offsets must be monotonically non-decreasing")
    if include_last_offset:
        if o.size == 0:
            raise RuntimeError("include_last_offset: number of offsets should be at least 1")
        end = int(o[-1])
        return input[:end], None if per_sample_weights is None else per_sample_weights[:end], o[:-1], o.size - 1
    return input, per_sample_weights, o, o.size


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Reduce bags of embedding rows with 'sum', 'mean' or 'max'. Bags are the rows of a 2-D
    ``input``, or the runs of a 1-D ``input`` starting at each of ``offsets``; indices equal to
    ``padding_idx`` are left out; ``per_sample_weights`` scale the rows ('sum' only).

    >>> F.embedding_bag(ember.tensor([[0, 1], [2, 3]]), ember.arange(8.).reshape(4, 2), mode="max")
    tensor([[2., 3.],
            [6., 7.]])
    """
    _check_indices(input, "1 'indices'")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None:
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                             f"must have the same shape as the input ({input.shape})")
        if mode != "sum":
            raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                      "on GitHub.")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    n, D = weight.shape
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-n} through {n - 1}, but got "
                               f"{padding_idx}")
        padding_idx %= n
    flat, psw, starts, B = _bags(input, offsets, per_sample_weights, include_last_offset)
    idx = flat._data.astype(np.int64)
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        k = int(np.argmax(bad))
        raise RuntimeError(f"Index {k} of input takes value {int(idx[k])} which is not in the valid range [0, {n})")
    bag = np.searchsorted(starts, np.arange(idx.size), side="right") - 1     # bag of each index
    keep = bag >= 0
    if padding_idx is not None:
        keep &= idx != padding_idx
    if not keep.all():
        idx, bag = idx[keep], bag[keep]
        if psw is not None:
            psw = psw[_wrap(np.nonzero(keep)[0])]
    counts = np.bincount(bag, minlength=B)
    if max_norm is not None:                                  # renormalise the rows used, in place
        embedding(_wrap(np.unique(idx)), weight, None, max_norm, norm_type)
    if mode == "max":
        if idx.size == 0:
            return weight.new_zeros((B, D))
        w = weight._data
        rows = w[idx]                                          # (M, D)
        nonempty = counts > 0
        seg = np.concatenate(([0], np.cumsum(counts)[:-1]))[nonempty]
        top = np.maximum.reduceat(rows, seg, axis=0)
        bagpos = np.cumsum(nonempty) - 1                       # bag -> row of ``top``
        first = np.where(rows == top[bagpos[bag]], np.arange(idx.size)[:, None], idx.size)
        win = np.zeros((B, D), dtype=np.int64)
        win[nonempty] = idx[np.minimum.reduceat(first, seg, axis=0)]
        out = weight[_wrap(win), _wrap(np.arange(D))]
        if not nonempty.all():
            out = out * _wrap(nonempty[:, None].astype(w.dtype))
        return out
    rows = embedding(_wrap(idx), weight, None, None, norm_type, scale_grad_by_freq)
    if psw is not None:
        rows = rows * psw.unsqueeze(1)
    out = weight.new_zeros((B, D)).index_add(0, _wrap(bag), rows)
    if mode == "mean":
        out = out / _wrap(np.maximum(counts, 1).astype(weight._data.dtype)[:, None])
    return out
