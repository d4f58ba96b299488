"""CTC loss of ``ember.nn.functional`` (the recursions live in ``ember.ops.nn.ctc``).

>>> import ember.nn.functional as F
>>> lp = ember.full((2, 1, 2), 0.5).log()
>>> F.ctc_loss(lp, ember.tensor([[1]]), [2], [1], reduction="sum")
tensor(0.2877)
"""
from .._backend import np
from .._tensor import Tensor, _wrap
from ..ops.nn.ctc import ctc_nll
from .functional_loss import _reduce

__all__ = ["ctc_loss"]


def _lengths(v, name):
    if isinstance(v, Tensor):
        a = v._data
        if a.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        return a.reshape(-1).astype(np.int64)
    if isinstance(v, (list, tuple)):
        return np.asarray([int(x) for x in v], dtype=np.int64).reshape(-1)
    raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not {type(v).__name__}")


def _padded_targets(targets, target_lengths, N):
    t = targets._data
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"ctc_loss: targets must be an integer tensor (Long or Int), got {targets.dtype}")
    t = t.astype(np.int64)
    Lmax = int(target_lengths.max()) if target_lengths.size else 0
    if t.ndim == 2:
        if t.shape[1] < Lmax:
            raise RuntimeError(f"Expected tensor to have size at least {Lmax} at dimension 1, but got size "
                               f"{t.shape[1]} for argument #2 'targets' (while checking arguments for "
                               "ctc_loss_allocate_outputs)")
        return t[:, :Lmax]
    total = int(target_lengths.sum())
    if t.shape[0] != total:
        raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {t.shape[0]} for "
                           "argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)")
    out = np.zeros((N, Lmax), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(target_lengths)[:-1]))
    for n in range(N):
        out[n, :target_lengths[n]] = t[starts[n]:starts[n] + target_lengths[n]]
    return out


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """CTC loss of ``log_probs`` (T, N, C) or (T, C) against ``targets``: padded (N, S) or the
    1-D concatenation of all targets. 'mean' divides each loss by its target length first.

    >>> lp = ember.randn(6, 2, 4).log_softmax(2)
    >>> F.ctc_loss(lp, ember.tensor([[1, 2], [3, 0]]), (6, 5), (2, 1), reduction="none").shape
    torch.Size([2])
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.dim() != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for "
                           "argument #1 'log_probs' (while checking arguments for ctc_loss_allocate_outputs)")
    T, N, C = lp.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if il.shape[0] != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.shape[0] != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    for arr, name, top in ((il, "input_lengths", T), (tl, "target_lengths", None)):
        if arr.size and arr.min() < 0:
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value {int(arr.min())} "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
        if top is not None and arr.size and arr.max() > top:
            raise RuntimeError(f"Expected {name} to have value at most {top}, but got value {int(arr.max())} "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
    padded = _padded_targets(targets, tl, N)
    loss = ctc_nll(lp, padded, il, tl, blank, zero_infinity)
    if reduction == "mean":
        loss = (loss / _wrap(np.maximum(tl, 1).astype(loss._data.dtype))).mean()
    elif reduction == "sum":
        loss = loss.sum()
    elif unbatched:
        loss = loss.reshape(())
    return loss
