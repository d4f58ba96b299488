"""Distance layers at PyTorch's module path ``torch.nn.modules.distance`` (defined in ``misc.py``).

>>> ember.nn.modules.distance.PairwiseDistance is ember.nn.PairwiseDistance
True
"""
from .misc import PairwiseDistance, CosineSimilarity  # noqa: F401

__all__ = ["PairwiseDistance", "CosineSimilarity"]
