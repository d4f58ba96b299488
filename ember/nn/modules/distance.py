"""Distance layers: ``PairwiseDistance`` (p-norm between rows) and ``CosineSimilarity``.

>>> ember.nn.modules.distance.PairwiseDistance is ember.nn.PairwiseDistance
True
"""
from .module import Module
from .. import functional as F

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``.

    >>> ember.nn.CosineSimilarity()(ember.tensor([[1., 0.]]), ember.tensor([[1., 0.]]))
    tensor([1.])
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm distance between rows.

    >>> ember.nn.PairwiseDistance()(ember.zeros(1, 2), ember.tensor([[3., 4.]]))
    tensor([5.0000])
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
