"""``torch.fx.passes``: analyses and rewrites over fx graphs (``shape_prop.ShapeProp``).

>>> from ember.fx.passes.shape_prop import ShapeProp
>>> gm = ember.fx.symbolic_trace(lambda x: x.sum(0))
>>> _ = ShapeProp(gm).propagate(ember.ones(2, 3))
>>> [tuple(n.meta["tensor_meta"].shape) for n in gm.graph.nodes if n.op != "output"]
[(2, 3), (3,)]
"""
from . import shape_prop  # noqa: F401
