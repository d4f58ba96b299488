"""``torchvision.ops.stochastic_depth``: dropping whole residual branches (the models' own
implementation, ``models/_blocks.py``, re-exported under torchvision's module path).

>>> from ember.vision.ops import stochastic_depth
>>> stochastic_depth(ember.ones(2, 2), 0.5, "row", training=False).tolist()
[[1.0, 1.0], [1.0, 1.0]]
"""
from ..models._blocks import StochasticDepth, stochastic_depth

__all__ = ["stochastic_depth", "StochasticDepth"]
