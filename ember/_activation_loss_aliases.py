"""The activations, losses and distances PyTorch exposes at the top level (``torch.celu_``,
``torch.kl_div`` ...): losses take an integer ``reduction`` (0 none, 1 mean, 2 sum) as ATen does; as in torch 2.13 it defaults
to 0 (no reduction) when left out at the top level.
"""
from .nn import functional as F

__all__ = ["celu", "celu_", "selu", "selu_", "rrelu", "rrelu_", "threshold", "threshold_", "relu_",
           "binary_cross_entropy_with_logits", "cosine_embedding_loss", "hinge_embedding_loss",
           "kl_div", "margin_ranking_loss", "poisson_nll_loss", "triplet_margin_loss",
           "cosine_similarity", "pairwise_distance"]


_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(r):
    if isinstance(r, str):  # ATen takes the enum; accept the F.* spelling too
        return r
    return _REDUCTIONS.get(r, "none")  # as torch 2.13: any other value reduces nothing


# ---------------------------------------------------------------- activations

def celu(input, alpha=1.0):
    """``max(0, x) + min(0, alpha (exp(x / alpha) - 1))``.

    >>> ember.celu(ember.tensor([-1., 1.]))
    tensor([-0.6321,  1.0000])
    """
    return F.celu(input, alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`.

    >>> x = ember.tensor([-1., 1.]); ember.celu_(x) is x
    True
    """
    return F.celu(input, alpha, inplace=True)


def selu(input):
    """Scaled ELU.

    >>> ember.selu(ember.tensor([0., 1.]))
    tensor([0.0000, 1.0507])
    """
    return F.selu(input)


def selu_(input):
    """In-place :func:`selu`.

    >>> x = ember.tensor([0., 1.]); ember.selu_(x) is x
    True
    """
    return F.selu(input, inplace=True)


def rrelu(input, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    """Randomized leaky ReLU (slope ``(lower + upper) / 2`` when not training).

    >>> ember.rrelu(ember.tensor([-3., 1.]), 0.25, 0.25)
    tensor([-0.7500,  1.0000])
    """
    if generator is not None:
        raise NotImplementedError("rrelu: an explicit generator is not supported by ember")
    return F.rrelu(input, lower, upper, training)


def rrelu_(input, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    """In-place :func:`rrelu`.

    >>> x = ember.tensor([-3., 1.]); ember.rrelu_(x) is x
    True
    """
    if generator is not None:
        raise NotImplementedError("rrelu_: an explicit generator is not supported by ember")
    return F.rrelu(input, lower, upper, training, inplace=True)


def threshold(input, threshold, value):
    """``x`` where ``x > threshold``, else ``value``.

    >>> ember.threshold(ember.tensor([1., 3.]), 2., 0.)
    tensor([0., 3.])
    """
    return F.threshold(input, threshold, value)


def threshold_(input, threshold, value):
    """In-place :func:`threshold`.

    >>> x = ember.tensor([1., 3.]); ember.threshold_(x, 2., 0.) is x
    True
    """
    return F.threshold(input, threshold, value, inplace=True)


def relu_(input):
    """In-place ReLU; returns ``input``.

    >>> x = ember.tensor([-1., 2.]); ember.relu_(x)
    tensor([0., 2.])
    """
    return input.relu_()


# ---------------------------------------------------------------- losses and distances

def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """BCE on logits; ``reduction`` 0 none, 1 mean, 2 sum.

    >>> ember.binary_cross_entropy_with_logits(ember.zeros(2), ember.ones(2), reduction=1)
    tensor(0.6931)
    """
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """Cosine embedding loss with an integer ``reduction``.

    >>> ember.cosine_embedding_loss(ember.ones(1, 2), ember.ones(1, 2), ember.ones(1))
    tensor([0.])
    """
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """Hinge embedding loss with an integer ``reduction``.

    >>> ember.hinge_embedding_loss(ember.tensor([0.5]), ember.tensor([-1.]))
    tensor([0.5000])
    """
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def kl_div(input, target, reduction=0, *, log_target=False):
    """KL divergence of log-probabilities ``input`` from ``target``, integer ``reduction``.

    >>> ember.kl_div(ember.zeros(2), ember.ones(2))
    tensor([0., 0.])
    """
    return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """Margin ranking loss with an integer ``reduction``.

    >>> ember.margin_ranking_loss(ember.tensor([1.]), ember.tensor([2.]), ember.tensor([1.]), reduction=2)
    tensor(1.)
    """
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """Poisson negative log-likelihood, every argument required.

    >>> ember.poisson_nll_loss(ember.zeros(2), ember.ones(2), True, False, 1e-8, 1)
    tensor(1.)
    """
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False, reduction=0):
    """Triplet margin loss with an integer ``reduction``.

    >>> ember.triplet_margin_loss(ember.zeros(1, 2), ember.zeros(1, 2), ember.ones(1, 2))
    tensor([0.])
    """
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))


def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``.

    >>> ember.cosine_similarity(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    return F.cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    """p-norm of ``x1 - x2 + eps`` along the last dim.

    >>> ember.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]), eps=0.0)
    tensor([5.])
    """
    return F.pairwise_distance(x1, x2, p, eps, keepdim)


