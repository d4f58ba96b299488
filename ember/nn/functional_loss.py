"""Loss functions of ``ember.nn.functional`` (cross-entropy and NLL are fused ops in
``ember.ops.nn.softmax_cross_entropy``; the rest compose differentiable ops).

>>> import ember.nn.functional as F
>>> F.mse_loss(ember.tensor([1., 2.]), ember.tensor([1., 4.]))
tensor(2.)
"""
from .. import _autocast_state as _ac
from .._autocast_state import on as _ac_on
import math
import warnings

from .._backend import np
from .._errors import broadcast_error
from .. import ops as _ops
from ..ops.elementwise.operands import _not_impl, _tn
from ..autograd.grad_mode import is_grad_enabled as _grad_on
from ..ops.nn.softmax_cross_entropy import _legacy_reduction
from ..ops.nn.bce_kernels import bce, bce_with_logits
from ..ops.nn.pointwise_loss import pointwise_loss

_where = _ops.public["where"]


def _reduce(loss, reduction, bad=" is not a valid value for reduction"):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction}{bad}")


def _is_int(t):
    return t._data.dtype.kind in "biu"


def _cast_error(out_dt):
    raise RuntimeError(f"result type Float can't be cast to the desired output type {_tn(out_dt)}")


def _weighted(loss, weight, input, reduction, by_weight):
    """PyTorch's element-weighted l1/mse/huber: 'mean' divides by the weights' sum (l1, mse) or
    by the element count (huber)."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum() if by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def _checked(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _expanded(weight, input):
    """A weight broadcast to the input's shape (PyTorch's error when it cannot be)."""
    if weight is None or tuple(weight.shape) == tuple(input.shape):
        return weight
    return weight.expand_as(input)


def _check_sizes(input, target, name):
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        raise broadcast_error(tuple(input.shape), tuple(target.shape)) from None


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error.

    >>> F.l1_loss(ember.tensor([1., 2.]), ember.tensor([2., 4.]))
    tensor(1.5000)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return l1_loss(input, target, size_average, reduce, reduction, weight)
    _check_sizes(input, target, "l1")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction, by_weight=True)
    return _reduce((input - target).abs(), reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error.

    >>> F.mse_loss(ember.tensor([0., 0.]), ember.tensor([1., 3.]), reduction="sum")
    tensor(10.)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return mse_loss(input, target, size_average, reduce, reduction, weight)
    _check_sizes(input, target, "mse")
    if _is_int(input) and _is_int(target):
        _not_impl("mse_cpu", input._data.dtype)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if weight is not None:
        d = input - target
        return _weighted(d * d, weight, input, reduction, by_weight=True)
    return pointwise_loss("mse", input, target, _checked(reduction))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """BCE on probabilities; each log is clamped at -100 as in PyTorch.

    >>> F.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([1.]))
    tensor(0.6931)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target, weight = _ac.fp32(input, target, weight)
        with _ac.suspended():
            return binary_cross_entropy(input, target, weight, size_average, reduce, reduction)
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    x = input._data
    if target._data.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {_tn(target._data.dtype)} but expected {_tn(x.dtype)}")
    if _is_int(input):
        _not_impl("binary_cross_entropy", x.dtype)
    if x.size and not (x.min() >= 0 and x.max() <= 1):   # (NaN fails too, as in PyTorch)
        raise RuntimeError("all elements of input should be between 0 and 1")
    return bce(input, target, _expanded(weight, input), _checked(_legacy_reduction(size_average, reduce, reduction)))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Sigmoid + BCE in one numerically stable expression (``pos_weight`` scales positives).

    >>> F.binary_cross_entropy_with_logits(ember.tensor([0.]), ember.tensor([1.]))
    tensor(0.6931)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target, weight, pos_weight = _ac.fp32(input, target, weight, pos_weight)
        with _ac.suspended():
            return binary_cross_entropy_with_logits(input, target, weight, size_average, reduce, reduction, pos_weight)
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if _is_int(input):
        _not_impl("log_sigmoid_cpu", input._data.dtype)
    if _is_int(target):
        _cast_error(target._data.dtype)
    if target._data.dtype != input._data.dtype:   # PyTorch computes in the target's dtype
        input = input.to(target.dtype)
    if pos_weight is not None:
        try:
            np.broadcast_shapes(tuple(pos_weight.shape), tuple(target.shape))
        except ValueError:
            raise broadcast_error(tuple(pos_weight.shape), tuple(target.shape)) from None
    return bce_with_logits(input, target, _expanded(weight, input), pos_weight,
                           _checked(_legacy_reduction(size_average, reduce, reduction)))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Quadratic within ``delta``, linear beyond.

    >>> F.huber_loss(ember.tensor([0., 0.]), ember.tensor([0.5, 3.]))
    tensor(1.3125)
    """
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return huber_loss(input, target, reduction, delta, weight)
    _check_sizes(input, target, "huber")
    if _is_int(input):
        if _is_int(target):
            _not_impl("huber_cpu", input._data.dtype)
        _cast_error(input._data.dtype)
    if target._data.dtype != input._data.dtype:   # PyTorch computes in the input's dtype
        target = target.to(input.dtype)
    if weight is not None:
        return _weighted(pointwise_loss("huber", input, target, "none", float(delta)), weight, input, reduction,
                         by_weight=False)
    return pointwise_loss("huber", input, target, _checked(reduction), float(delta))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Huber loss divided by ``beta`` (L1 when ``beta == 0``).

    >>> F.smooth_l1_loss(ember.tensor([0., 0.]), ember.tensor([0.5, 3.]))
    tensor(1.3125)
    """
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return smooth_l1_loss(input, target, size_average, reduce, reduction, beta)
    _check_sizes(input, target, "smooth_l1")
    if _is_int(input) and _is_int(target):
        _not_impl("smooth_l1_cpu", input._data.dtype)
    if beta == 0:                      # as PyTorch: the L1 loss
        return _reduce((input - target).abs(), _legacy_reduction(size_average, reduce, reduction))
    return pointwise_loss("smooth_l1", input, target, _checked(_legacy_reduction(size_average, reduce, reduction)),
                          float(beta))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence with ``input`` given as log-probabilities (``target`` too if ``log_target``).

    >>> F.kl_div(ember.tensor([-0.6931, -0.6931]), ember.tensor([0.5, 0.5]), reduction="batchmean")
    tensor(-2.3603e-05)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return kl_div(input, target, size_average, reduce, reduction, log_target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if _is_int(input) or _is_int(target):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _ops.public["xlogy"](target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """``max(0, -target * (input1 - input2) + margin)``.

    >>> F.margin_ranking_loss(ember.tensor([1.]), ember.tensor([2.]), ember.tensor([1.]))
    tensor(1.)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input1, input2, target = _ac.fp32(input1, input2, target)
        with _ac.suspended():
            return margin_ranking_loss(input1, input2, target, margin, size_average, reduce, reduction)
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """``x`` where target is 1, ``max(0, margin - x)`` where it is -1.

    >>> F.hinge_embedding_loss(ember.tensor([0.3, 0.3]), ember.tensor([1., -1.]))
    tensor(0.5000)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return hinge_embedding_loss(input, target, margin, size_average, reduce, reduction)
    if _is_int(input) and _legacy_reduction(size_average, reduce, reduction) == "mean":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_tn(input._data.dtype)}")
    margin_clamp = (margin - input).clamp_min(0)
    out_margin = _where(target != 1, margin_clamp, margin_clamp * 0)
    out_self = _where(target != -1, input, input * 0)
    return _reduce(out_margin + out_self, _legacy_reduction(size_average, reduce, reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """``1 - cos`` for similar pairs, ``max(0, cos - margin)`` for dissimilar ones.

    >>> F.cosine_embedding_loss(ember.tensor([[1., 0.]]), ember.tensor([[1., 0.]]), ember.tensor([1.]))
    tensor(0.)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input1, input2, target = _ac.fp32(input1, input2, target)
        with _ac.suspended():
            return cosine_embedding_loss(input1, input2, target, margin, size_average, reduce, reduction)
    eps = 1e-12
    prod = (input1 * input2).sum(-1)
    m1 = (input1 * input1).sum(-1) + eps
    m2 = (input2 * input2).sum(-1) + eps
    cos = prod / (m1 * m2).sqrt()
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    loss = _where(target == 1, pos, pos * 0) + _where(target == -1, neg, neg * 0)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with p-norm distances.

    >>> F.triplet_margin_loss(ember.zeros(1, 2), ember.zeros(1, 2), ember.ones(1, 2))
    tensor(0.)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        anchor, positive, negative = _ac.fp32(anchor, positive, negative)
        with _ac.suspended():
            return triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, size_average, reduce,
                                       reduction)
    from .functional_pairwise import pairwise_distance
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = _ops.public["minimum"](d_neg, d_swap)
    loss = (d_pos - d_neg + margin).clamp_min(0)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Multi-label one-vs-all BCE with logits, averaged over classes.

    >>> F.multilabel_soft_margin_loss(ember.tensor([[0., 0.]]), ember.tensor([[1., 0.]]))
    tensor(0.6931)
    """
    from .functional_act import logsigmoid
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction), " is not valid")


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of ``target`` under N(input, var).

    >>> F.gaussian_nll_loss(ember.tensor([0.]), ember.tensor([0.]), ember.tensor([1.]))
    tensor(0.)
    """
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        from .._creation import full_like
        var = full_like(input, var)
    elif (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    vs, xs = tuple(var.shape), tuple(input.shape)
    if vs != xs:
        if xs[:-1] == vs:             # homoscedastic: one variance per sample
            var = var.unsqueeze(-1)
        elif not (len(vs) == len(xs) and sum(v for x, v in zip(xs, vs) if x != v) == 1):
            raise ValueError("var is of incorrect size")   # (PyTorch's rule: one dim of size 1 may broadcast)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    from ..autograd.grad_mode import no_grad
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, " is not valid")


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log-likelihood of ``target`` under Poisson(rate), rate = exp(input) if ``log_input``.

    >>> F.poisson_nll_loss(ember.tensor([0.]), ember.tensor([1.]))
    tensor(1.)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return poisson_nll_loss(input, target, log_input, full, size_average, eps, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        t = target
        stirling = t * t.log() - t + 0.5 * (2 * math.pi * t).log()
        loss = loss + _where(t > 1, stirling, stirling * 0)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-target * input))``.

    >>> F.soft_margin_loss(ember.tensor([0.]), ember.tensor([1.]))
    tensor(0.6931)
    """
    if _ac_on[0] and _ac.is_enabled("cpu"):  # cast, then run with autocast off inside
        input, target = _ac.fp32(input, target)
        with _ac.suspended():
            return soft_margin_loss(input, target, size_average, reduce, reduction)
    if _is_int(input):
        _cast_error(input._data.dtype)
    if target.requires_grad and _grad_on():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. "
                           "This input cannot have requires_grad True.")
    if target._data.dtype != input._data.dtype and not _is_int(target):   # PyTorch: the input's dtype
        target = target.to(input.dtype)
    return pointwise_loss("soft_margin", input, target, _checked(_legacy_reduction(size_average, reduce, reduction)))
